"""Serving a database: any file name, read-only, and never an empty site by mistake."""

import asyncio
import gc
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading

import pytest

from tests.support.crawl import ROOT
from tests.support.database import new_database
from tests.support.site import CENSUS, PUBLIC_URL, get, recorded_statements, site_read
from timeline_site import guard
from timeline_site.config import SiteUnavailable, build_datasette
from timeline_site.queries import DATABASE
from timeline_site.sql_threads import TimelineDatabase


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_file_of_any_name_is_served_as_the_timeline(site_db, tmp_path):
    other = tmp_path / "other.db"
    shutil.copy(site_db, other)
    for path in ("/", f"/campaign/{CENSUS}", "/search?q=census", "/status", "/timeline"):
        assert get(other, path).status_code == 200, path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: None, "There is no timeline database at"),
        (lambda path: path.write_bytes(b""), r"is empty \(0 bytes\)"),
        (lambda path: path.write_bytes(b"not a database at all" * 100), "cannot be read"),
        (
            lambda path: sqlite3.connect(path).execute("create table t (a)").connection.commit(),
            "older schema",
        ),
    ],
)
def test_the_site_refuses_to_start_without_its_database(tmp_path, make, says):
    path = tmp_path / "timeline.db"
    make(path)
    with pytest.raises(SiteUnavailable, match=says):
        build_datasette(path)


