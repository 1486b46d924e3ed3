"""A nightly job killed at any point leaves a consistent database the next run completes."""

import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing

from tests.end_to_end.conftest import serve_legislation
from tests.support.crawl import BASE_URL_SETTINGS, ROOT, SCRAPY, TEST_SETTINGS
from tests.support.fixture_server import FIXTURES

TEMPLATE = (FIXTURES / "legislation" / "uksi-2017-807.xml").read_text()
MANY = range(100, 130)


def instrument(number: int) -> bytes:
    """A copy of a real-format instrument under another number and title."""
    return (
        TEMPLATE.replace("2017/807", f"2018/{number}")
        .replace('<ukm:Number Value="807"/>', f'<ukm:Number Value="{number}"/>')
        .replace("2017 No. 807", f"2018 No. {number}")
        .replace("(Amendment) Regulations 2017", f"(Amendment No. {number}) Regulations 2018")
        .encode()
    )


def feed(numbers) -> str:
    entries = "".join(
        f"<entry><id>http://www.legislation.gov.uk/id/uksi/2018/{n}</id>"
        f"<title>Instrument {n}</title><updated>2018-01-01T00:00:00Z</updated></entry>"
        for n in numbers
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>http://www.legislation.gov.uk/uksi/data.feed</id><title>Search Results</title>"
        f"<updated>2018-01-01T00:00:00Z</updated>{entries}</feed>"
    )


def serve_many(server, delay: float) -> None:
    serve_legislation(server)
    server.replace(
        "/uksi/data.feed?title=pupil information", body=feed(MANY), content_type="application/xml"
    )
    for number in MANY:
        server.add(
            f"/uksi/2018/{number}/made/data.xml",
            body=instrument(number),
            content_type="application/xml",
            delay=delay,
        )
        for direction in ("affected", "affecting"):
            server.add(
                f"/changes/{direction}/uksi/2018/{number}/data.feed",
                "legislation_changes/affected-uksi-2016-808-empty.xml",
            )


def connect(db) -> sqlite3.Connection:
    """Autocommit, so a check never holds a lock the next run would wait on; and never
    creating the file, which the job must create itself."""
    return closing(sqlite3.connect(f"file:{db}?mode=rw", uri=True, isolation_level=None))


def counts(db) -> dict[str, int]:
    with connect(db) as connection:
        return {
            table: connection.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("items", "events", "versions")
        }


def assert_consistent(db) -> None:
    with connect(db) as connection:
        check_consistent(connection)


def check_consistent(connection: sqlite3.Connection) -> None:
    assert connection.execute("pragma integrity_check").fetchone() == ("ok",)
    assert connection.execute("pragma foreign_key_check").fetchall() == []
    connection.execute("insert into items_fts(items_fts) values('integrity-check')")
    # Every stored item is whole: its events and its version were written with it.
    half_written = connection.execute(
        "select id from items where not exists (select 1 from events where item_id = items.id)"
        " or not exists (select 1 from versions where item_id = items.id)"
    ).fetchall()
    assert half_written == []


def test_sigkill_mid_run_leaves_a_consistent_database_that_the_next_run_completes(
    fixture_server, tmp_path
):
    serve_many(fixture_server, delay=0.15)
    db = tmp_path / "timeline.db"
    env = {**os.environ, "TIMELINE_DB": str(db)}
    env.update({name: fixture_server.base_url for name in BASE_URL_SETTINGS})
    command = [*SCRAPY, "nightly", "--source", "legislation"]
    for name, value in TEST_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    job = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if counts(db)["items"] >= 5:
                break
        except sqlite3.OperationalError:
            pass  # the job has not created the schema yet
        time.sleep(0.05)
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    killed_at = counts(db)
    assert 5 <= killed_at["items"] < len(MANY) + 2, killed_at
    assert_consistent(db)
    with connect(db) as connection:
        (status,) = connection.execute(
            "select status from runs where source = 'legislation'"
        ).fetchone()
    assert status == "running"  # the status page shows the run never finished

    fixture_server.routes.clear()
    serve_many(fixture_server, delay=0)
    env_result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert env_result.returncode == 0, env_result.stdout + env_result.stderr
    assert_consistent(db)
    with connect(db) as connection:
        (instruments,) = connection.execute(
            "select count(*) from items where source = 'legislation'"
        ).fetchone()
    assert instruments == len(MANY) + 2  # the search's instruments and the two tracked
