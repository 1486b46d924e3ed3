"""The job run every hour, as issue 19 asks: when nothing has changed, each run stays
under 100 requests (robots.txt included) and stores nothing, while every source is still
asked the same day.

One server and database serve a first run and then the runs of the following hours. The
hours pass by moving every stored run back in time, which is all the schedule reads (see
timeline_jobs/schedule.py); the sources' date windows are whole days, so the fixture
server's answers are the same either way.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.end_to_end.conftest import crawl_everything, serve_everything
from tests.support.crawl import CrawlResult
from tests.support.fixture_server import FixtureServer
from timeline_spiders.sources import crawled_sources

HOURLY = {s.name for s in crawled_sources() if s.refresh_every <= timedelta(hours=1)}
SLOWER = {s.name for s in crawled_sources()} - HOURLY
#: Hours since the first run at which the hourly runs below happen: the next hour, then
#: the six hours in which the slower sources fall due and are spread.
HOURS = (1, 6, 7, 8, 9, 10, 11)
BUDGET = 100


@dataclass
class HourlyRun:
    hour: int
    result: CrawlResult
    requests: list[str]
    seconds: float
    asked: dict[str, dict]  # source -> its runs row


def pass_time(db: Path, hours: int) -> None:
    """Move every stored run `hours` into the past."""
    conn = sqlite3.connect(db)
    with conn:
        for run_id, started, finished in conn.execute(
            "select id, started_at, finished_at from runs"
        ).fetchall():
            conn.execute(
                "update runs set started_at = ?, finished_at = ? where id = ?",
                [_earlier(started, hours), _earlier(finished, hours), run_id],
            )
    conn.close()


def _earlier(moment: str | None, hours: int) -> str | None:
    if not moment:
        return moment
    return (datetime.fromisoformat(moment) - timedelta(hours=hours)).isoformat()


def crawled_runs_of_job(db: Path, job_id: str) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("select * from runs where job_id = ?", [job_id]).fetchall()
    conn.close()
    crawled = {s.name for s in crawled_sources()}
    return {row["source"]: dict(row) for row in rows if row["source"] in crawled}


def last_crawl_job(db: Path) -> str:
    crawled = [s.name for s in crawled_sources()]
    conn = sqlite3.connect(db)
    (job_id,) = conn.execute(
        f"select job_id from runs where source in ({', '.join('?' * len(crawled))})"
        " order by id desc limit 1",
        crawled,
    ).fetchone()
    conn.close()
    return job_id


@pytest.fixture(scope="module")
def hourly_runs(tmp_path_factory) -> list[HourlyRun]:
    server = serve_everything(FixtureServer().start())
    db = tmp_path_factory.mktemp("hourly") / "timeline.db"
    runs = []
    try:
        first = crawl_everything(server, db, SOURCE_SCHEDULE="due")
        assert first.returncode == 0, first.stdout + first.stderr
        hour_now = 0
        for hour in HOURS:
            pass_time(db, hour - hour_now)
            hour_now = hour
            before = len(server.requests)
            started = time.monotonic()
            result = crawl_everything(server, db, SOURCE_SCHEDULE="due")
            seconds = time.monotonic() - started
            asked = crawled_runs_of_job(db, last_crawl_job(db))
            runs.append(HourlyRun(hour, result, server.requests[before:], seconds, asked))
        yield runs
    finally:
        server.stop()


def test_every_hourly_run_succeeds_and_says_which_sources_waited(hourly_runs):
    for run in hourly_runs:
        assert run.result.returncode == 0, run.result.stdout + run.result.stderr
        assert "sources due succeeded" in run.result.stdout
        assert "Not asking hansard this run" in run.result.stdout or "hansard" in run.asked


def test_an_hourly_run_where_nothing_changed_makes_at_most_100_requests(hourly_runs):
    print()
    for run in hourly_runs:
        per_source = {name: row["requests"] for name, row in sorted(run.asked.items())}
        print(
            f"hour {run.hour:2}: {len(run.requests):3} requests {run.seconds:5.1f} s {per_source}"
        )
        assert len(run.requests) <= BUDGET, per_source


def test_an_hourly_run_where_nothing_changed_stores_nothing(hourly_runs):
    for run in hourly_runs:
        for source, row in run.asked.items():
            assert (row["items_new"], row["items_changed"]) == (0, 0), (run.hour, source)


def test_the_hourly_sources_are_asked_every_hour_and_each_other_source_once_in_six(hourly_runs):
    asked = [set(run.asked) for run in hourly_runs]
    assert all(sources >= HOURLY for sources in asked)
    assert asked[0] == HOURLY  # the hour after the first run
    slower_asked = Counter(name for sources in asked for name in sources & SLOWER)
    assert slower_asked == Counter({name: 1 for name in SLOWER})
    assert all(len(sources & SLOWER) <= 1 for sources in asked)


def test_what_a_day_of_hourly_runs_costs_each_source(hourly_runs):
    """The figures in the README's "Running it every hour": a source's requests when
    nothing changed, times the runs a day that ask it."""
    per_run: dict[str, int] = {}
    for run in hourly_runs:
        for name, row in run.asked.items():
            per_run[name] = max(per_run.get(name, 0), row["requests"])
    print()
    for source in crawled_sources():
        runs_a_day = 24 if source.name in HOURLY else 4
        requests = per_run[source.name]
        daily = requests * runs_a_day
        print(f"{source.name:12} {requests:3} a run x {runs_a_day:2} = {daily:4} a day")
    assert set(per_run) == HOURLY | SLOWER
