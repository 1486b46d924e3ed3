"""Faults in the four sources of issue 18, with the real crawler: each is retried, then
reported with the public URL and the reason, counted in the run report, and fails its
source, while everything else each source found is stored.

One crawl of the four: the Bills API sends a truncated page of amendments, the Committees
API a challenge page served with 200, the motions API reports a failure with status 200,
and the petitions site answers 500 for the second page of a search. Then the motions API,
crawled alone, times out on one motion.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.end_to_end.parliament_business import FIRST_DAY, serve_parliament_business
from tests.support.crawl import CrawlResult, run_scrapy
from tests.support.fixture_server import FixtureServer
from timeline_spiders.sources import crawled_sources

SOURCES = ("bills", "committees", "motions", "petitions")
AMENDMENTS = "/api/v1/Bills/1773/Stages/8709/Amendments?Skip=0&Take=20"
PUBLICATIONS = (
    f"/api/Publications?SearchTerm=pupil+nationality&StartDate={FIRST_DAY}&Skip=0&Take=30"
)
MOTION = "/EarlyDayMotion/51077"
PRAYERS = (
    f"/EarlyDayMotions/list?parameters.isPrayer=true&parameters.tabledStartDate={FIRST_DAY}"
    "&parameters.skip=0&parameters.take=100"
)
PETITIONS_PAGE_2 = "/petitions.json?count=2&page=2&q=pupil+data"


@dataclass
class Faulty:
    db: Path
    result: CrawlResult
    server: FixtureServer


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    server = serve_parliament_business(FixtureServer().start())
    server.replace(AMENDMENTS, "bills/truncated.json")
    server.replace(PUBLICATIONS, "committees/challenge.html")
    server.replace(PRAYERS, "motions/not-found.json")
    server.replace(PETITIONS_PAGE_2, body="Internal Server Error", status=500)
    db = tmp_path_factory.mktemp("faults") / "timeline.db"
    (db.parent / "curation").mkdir()
    options = [option for source in SOURCES for option in ("--source", source)]
    try:
        result = run_scrapy(
            "nightly",
            *options,
            db=db,
            base_url=server.base_url,
            settings={
                "CURATION_DIR": str(db.parent / "curation"),
                "BACKFILL_FROM": FIRST_DAY,
            },
        )
        yield Faulty(db, result, server)
    finally:
        server.stop()


def errors_of(db: Path) -> dict[str, list[dict[str, str]]]:
    """Each crawled source's errors (the job's own steps have rows too, and succeed)."""
    rows = sqlite3.connect(db).execute("select source, status, errors_count, errors from runs")
    crawled = {source.name for source in crawled_sources()}
    found = {}
    for source, status, count, errors in rows:
        if source not in crawled:
            continue
        assert status == "failed", source
        found[source] = json.loads(errors)
        assert count == len(found[source])
    return found


def test_every_source_with_a_fault_fails_and_the_job_says_so(faulty):
    assert faulty.result.returncode == 1
    assert "Traceback" not in faulty.result.stderr
    assert "4 of 4 sources failed: bills, committees, motions, petitions" in faulty.result.stdout
    assert set(errors_of(faulty.db)) == set(SOURCES)


def test_each_fault_is_retried_then_reported_with_the_public_url_and_the_reason(faulty):
    assert faulty.server.count(AMENDMENTS) == 4  # the first try and three retries
    assert faulty.server.count(PUBLICATIONS) == 4
    expected = {
        "bills": (f"https://bills-api.parliament.uk{AMENDMENTS}", "malformed response"),
        "committees": (
            f"https://committees-api.parliament.uk{PUBLICATIONS}",
            "malformed response",
        ),
        "motions": (
            f"https://oralquestionsandmotions-api.parliament.uk{PRAYERS}",
            "malformed response",
        ),
        "petitions": (f"https://petition.parliament.uk{PETITIONS_PAGE_2}", "HTTP 500"),
    }
    errors = errors_of(faulty.db)
    for source, (url, reason) in expected.items():
        (error,) = errors[source]
        assert error["url"] == url, source
        assert error["reason"].startswith(reason), (source, error["reason"])
        assert f"{source}: {url} -- {error['reason']}" in faulty.result.stdout


def test_everything_else_each_source_found_is_stored(faulty):
    stored = {row[0] for row in sqlite3.connect(faulty.db).execute("select id from items")}
    assert {
        "bills:bill/1773",
        "committees:publication/7388",  # found by the bill's name
        "motions:edm/50123",
        "petitions:700123",
    } <= stored
    assert not any(item.startswith("bills:bill/1773/amendment/") for item in stored)
    assert "motions:edm/50201" not in stored  # the prayer, on the list that failed
    assert "petitions:703300" not in stored  # on the page that failed


def test_a_motion_that_times_out_is_reported_and_the_others_stored(tmp_path):
    """Crawled alone, with a short timeout; enough failures in a row are allowed for the
    source not to be given up as unreachable over one slow motion."""
    server = serve_parliament_business(FixtureServer().start())
    server.replace(MOTION, "motions/motion-51077-alternative-provision-census.json", delay=5)
    db = tmp_path / "timeline.db"
    (tmp_path / "curation").mkdir()
    try:
        result = run_scrapy(
            "nightly",
            "--source",
            "motions",
            db=db,
            base_url=server.base_url,
            settings={
                "CURATION_DIR": str(tmp_path / "curation"),
                "BACKFILL_FROM": FIRST_DAY,
                "DOWNLOAD_TIMEOUT": "2",
                "RETRY_TIMES": "1",
                "UNREACHABLE_AFTER": "5",
            },
        )
        assert server.count(MOTION) == 2  # the first try and one retry
    finally:
        server.stop()
    assert result.returncode == 1
    (error,) = errors_of(db)["motions"]
    assert error["url"] == f"https://oralquestionsandmotions-api.parliament.uk{MOTION}"
    assert "TimeoutError" in error["reason"]
    stored = {row[0] for row in sqlite3.connect(db).execute("select id from items")}
    assert stored == {"motions:edm/50123", "motions:edm/57702", "motions:edm/50201"}