def test_bin_serve_refuses_at_start_saying_why(tmp_path):
    env = {**os.environ, "TIMELINE_DB": str(tmp_path / "missing.db"), "PORT": "1"}
    env["PATH"] = f"{os.path.dirname(sys.executable)}:{env['PATH']}"
    result = subprocess.run(
        [str(ROOT / "bin" / "serve")], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert f"Not serving: There is no timeline database at {tmp_path / 'missing.db'}" in (
        result.stderr
    )


def test_the_site_never_writes_to_its_database(site_db, tmp_path):
    served = tmp_path / "timeline.db"
    shutil.copy(site_db, served)
    before = digest(served)
    for path in ("/", f"/campaign/{CENSUS}", "/search?q=census", "/timeline/timeline.csv"):
        get(served, path)
    assert digest(served) == before

    async def try_to_write() -> None:
        datasette = build_datasette(served)
        await datasette.invoke_startup()
        await datasette.get_database(DATABASE).execute("create table sneaky (a)")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(try_to_write())


def test_the_site_starts_and_serves_while_the_job_holds_a_write_lock(site_db, tmp_path):
    served = tmp_path / "timeline.db"
    shutil.copy(site_db, served)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        conn = sqlite3.connect(served)
        conn.execute("pragma journal_mode = wal")
        conn.execute("begin immediate")
        conn.execute("insert into state (key, value) values ('lock', 'held')")
        locked.set()
        release.wait(30)
        conn.rollback()
        conn.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(10)
        assert get(served, f"/campaign/{CENSUS}").status_code == 200
        assert get(served, "/").status_code == 200
    finally:
        release.set()
        holder.join()


def test_databases_served_one_after_another_are_each_read_from_their_own_file(site_db, tmp_path):
    """The page threads (and their connections) belong to the database being served,
    not to the process."""
    assert "Motion to Regret" in get(site_db, "/si/uksi/2016/808").text
    empty = tmp_path / "empty.db"
    new_database(empty).close()
    assert get(empty, "/si/uksi/2016/808").status_code == 404


@pytest.mark.parametrize(
    ("path", "lowered"),
    [
        (f"/embed/{CENSUS}", False),
        (f"/campaign/{CENSUS}", False),
        ("/si/uksi/2016/808", False),
        ("/status", False),
        ("/search?q=census", True),
        ("/timeline/new_since.atom?since=2000-01-01", False),
        (f"/timeline/campaign_feed.atom?campaign={CENSUS}", False),
        (f"/campaign/{CENSUS}?q=census", True),
        ("/timeline/items.json", True),
    ],
)
def test_searches_run_below_the_event_loop_and_the_pages_at_its_priority(
    site_db, monkeypatch, path, lowered
):
    """A slow search must not starve the embeds: its SQL runs on Datasette's threads
    below the loop; the pages a crowd reads run on threads of their own at the loop's
    priority, so their few milliseconds of SQL never queue behind a search's
    (timeline_site/sql_threads.py)."""
    priorities: list[int] = []
    connection = TimelineDatabase.thread_connection

    def recorded(self):
        conn = connection(self)
        priorities.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return conn

    monkeypatch.setattr(TimelineDatabase, "thread_connection", recorded)
    assert get(site_db, path).status_code == 200
    loop = os.getpriority(os.PRIO_PROCESS, os.getpid())
    assert priorities
    assert set(priorities) == {min(19, loop + 10) if lowered else loop}


def test_datasettes_catalog_of_tables_is_read_again_only_after_a_database_file_changes(
    site_db, tmp_path, monkeypatch
):
    """Datasette reads every database's schema again before each request to its own
    pages; the site does so only when a database file has changed since it last did."""
    path = tmp_path / "timeline.db"
    shutil.copy(site_db, path)
    statements = recorded_statements(monkeypatch)

    def schema_reads():
        return [sql for sql, _ in statements if "schema_version" in sql.lower()]

    async def visit():
        datasette = build_datasette(path, public_url=PUBLIC_URL)
        await datasette.invoke_startup()
        catalog = datasette.databases["_internal"]
        found = "/timeline/new_since.json?since=2016-01-01"
        assert (await datasette.client.get(found)).status_code == 200
        assert schema_reads(), "the first request reads the schemas"
        statements.clear()
        await datasette.client.get(found)
        read_when_unchanged = schema_reads()
        with sqlite3.connect(path) as writer:
            writer.execute("create table added_tonight (id integer primary key)")
        statements.clear()
        await datasette.client.get(found)
        tables = await catalog.execute(
            "select table_name from tables where database_name = ?", [DATABASE]
        )
        return read_when_unchanged, schema_reads(), [row[0] for row in tables]

    read_when_unchanged, read_after_a_write, tables = asyncio.run(visit())
    assert read_when_unchanged == []
    assert read_after_a_write
    assert "added_tonight" in tables


def test_the_timelines_text_is_decoded_by_sqlite_not_in_python_for_every_value(site_db):
    """Datasette decodes each text value in Python to survive invalid UTF-8 in databases
    it did not make; the timeline cannot hold any, and its pages read faster without."""

    async def datasettes_own_connection():
        datasette = build_datasette(site_db, public_url=PUBLIC_URL)
        await datasette.invoke_startup()
        return await datasette.get_database(DATABASE).execute_fn(lambda conn: conn.text_factory)

    assert site_read(site_db, lambda reader: reader.conn.text_factory) is str
    assert asyncio.run(datasettes_own_connection()) is str


async def asgi_get(app, path: str) -> int:
    """`path` asked of the ASGI `app` directly, with no HTTP client around it (httpx's
    own responses are reference cycles): the status."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 1),
        "server": ("localhost", 80),
    }
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    return messages[0]["status"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/campaign/{CENSUS}",
        f"/embed/{CENSUS}",
        "/search?q=census",
        "/si/uksi/2016/808",
        "/status",
        f"/timeline/campaign_feed.atom?campaign={CENSUS}",
        "/robots.txt",
    ],
)
def test_a_request_leaves_nothing_for_the_garbage_collector(site_db, monkeypatch, path):
    """Whatever a request for a page of the site makes is freed when it is answered, not
    by the collector in the middle of a later request (Datasette's own table and query
    pages still import its breadcrumbs, below). Two things made reference cycles of every request:
    Datasette reads its messages cookie on every request, and for nearly all (there is
    none) itsdangerous kept the exception in a cycle with the request's frame, its
    response and body (`TimelineDatasette.unsign`); and Datasette's breadcrumbs,
    imported "with context", tied the template's context, with every event a page
    lists, into another (the site's pages extend page.html: timeline_site/rendering.py)."""

    # Each request made afresh, not answered from the page cache.
    monkeypatch.setattr(guard, "CACHED_PAGES", re.compile(r"(?!)"))

    async def garbage_left_by(path: str) -> list[tuple[int, int]]:
        # Earlier tests' sites collected first: their SQL threads end during the warm-up.
        gc.collect()
        datasette = build_datasette(site_db, public_url=PUBLIC_URL)
        await datasette.invoke_startup()
        app = datasette.app()
        for _ in range(10):  # every SQL thread's connection opened, every cache filled
            await asgi_get(app, path)
        gc.collect()
        gc.disable()
        try:
            found = []
            for _ in range(3):
                status = await asgi_get(app, path)
                found.append((status, gc.collect()))
            return found
        finally:
            gc.enable()

    assert asyncio.run(garbage_left_by(path)) == [(200, 0)] * 3
