"""Fault injection: each fault is retried or reported, the job ends in bounded time, and
nothing malformed is stored."""

import sqlite3
import time

import pytest

from tests.end_to_end.conftest import serve_legislation
from tests.support.crawl import run_scrapy
from tests.support.faults import FAIL_ON, pipelines_with_a_failing_one
from tests.support.fixture_server import FIXTURES

DOC = "/uksi/2017/807/made/data.xml"
GOOD = (FIXTURES / "legislation" / "uksi-2017-807.xml").read_bytes()


def crawl(server, tmp_path, **settings):
    db = tmp_path / "timeline.db"
    started = time.monotonic()
    result = run_scrapy(
        "nightly", "--source", "legislation", db=db, base_url=server.base_url, settings=settings
    )
    return db, result, time.monotonic() - started


def stored(db) -> set[str]:
    return {row[0] for row in sqlite3.connect(db).execute("select id from items")}


def test_http_500_then_success_is_retried_and_stored(fixture_server, tmp_path):
    serve_legislation(fixture_server).replace(DOC, status=500, body="oops")
    fixture_server.add(DOC, body=GOOD, content_type="application/xml")
    db, result, _ = crawl(fixture_server, tmp_path)
    assert result.returncode == 0, result.stdout
    assert "legislation:uksi/2017/807" in stored(db)


def test_a_timeout_is_retried_then_reported_in_bounded_time(fixture_server, tmp_path):
    serve_legislation(fixture_server).replace(DOC, body=GOOD, delay=3)
    db, result, elapsed = crawl(fixture_server, tmp_path, DOWNLOAD_TIMEOUT="1")
    assert result.returncode == 1
    assert "TimeoutError" in result.stdout and DOC in result.stdout
    assert fixture_server.count(DOC) == 4
    assert elapsed < 40
    assert "legislation:uksi/2017/807" not in stored(db)


def test_a_redirect_loop_ends_and_is_reported(fixture_server, tmp_path):
    serve_legislation(fixture_server).replace(DOC, status=302, headers={"Location": "/loop"})
    fixture_server.add("/loop", status=302, headers={"Location": DOC})
    _, result, _ = crawl(fixture_server, tmp_path)
    assert result.returncode == 1
    assert "redirect" in result.stdout.lower() and DOC in result.stdout


def test_a_very_large_response_is_refused_and_reported(fixture_server, tmp_path):
    huge = GOOD.replace(b"</Legislation>", b"<!--" + b"x" * 300_000 + b"--></Legislation>")
    serve_legislation(fixture_server).replace(DOC, body=huge, content_type="application/xml")
    db, result, _ = crawl(fixture_server, tmp_path, DOWNLOAD_MAXSIZE="200000")
    assert result.returncode == 1
    assert DOC in result.stdout
    assert "legislation:uksi/2017/807" not in stored(db)


def test_a_good_document_with_a_wrong_content_type_is_read_by_its_content(fixture_server, tmp_path):
    serve_legislation(fixture_server).replace(DOC, body=GOOD, content_type="text/plain")
    db, result, _ = crawl(fixture_server, tmp_path)
    assert result.returncode == 0, result.stdout
    assert "legislation:uksi/2017/807" in stored(db)


def test_an_html_page_labelled_as_xml_is_refused(fixture_server, tmp_path):
    challenge = (FIXTURES / "legislation" / "challenge.html").read_bytes()
    serve_legislation(fixture_server).replace(DOC, body=challenge, content_type="application/xml")
    db, result, _ = crawl(fixture_server, tmp_path)
    assert result.returncode == 1
    assert "malformed response" in result.stdout
    assert "legislation:uksi/2017/807" not in stored(db)


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        ('<ukm:Made Date="2017-02-30"/>', None),  # no such day
        ('<ukm:Made Date="17/07/2017"/>', "2017-07-17"),  # day-month-year, read as UK
        ('<ukm:Made Date="07/17/2017"/>', None),  # month-day-year: not a UK date
    ],
)
def test_odd_and_ambiguous_dates(fixture_server, tmp_path, made, expected):
    body = GOOD.replace(b'<ukm:Made Date="2017-07-17"/>', made.encode())
    serve_legislation(fixture_server).replace(DOC, body=body, content_type="application/xml")
    db, result, _ = crawl(fixture_server, tmp_path)
    dates = (
        sqlite3.connect(db)
        .execute("select date from events where id = 'legislation:uksi/2017/807:si_made'")
        .fetchall()
    )
    if expected is None:
        assert result.returncode == 1
        assert "si_made date" in result.stdout
        assert dates == []
    else:
        assert result.returncode == 0, result.stdout
        assert dates == [(expected,)]


def test_an_exception_in_a_pipeline_fails_the_run_and_names_the_item(
    fixture_server, tmp_path, monkeypatch
):
    monkeypatch.setenv(FAIL_ON, "legislation:uksi/2017/807")
    serve_legislation(fixture_server)
    db, result, _ = crawl(fixture_server, tmp_path, ITEM_PIPELINES=pipelines_with_a_failing_one())
    assert result.returncode == 1, result.stdout
    assert "All 1 sources succeeded" not in result.stdout
    assert "not stored: RuntimeError in a pipeline" in result.stdout
    assert "https://www.legislation.gov.uk/uksi/2017/807" in result.stdout
    with sqlite3.connect(db) as connection:
        status, errors = connection.execute(
            "select status, errors_count from runs where source = 'legislation'"
        ).fetchone()
    assert (status, errors) == ("failed", 1)
    assert "legislation:uksi/2017/807" not in stored(db)
    assert "legislation:uksi/2016/808" in stored(db)  # the rest of the run went on
