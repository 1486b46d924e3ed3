"""The site stays up while the nightly job writes: readers of the published timeline see
the state before a write or after it, never a half-written one, even while the job
brings the schema up to date."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tests.end_to_end.conftest import serve_legislation, serve_si_tracker
from tests.end_to_end.test_parliament_end_to_end import serve_parliament
from tests.support.crawl import BASE_URL_SETTINGS, ROOT, SCRAPY, TEST_SETTINGS
from tests.support.database import new_database
from tests.support.fixture_server import FixtureServer
from timeline_site.config import build_datasette

if TYPE_CHECKING:
    from datasette.app import Datasette

PAGES = (
    "/timeline/timeline.json?_size=5",
    "/campaign/boycott-school-census",
    "/embed/labels-last-a-lifetime",
)


def start_nightly(server: FixtureServer, db: Path, curation: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TIMELINE_DB": str(db)}
    env.update({name: server.base_url for name in BASE_URL_SETTINGS})
    command = [*SCRAPY, "nightly", "-s", f"CURATION_DIR={curation}"]
    for source in ("legislation", "si_tracker", "hansard", "questions"):
        command += ["--source", source]
    for name, value in TEST_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def read_sqlite(db: Path, job: subprocess.Popen[str], errors: list[str], reads: list[int]) -> None:
    """A reader as Datasette reads: its own read-only connection, query after query."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    while job.poll() is None:
        try:
            connection.execute("select count(*) from timeline").fetchone()
            connection.execute("select count(*) from item_tags").fetchone()
            reads.append(1)
        except sqlite3.Error as error:
            errors.append(f"sqlite: {error}")
    connection.close()


async def read_site(datasette: Datasette, job: subprocess.Popen[str], errors: list[str]) -> int:
    await datasette.invoke_startup()
    requests = 0
    while job.poll() is None:
        for page in PAGES:
            response = await datasette.client.get(page)
            requests += 1
            if response.status_code != 200:
                errors.append(f"{page}: HTTP {response.status_code} {response.text[:200]}")
    return requests


def test_readers_see_no_error_during_a_whole_nightly_job_that_migrates_the_schema(tmp_path):
    db = tmp_path / "timeline.db"
    curation = tmp_path / "curation"
    curation.mkdir()
    new_database(db).conn.close()
    datasette = build_datasette(db)  # the site was up before the new release's job ran
    with sqlite3.connect(db) as connection:
        connection.execute("pragma user_version = 1")  # so the job migrates while read
    server = serve_parliament(serve_si_tracker(serve_legislation(FixtureServer().start())))
    for path in list(server.routes):
        for reply in server.routes[path]:
            reply.delay = 0.005  # a job long enough for thousands of reads
    errors: list[str] = []
    reads: list[int] = []
    try:
        job = start_nightly(server, db, curation)
        readers = [
            threading.Thread(target=read_sqlite, args=(db, job, errors, reads)) for _ in range(3)
        ]
        for reader in readers:
            reader.start()
        requests = asyncio.run(read_site(datasette, job, errors))
        for reader in readers:
            reader.join()
        out, err = job.communicate()
    finally:
        server.stop()
    assert job.returncode == 0, out + err
    assert "Database schema brought up to date." in out
    assert errors == []
    assert len(reads) > 1000 and requests > 30, (len(reads), requests)
