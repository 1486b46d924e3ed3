"""Shared set-up for end-to-end tests: a local server playing the sources."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from datasette.app import Datasette

from tests.support.fixture_server import FixtureServer

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
AP_REGULATIONS_2017 = (
    "The Education (Information About Children in Alternative Provision) (England) "
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


@pytest.fixture
def fixture_server():
    server = FixtureServer().start()
    yield server
    server.stop()


def datasette_for(db: Path) -> Datasette:
    metadata = json.loads((ROOT / "datasette_metadata.json").read_text())
    return Datasette(
        [str(db)],
        metadata=metadata,
        template_dir=str(ROOT / "templates"),
    )


def query_json(db: Path, path: str) -> list[dict]:
    """GET a Datasette JSON URL for the database and return its rows as dicts."""

    async def fetch():
        datasette = datasette_for(db)
        await datasette.invoke_startup()
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())
