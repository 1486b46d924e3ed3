"""What lets caches take a crowd: every page the crowd asks for says how long it may be
kept and carries validators (ETag, Last-Modified) that change when the nightly job
writes; a reader who already has the page gets a 304; and the server keeps whole pages
under their ETag, so it renders an embed once per change of the data, not per reader."""

from __future__ import annotations

import asyncio
import importlib
import os
import shutil
import sqlite3
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import httpx
import pytest

from tests.support.site import CENSUS, PUBLIC_URL
from timeline_site import guard
from timeline_site.config import build_datasette

PAGES = [
    f"/embed/{CENSUS}",
    f"/campaign/{CENSUS}",
    f"/timeline/campaign_feed.atom?campaign={CENSUS}",
    "/timeline/new_since.atom",
]


@pytest.fixture
def db(site_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "timeline.db"
    shutil.copy(site_db, copy)
    return copy


def nightly_write(db: Path, hashtag: str) -> None:
    """What the nightly job does to the file: a write, and (it runs hours after the
    page was read) a later modification time."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update campaigns set hashtag = ? where slug = ?", (hashtag, CENSUS))
    conn.close()
    later = db.stat().st_mtime + 5
    for path in (db, Path(f"{db}-wal")):
        if path.exists():
            os.utime(path, (later, later))


def serve(db: Path, requests: list[tuple[str, dict[str, str]]], write: str = "") -> list:
    """The requests to one running site (configured as bin/serve does), in order; the
    nightly job writes `write` as the campaign's hashtag halfway through."""

    async def run() -> list[httpx.Response]:
        datasette = build_datasette(db, public_url=PUBLIC_URL)
        await datasette.invoke_startup()
        answers = []
        for n, (path, headers) in enumerate(requests):
            if write and n == len(requests) // 2:
                nightly_write(db, write)
            answers.append(await datasette.client.get(path, headers=headers))
        return answers

    return asyncio.run(run())


@pytest.mark.parametrize("path", PAGES)
def test_crowd_pages_carry_cache_headers_and_validators(db, path):
    (page,) = serve(db, [(path, {})])
    assert page.status_code == 200
    assert page.headers["cache-control"] == f"public, max-age={guard.cache_seconds(path)}"
    assert page.headers["etag"].startswith('"')
    assert parsedate_to_datetime(page.headers["last-modified"])


@pytest.mark.parametrize("path", PAGES)
def test_a_reader_who_has_the_page_gets_a_304_by_etag_or_by_date(db, path):
    (first,) = serve(db, [(path, {})])
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    earlier = formatdate(parsedate_to_datetime(modified).timestamp() - 60, usegmt=True)
    answers = serve(
        db,
        [
            (path, {"If-None-Match": etag}),
            (path, {"If-None-Match": f'"other", {etag}'}),
            (path, {"If-Modified-Since": modified}),
            (path, {"If-Modified-Since": earlier}),
            (path, {"If-None-Match": '"other"', "If-Modified-Since": modified}),
            (path, {"If-Modified-Since": "not a date"}),
        ],
    )
    assert [a.status_code for a in answers] == [304, 304, 304, 200, 200, 200]
    assert answers[0].headers["etag"] == etag
    assert answers[0].content == b""


@pytest.mark.parametrize("path", PAGES[:3])
def test_a_nightly_write_changes_the_validators_and_the_page(db, path):
    first, cached, after_write, revalidated = serve(
        db,
        [(path, {}), (path, {}), (path, {}), (path, {})],
        write="#ChangedByTheNight",
    )
    assert first.text == cached.text and first.headers["etag"] == cached.headers["etag"]
    assert "#ChangedByTheNight" not in cached.text
    # After the write: a new ETag and date, the new data, and the old ETag is not a 304.
    assert after_write.headers["etag"] != first.headers["etag"]
    modified = parsedate_to_datetime(after_write.headers["last-modified"])
    assert modified > parsedate_to_datetime(first.headers["last-modified"])
    assert "#ChangedByTheNight" in after_write.text
    assert revalidated.text == after_write.text
    (stale,) = serve(db, [(path, {"If-None-Match": first.headers["etag"]})])
    assert stale.status_code == 200 and "#ChangedByTheNight" in stale.text


@pytest.mark.parametrize(
    ("module", "route", "path", "shows_the_hashtag"),
    [
        ("campaign_pages", "embed_page", f"/embed/{CENSUS}", True),
        ("feeds", "campaign_feed", f"/timeline/campaign_feed.atom?campaign={CENSUS}", True),
        ("feeds", "new_since_feed", "/timeline/new_since.atom", False),
    ],
)
def test_the_server_renders_a_crowd_page_once_per_change_of_the_data(
    db, monkeypatch, module, route, path, shows_the_hashtag
):
    renders = []
    page = getattr(importlib.import_module(f"timeline_site.{module}"), route)

    async def counted(datasette, request):
        renders.append(request.path)
        return await page(datasette, request)

    monkeypatch.setattr(f"timeline_site.{module}.{route}", counted)
    monkeypatch.setattr(f"timeline_site.routes.{route}", counted)
    answers = serve(db, [(path, {})] * 6, write="#New")
    assert [a.status_code for a in answers] == [200] * 6
    assert len(renders) == 2
    if shows_the_hashtag:
        assert "#New" in answers[-1].text and "#New" not in answers[0].text


def test_searches_other_methods_and_pages_over_the_size_bound_are_not_kept():
    assert not guard.CACHED_PAGES.match("/search")
    cache = guard.PageCache(max_bytes=10)
    cache.put('"a"', {"type": "http.response.start", "status": 200}, b"12345678")
    cache.put('"b"', {"type": "http.response.start", "status": 200}, b"12345678")
    assert cache.get('"a"') is None and cache.get('"b"') is not None
