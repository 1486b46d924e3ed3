"""One writing job at a time per database."""

from __future__ import annotations

import sqlite3

import pytest

from tests.support.crawl import run_scrapy
from tests.support.database import new_database
from timeline_jobs.lock import JobLocked, exclusive_job


def test_a_second_job_is_refused_and_told_who_holds_the_lock(tmp_path):
    db = tmp_path / "timeline.db"
    holder = r"`scrapy nightly` \(process \d+ on .+, started "
    with exclusive_job(db, "scrapy nightly"), pytest.raises(JobLocked, match=holder):  # noqa: SIM117
        with exclusive_job(db, "scrapy retag"):
            pass  # pragma: no cover - never reached
    with exclusive_job(db, "scrapy retag"):
        pass  # free again once the first job is done


@pytest.mark.parametrize("command", ["nightly", "retag", "curate"])
def test_a_job_started_while_another_writes_exits_without_writing(tmp_path, command):
    db = tmp_path / "timeline.db"
    new_database(db).conn.close()
    with exclusive_job(db, "scrapy nightly"):
        result = run_scrapy(command, db=db, base_url="http://127.0.0.1:9")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is already writing to this timeline" in result.stdout
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from runs").fetchone() == (0,)
