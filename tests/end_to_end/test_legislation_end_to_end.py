"""The real crawler, against a local legislation.gov.uk, into a database read by Datasette."""

import json
import sqlite3

import pytest

from tests.end_to_end.conftest import query_json, serve_legislation
from tests.support.crawl import run_scrapy


@pytest.fixture
def crawled(fixture_server, tmp_path):
    serve_legislation(fixture_server)
    db = tmp_path / "timeline.db"
    result = run_scrapy(
        "nightly", "--source", "legislation", db=db, base_url=fixture_server.base_url
    )
    return db, result


def timeline(db, **filters):
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return query_json(db, f"/timeline/timeline.json?_shape=array&_size=max&{query}")


def test_both_instruments_have_their_made_laid_and_in_force_dates(crawled):
    db, result = crawled
    assert result.returncode == 0, result.stdout + result.stderr
    events = {
        (row["item_id"], row["kind"], row["date"]) for row in timeline(db, source="legislation")
    }
    assert {
        ("legislation:uksi/2016/808", "si_made", "2016-07-18"),
        ("legislation:uksi/2016/808", "si_laid", "2016-07-21"),
        ("legislation:uksi/2016/808", "si_in_force", "2016-09-01"),
        ("legislation:uksi/2017/807", "si_made", "2017-07-17"),
        ("legislation:uksi/2017/807", "si_laid", "2017-07-19"),
        ("legislation:uksi/2017/807", "si_in_force", "2017-09-01"),
    } <= events


def test_instruments_are_tagged_by_campaign_and_the_near_miss_is_not(crawled):
    db, _ = crawled
    campaigns = {
        row["item_id"]: json.loads(row["campaigns"]) for row in timeline(db, kind="si_made")
    }
    assert campaigns == {
        "legislation:uksi/2016/808": ["boycott-school-census"],
        "legislation:uksi/2017/807": ["labels-last-a-lifetime"],
        "legislation:uksi/2016/1234": [],
    }


def test_stored_urls_are_the_public_ones_never_the_test_server(crawled, fixture_server):
    db, _ = crawled
    dumped = "\n".join(sqlite3.connect(db).iterdump())
    assert fixture_server.base_url not in dumped
    assert "127.0.0.1" not in dumped
    urls = {row["url"] for row in timeline(db, source="legislation")}
    assert "https://www.legislation.gov.uk/uksi/2016/808/made" in urls


def test_the_amended_2013_regulations_are_cited(crawled):
    db, _ = crawled
    (row,) = timeline(db, event_id="legislation:uksi/2016/808:si_made")
    assert "uksi/2013/2094" in json.loads(row["cites"])


def test_timeline_search_finds_instruments_by_their_words(crawled):
    db, _ = crawled
    rows = timeline(db, _search="nationality", source="legislation")
    assert {row["item_id"] for row in rows} == {"legislation:uksi/2016/808"}


def test_the_run_report_is_printed_and_stored(crawled):
    db, result = crawled
    assert "legislation  ok" in result.stdout
    assert "All 1 sources succeeded." in result.stdout
    (run,) = query_json(db, "/timeline/runs.json?_shape=array&source=legislation")
    assert run["status"] == "ok"
    assert run["items_new"] == 3
    assert run["items_stored"] == 3


def test_a_second_run_adds_nothing_and_fetches_no_instrument_again(crawled, fixture_server):
    db, _ = crawled
    before = timeline(db)
    first_run_requests = fixture_server.count()
    fixture_server.requests.clear()
    again = run_scrapy(
        "nightly", "--source", "legislation", db=db, base_url=fixture_server.base_url
    )
    assert again.returncode == 0, again.stdout
    assert timeline(db) == before
    # Each run is a new process: the rules' fingerprint must not change with it.
    assert "Campaign rules unchanged since the last re-tag: nothing to re-tag." in again.stdout
    runs = query_json(db, "/timeline/runs.json?_shape=array&_sort=id&source=legislation")
    assert (runs[-1]["items_new"], runs[-1]["items_changed"]) == (0, 0)
    # Only this and last year's search feeds: made instruments never change.
    assert fixture_server.count("/uksi/2016/") == fixture_server.count("/uksi/2017/") == 0
    assert fixture_server.count() * 4 <= first_run_requests


def test_a_backfill_fetches_everything_again(crawled, fixture_server):
    db, _ = crawled
    fixture_server.requests.clear()
    again = run_scrapy(
        "nightly", "--source", "legislation", "--backfill", db=db, base_url=fixture_server.base_url
    )
    assert again.returncode == 0, again.stdout
    assert fixture_server.count("/uksi/2016/808/made/data.xml") == 1
    runs = query_json(db, "/timeline/runs.json?_shape=array&_sort=id&source=legislation")
    assert runs[-1]["items_unchanged"] == 3
