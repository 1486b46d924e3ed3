"""Shared set-up for end-to-end tests: a local server playing the sources."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from datasette.app import Datasette

from tests.support.crawl import CrawlResult, run_scrapy
from tests.support.fixture_server import FixtureServer
from timeline_site.config import build_datasette

ROOT = Path(__file__).resolve().parents[2]


def serve_legislation(server: FixtureServer) -> FixtureServer:
    """legislation.gov.uk as the spider sees it: two tracked SIs, a two-page search and
    each instrument's changes feeds."""
    for number in ("2016/808", "2017/807", "2016/1234"):
        server.add(
            f"/uksi/{number}/made/data.xml", f"legislation/uksi-{number.replace('/', '-')}.xml"
        )
    server.add("/uksi/data.feed?title=pupil information", "legislation/search-page-1.xml")
    server.add("/uksi/data.feed?title=pupil information&page=2", "legislation/search-page-2.xml")
    return serve_changes_feeds(server)


CHANGES = {
    ("affecting", "uksi/2016/808"): "affecting-uksi-2016-808.xml",
    ("affected", "uksi/2016/808"): "affected-uksi-2016-808-empty.xml",
    ("affecting", "uksi/2017/807"): "affecting-uksi-2017-807.xml",
    ("affected", "uksi/2017/807"): "affected-uksi-2016-808-empty.xml",
    ("affecting", "uksi/2016/1234"): "affected-uksi-2016-808-empty.xml",
    ("affected", "uksi/2016/1234"): "affected-uksi-2016-808-empty.xml",
}
#: As Parliament's SI data names it: without legislation.gov.uk's leading "The".
AP_REGULATIONS_2017 = (
    "Education (Information About Children in Alternative Provision) (England) "
    "(Amendment) Regulations 2017"
)


def serve_changes_feeds(server: FixtureServer) -> FixtureServer:
    """legislation.gov.uk's changes feeds: 2016/808 amends the 2013 regulations."""
    for (direction, legislation_id), fixture in CHANGES.items():
        server.add(
            f"/changes/{direction}/{legislation_id}/data.feed",
            f"legislation_changes/{fixture}",
        )
    return server


def serve_si_tracker(server: FixtureServer) -> FixtureServer:
    """Parliament's SI API: SI 2017/807 found by its name, and its business items."""
    server.add_matching(
        "/api/v2/StatutoryInstrument",
        {"Name": AP_REGULATIONS_2017, "Skip": "0"},
        "si_api/search-alternative-provision-page-1.json",
    )
    server.add(
        "/api/v2/StatutoryInstrument/Xk2pT7aQ/BusinessItems",
        "si_api/business-items-uksi-2017-807.json",
    )
    return server


INSTRUMENT_SOURCES = ("legislation", "si_tracker", "hansard")


def crawl_instruments(db: Path) -> CrawlResult:
    """One nightly job over the sources an instrument's page draws on (legislation.gov.uk
    with its changes feeds, the SI tracker, Hansard), against a local server."""
    # Imported here because that module imports this one.
    from tests.end_to_end.test_parliament_end_to_end import serve_hansard, serve_nothing_else

    server = serve_si_tracker(serve_legislation(FixtureServer().start()))
    serve_nothing_else(serve_hansard(server))
    options = [option for source in INSTRUMENT_SOURCES for option in ("--source", source)]
    try:
        return run_scrapy(
            "nightly",
            *options,
            db=db,
            base_url=server.base_url,
            settings={"BACKFILL_FROM": "2016-01-01"},
        )
    finally:
        server.stop()


def serve_everything(server: FixtureServer, first_day: str = "2010-01-01") -> FixtureServer:
    """Every source on one server: legislation.gov.uk, the SI tracker, Hansard, written
    questions and statements, GOV.UK, bills, committees, early day motions, petitions.
    `first_day` is the first run's BACKFILL_FROM (Hansard and questions are served for
    2016 whichever it is)."""
    # Imported here because those modules import this one.
    from tests.end_to_end.parliament_business import serve_parliament_business
    from tests.end_to_end.test_govuk_end_to_end import serve_govuk
    from tests.end_to_end.test_parliament_end_to_end import (
        serve_hansard,
        serve_nothing_else,
        serve_questions,
    )

    serve_si_tracker(serve_legislation(server))
    serve_nothing_else(serve_questions(serve_hansard(server)))
    serve_govuk(server)
    return serve_parliament_business(server, first_day)


def crawl_everything(server: FixtureServer, db: Path, **settings: str) -> CrawlResult:
    """`scrapy nightly` for every source, as the scheduler runs it. The staff files in
    data/ name items of the real sources, so the job reads an empty folder instead."""
    curation = db.parent / "curation"
    curation.mkdir(exist_ok=True)
    return run_scrapy(
        "nightly",
        db=db,
        base_url=server.base_url,
        settings={"CURATION_DIR": str(curation), **settings},
        timeout=300,
    )


async def _get(db: Path, path: str):
    datasette = datasette_for(db)
    await datasette.invoke_startup()
    return await datasette.client.get(path)


def get_page(db: Path, path: str):
    """GET any page of the site for the database through Datasette's test client."""
    return asyncio.run(_get(db, path))


@pytest.fixture
def fixture_server():
    server = FixtureServer().start()
    yield server
    server.stop()


def datasette_for(db: Path) -> Datasette:
    """The site for `db`, configured exactly as bin/serve configures it."""
    return build_datasette(db)


def query_json(db: Path, path: str) -> list[dict]:
    """GET a Datasette JSON URL for the database and return its rows as dicts."""
    response = get_page(db, path)
    assert response.status_code == 200, response.text
    return response.json()
