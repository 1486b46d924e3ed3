"""The real crawler against a local GOV.UK: DfE guidance, its changes, into Datasette."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest

from pipelines.tagging import load_rules
from tests.end_to_end.conftest import query_json
from tests.support.crawl import CrawlResult, run_scrapy
from tests.support.fixture_server import FIXTURES, FixtureServer

#: What the spiders search for: one request per phrase.
PHRASES = load_rules(
    Path(__file__).resolve().parents[2] / "data" / "campaigns.yml"
).search_phrases()

SEARCH = "/api/search.json"
CONTENT = "/api/content"
CENSUS = "/government/publications/school-census-2016-to-2017-guide-for-schools-and-las"
AP_CENSUS = "/government/publications/alternative-provision-census-2018-guide"
DATA_SHARES = "/government/publications/dfe-external-data-shares"
NEAR_MISS = "/government/news/census-2021-how-schools-can-help"
LETTER = "/government/publications/nationality-and-country-of-birth-template-letter-for-parents"
#: The search phrase the fixtures answer; every other phrase finds nothing.
PHRASE = "pupil nationality"


def serve_govuk(server: FixtureServer, census: str = "govuk/school-census-guide-2018.json"):
    """GOV.UK as the spider sees it: a two-page search and five content items.

    The census guide, the AP census guide and the data-share log are tracked in the
    rules; the 2021-census near miss and the withdrawn letter are found only by search.
    """
    server.add_matching(SEARCH, {"q": PHRASE, "start": "0"}, "govuk/search-page-1.json")
    server.add_matching(SEARCH, {"q": PHRASE, "start": "3"}, "govuk/search-page-2.json")
    server.add_matching(SEARCH, {}, "govuk/search-empty.json")
    server.add(CONTENT + CENSUS, census)
    server.add(CONTENT + AP_CENSUS, "govuk/ap-census-2018-guide.json")
    server.add(CONTENT + DATA_SHARES, "govuk/dfe-external-data-shares.json")
    server.add(CONTENT + NEAR_MISS, "govuk/census-2021-how-schools-can-help.json")
    server.add(CONTENT + LETTER, "govuk/withdrawn-template-letter.json")
    return server


def crawl(server: FixtureServer, db: Path) -> CrawlResult:
    """`scrapy nightly` for this source alone; the staff's curation files are not read
    (a note on an item only another source stores would fail the job)."""
    return run_scrapy(
        "nightly",
        "--source",
        "dfe_guidance",
        db=db,
        base_url=server.base_url,
        settings={"CURATION_DIR": str(db.parent / "no-curation-files")},
    )


def timeline(db: Path, **filters: str) -> list[dict]:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return query_json(db, f"/timeline/timeline.json?_shape=array&_size=max&{query}")


def item_events(db: Path, path: str) -> list[dict]:
    return timeline(db, item_id=f"govuk:{path}", _sort="event_id")


def versions(db: Path, path: str) -> int:
    query = "select count(*) from versions where item_id = ?"
    return sqlite3.connect(db).execute(query, [f"govuk:{path}"]).fetchone()[0]


def last_run(db: Path) -> dict:
    return query_json(db, "/timeline/runs.json?_shape=array&_sort_desc=id&_size=1&source=govuk")[0]


def first_crawl(server: FixtureServer, db: Path) -> Path:
    serve_govuk(server)
    result = crawl(server, db)
    assert result.returncode == 0, result.stdout + result.stderr
    return db


@pytest.fixture(scope="module")
def shared():
    """One first crawl for the tests that only read what it stored."""
    server = FixtureServer().start()
    with TemporaryDirectory() as folder:
        yield first_crawl(server, Path(folder) / "timeline.db"), server
    server.stop()


@pytest.fixture
def stored(shared):
    return shared[0]


@pytest.fixture
def crawled(fixture_server, tmp_path):
    """A first crawl of its own, for tests that crawl again."""
    return first_crawl(fixture_server, tmp_path / "timeline.db")


def test_the_census_guide_has_its_published_and_updated_events_tagged_boycott(stored):
    events = item_events(stored, CENSUS)
    assert [(e["kind"], e["date"]) for e in events] == [
        ("guidance_published", "2015-12-15"),
        ("guidance_updated", "2016-07-05"),
        ("guidance_updated", "2018-04-10"),
    ]
    assert all(json.loads(e["campaigns"]) == ["boycott-school-census"] for e in events)
    assert "no longer collected" in events[2]["summary"]
    assert {e["url"] for e in events} == {f"https://www.gov.uk{CENSUS}"}


def test_the_alternative_provision_census_guide_is_tagged_labels_last_a_lifetime(stored):
    events = item_events(stored, AP_CENSUS)
    assert {e["kind"] for e in events} == {"guidance_published", "guidance_updated"}
    assert all(json.loads(e["campaigns"]) == ["labels-last-a-lifetime"] for e in events)


def test_the_2021_census_near_miss_is_stored_untagged(stored):
    (event,) = item_events(stored, NEAR_MISS)
    assert event["kind"] == "guidance_published"
    assert json.loads(event["campaigns"]) == []


def test_a_document_found_only_on_the_second_search_page_is_withdrawn(stored):
    kinds = {e["kind"]: e for e in item_events(stored, LETTER)}
    assert kinds["guidance_withdrawn"]["date"] == "2018-04-10"
    assert kinds["guidance_withdrawn"]["summary"].startswith("This template is no longer needed")


def test_stored_urls_are_the_public_ones_never_the_test_server(shared):
    stored, server = shared
    dumped = "\n".join(sqlite3.connect(stored).iterdump())
    assert server.base_url not in dumped
    assert "127.0.0.1" not in dumped
    assert {e["url"] for e in timeline(stored, source="govuk")} == {
        f"https://www.gov.uk{path}" for path in (CENSUS, AP_CENSUS, DATA_SHARES, NEAR_MISS, LETTER)
    }


def test_each_document_is_fetched_once_and_the_search_is_paged_to_the_end(shared):
    stored, server = shared
    assert server.count(CONTENT) == 5
    # One first page per search phrase in the rules, and the fixtures' second page.
    assert server.count(SEARCH) == len(PHRASES) + 1
    run = last_run(stored)
    assert (run["source"], run["status"], run["items_new"]) == ("govuk", "ok", 5)


def test_a_second_run_with_unchanged_content_adds_nothing(crawled, fixture_server):
    before_events = timeline(crawled, _sort="event_id")
    before = (fixture_server.count(SEARCH), fixture_server.count(CONTENT))

    result = crawl(fixture_server, crawled)

    assert result.returncode == 0, result.stdout
    assert timeline(crawled, _sort="event_id") == before_events
    assert versions(crawled, CENSUS) == 1
    run = last_run(crawled)
    assert (run["items_new"], run["items_changed"], run["items_unchanged"]) == (0, 0, 4)
    # Nightly: the first page of results is older than the last run, so no second page;
    # the tracked paths and the first page's new path are fetched again.
    after = (fixture_server.count(SEARCH), fixture_server.count(CONTENT))
    assert (after[0] - before[0], after[1] - before[1]) == (len(PHRASES), 4)


def test_a_newer_capture_adds_one_version_and_its_change_note(crawled, fixture_server):
    fixture_server.replace(CONTENT + CENSUS, "govuk/school-census-guide-2019.json")
    before = {e["event_id"] for e in timeline(crawled)}

    assert crawl(fixture_server, crawled).returncode == 0

    new = [e for e in timeline(crawled) if e["event_id"] not in before]
    assert [(e["kind"], e["date"]) for e in new] == [("guidance_updated", "2019-06-17")]
    assert new[0]["summary"] == "Added a note on deleting nationality data that schools still hold."
    assert versions(crawled, CENSUS) == 2


def test_a_silent_body_change_adds_one_version_and_an_unannounced_update(crawled, fixture_server):
    capture = json.loads((FIXTURES / "govuk/school-census-guide-2018.json").read_text())
    capture["details"]["body"] = capture["details"]["body"].replace(
        "Do not ask pupils directly", "Never ask pupils directly"
    )
    fixture_server.replace(
        CONTENT + CENSUS, body=json.dumps(capture), content_type="application/json"
    )
    before = {e["event_id"] for e in timeline(crawled)}

    assert crawl(fixture_server, crawled).returncode == 0

    new = [e for e in timeline(crawled) if e["event_id"] not in before]
    assert [e["kind"] for e in new] == ["guidance_updated"]
    assert new[0]["event_id"].startswith(f"govuk:{CENSUS}:guidance_updated:unannounced-")
    assert new[0]["summary"].startswith("Changed without a change note")
    assert json.loads(new[0]["campaigns"]) == ["boycott-school-census"]
    assert versions(crawled, CENSUS) == 2
