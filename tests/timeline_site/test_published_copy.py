"""Serving a larger audience (README): the nightly job publishes a copy, bin/serve
serves it immutable, and each new copy is swapped in whole while readers keep reading."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.support.serve import bin_serve
from tests.support.site import CENSUS
from timeline_site.publish import publish

ROOT = Path(__file__).resolve().parents[2]
PAGES = [f"/embed/{CENSUS}", f"/campaign/{CENSUS}", "/timeline/events.json?_size=3"]


def set_hashtag(db: Path, hashtag: str) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update campaigns set hashtag = ? where slug = ?", (hashtag, CENSUS))
    conn.close()


@pytest.fixture
def copies(site_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    live = tmp_path / "live" / "timeline.db"
    live.parent.mkdir()
    shutil.copy(site_db, live)
    published = tmp_path / "public" / "timeline.db"
    published.parent.mkdir()
    return live, publish(live, published)


@pytest.fixture
def server(copies):
    """bin/serve on the published copy, immutable, on a free loopback port."""
    _, published = copies
    with bin_serve(published, TIMELINE_IMMUTABLE="1") as base:
        yield base


def test_a_published_copy_is_a_plain_consistent_file(copies):
    live, published = copies
    conn = sqlite3.connect(f"file:{published}?immutable=1", uri=True)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    count = conn.execute("select count(*) from events").fetchone()[0]
    conn.close()
    conn = sqlite3.connect(live)
    assert conn.execute("select count(*) from events").fetchone()[0] == count
    conn.close()
    assert not list(published.parent.glob(".*.new"))


def test_the_site_keeps_answering_through_swaps_and_shows_the_new_copy(copies, server):
    live, published = copies
    first = httpx.get(f"{server}{PAGES[0]}")
    assert first.status_code == 200 and "#Swapped" not in first.text

    statuses: Counter[str] = Counter()
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=server, timeout=30) as client:
            turn = 0
            while not stop.is_set():
                try:
                    statuses[str(client.get(PAGES[turn % len(PAGES)]).status_code)] += 1
                except httpx.HTTPError as error:
                    statuses[type(error).__name__] += 1
                turn += 1

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for n in range(5):
            set_hashtag(live, f"#Swapped{n}")
            publish(live, published)
            time.sleep(0.2)
    finally:
        stop.set()
        for reader in readers:
            reader.join()

    assert set(statuses) == {"200"} and statuses["200"] >= 10, statuses
    after = httpx.get(f"{server}{PAGES[0]}")
    assert after.status_code == 200 and "#Swapped4" in after.text
    assert after.headers["etag"] != first.headers["etag"]
    # A reader holding the old copy's page is told it changed.
    again = httpx.get(f"{server}{PAGES[0]}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    # The server never wrote to the copy it serves: no journal, no WAL beside it.
    assert sorted(p.name for p in published.parent.iterdir()) == ["timeline.db"]
