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
    """legislation.gov.uk as the spider sees it: two tracked SIs and a two-page search."""
    for number in ("2016/808", "2017/807", "2016/1234"):
        server.add(
            f"/uksi/{number}/made/data.xml", f"legislation/uksi-{number.replace('/', '-')}.xml"
        )
    server.add("/uksi/data.feed?title=pupil information", "legislation/search-page-1.xml")
    server.add("/uksi/data.feed?title=pupil information&page=2", "legislation/search-page-2.xml")
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
