"""What a campaign worker sees when legislation.gov.uk misbehaves: clear errors, nothing lost."""

import sqlite3

from tests.end_to_end.conftest import serve_legislation
from tests.support.crawl import run_scrapy

CHALLENGE = "/uksi/2017/807/made/data.xml"


def crawl(server, db, *options, **settings):
    return run_scrapy(
        "nightly",
        "--source",
        "legislation",
        *options,
        db=db,
        base_url=server.base_url,
        settings=settings,
    )


def stored_items(db):
    return {row[0] for row in sqlite3.connect(db).execute("select id from items")}


def test_a_challenge_page_served_with_200_is_retried_then_reported_and_not_stored(
    fixture_server, tmp_path
):
    serve_legislation(fixture_server).replace(CHALLENGE, "legislation/challenge.html")
    db = tmp_path / "timeline.db"
    result = crawl(fixture_server, db)
    assert result.returncode == 1
    assert fixture_server.count(CHALLENGE) == 4  # the first try and three retries
    assert (
        "legislation: https://www.legislation.gov.uk/uksi/2017/807/made/data.xml -- "
        "malformed response" in result.stdout
    )
    assert "1 of 1 sources failed: legislation" in result.stdout
    assert "legislation:uksi/2017/807" not in stored_items(db)
    assert "legislation:uksi/2016/808" in stored_items(db)


def test_a_truncated_then_good_response_is_stored_after_a_retry(fixture_server, tmp_path):
    serve_legislation(fixture_server).replace(CHALLENGE, "legislation/truncated.xml")
    fixture_server.add(CHALLENGE, "legislation/uksi-2017-807.xml")
    db = tmp_path / "timeline.db"
    result = crawl(fixture_server, db)
    assert result.returncode == 0, result.stdout
    assert "legislation:uksi/2017/807" in stored_items(db)


def test_a_failed_run_keeps_what_was_stored_before(fixture_server, tmp_path):
    serve_legislation(fixture_server)
    db = tmp_path / "timeline.db"
    assert crawl(fixture_server, db).returncode == 0
    before = sqlite3.connect(db).execute("select * from timeline order by event_id").fetchall()
    fixture_server.routes.clear()
    for path in ("/uksi/2016/808/made/data.xml", "/uksi/2017/807/made/data.xml"):
        fixture_server.add(path, status=500, body="Internal Server Error")
    # A back-fill fetches every instrument again, so each request meets the failure.
    result = crawl(fixture_server, db, "--backfill")
    assert result.returncode == 1
    assert "HTTP 500" in result.stdout
    after = sqlite3.connect(db).execute("select * from timeline order by event_id").fetchall()
    assert after == before


def test_an_unreachable_source_is_named_and_the_job_fails(tmp_path):
    db = tmp_path / "timeline.db"
    # Nothing listens on port 9 of the loopback: the connection is refused at once.
    result = run_scrapy("nightly", "--source", "legislation", db=db, base_url="http://127.0.0.1:9")
    assert result.returncode == 1
    assert "ConnectionRefusedError" in result.stdout
    assert "1 of 1 sources failed: legislation" in result.stdout


def test_a_source_that_cannot_be_reached_stops_trying_and_says_so(tmp_path):
    db = tmp_path / "timeline.db"
    # The GOV.UK spider starts with 3 tracked documents and one search per phrase: far
    # more requests than it takes to see that nothing answers.
    result = run_scrapy("nightly", "--source", "govuk", db=db, base_url="http://127.0.0.1:9")
    assert result.returncode == 1
    assert "unreachable: 3 connection failures in a row" in result.stdout
    assert result.stdout.count("unreachable: ") == 1
    assert "crawl ended early (unreachable)" in result.stdout


def test_a_429_pauses_every_request_to_the_host_for_its_retry_after(fixture_server, tmp_path):
    serve_legislation(fixture_server)
    path = "/uksi/2016/808/made/data.xml"
    fixture_server.routes.pop(path)
    fixture_server.add(path, status=429, body="slow down", headers={"Retry-After": "2"})
    fixture_server.add(path, "legislation/uksi-2016-808.xml")
    db = tmp_path / "timeline.db"
    # With no delay at all Scrapy may start several requests to a host at once; any
    # delay gives the one-at-a-time order the nightly job has.
    result = crawl(fixture_server, db, DOWNLOAD_DELAY="0.01")
    assert result.returncode == 0, result.stdout
    assert fixture_server.count(path) == 2
    assert "legislation:uksi/2016/808" in stored_items(db)
    asked_to_wait = next(at for at, arrived in fixture_server.arrivals if arrived == path)
    after = [at - asked_to_wait for at, _ in fixture_server.arrivals if at > asked_to_wait]
    assert len(after) >= 5  # the retry and the other instruments and feeds
    assert min(after) >= 1.9, after  # none of them came before the host's pause was over
