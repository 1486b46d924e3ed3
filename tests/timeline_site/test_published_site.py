"""The published site through Datasette's own test client: feeds, queries, safety."""

import asyncio
import json
import re
import xml.etree.ElementTree as ElementTree

import pytest

from pipelines.schema import TABLES, VIEWS
from pipelines.storage import TimelineStore
from tests.end_to_end.conftest import datasette_for
from tests.support.database import new_database
from timeline_jobs.run_recorder import SourceRun
from timeline_site.calendar import calendar, ical_fold
from timeline_site.config import metadata as site_metadata
from timeline_site.formatting import safe_url
from timeline_site.headers import allowed_origin
from timeline_spiders.items import Document, Event, Tag
from timeline_spiders.sources import SOURCES, event_kind_labels

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("site") / "timeline.db"
    db = new_database(path)
    store = TimelineStore(db)
    store.save(
        Document(
            id="hansard:regret",
            source="hansard",
            doc_type="debate",
            title="Pupil Information Regulations: Motion to Regret",
            summary="Lords debate on nationality in the school census",
            body="The regulations, SI 2016/808, add nationality to the school census.",
            url="https://hansard.parliament.uk/Lords/2016-10-31/debates/abc/Regret",
            events=[Event("debate", "2016-10-31")],
            cites={"uksi/2016/808": "SI 2016/808"},
            campaigns=[Tag("boycott-school-census", "cites SI 2016/808")],
        ),
        seen_at="2026-11-01T02:00:00+00:00",
    )
    store.save(
        Document(
            id="campaign:2030-01-17-census-day",
            source="campaign",
            doc_type="campaign_event",
            title="Census day, spring 2030",
            summary="Parents can refuse; schools must not guess.",
            url="https://www.gov.uk/guidance/school-census",
            events=[Event("campaign_event", "2030-01-17")],
            campaigns=[Tag("boycott-school-census", "listed")],
        )
    )
    run = SourceRun("hansard", "job1", "2026-11-01T02:00:00+00:00", "2026-11-01T02:10:00+00:00")
    run.status, run.errors = (
        "failed",
        [{"url": "https://hansard-api.parliament.uk/x", "reason": "HTTP 500"}],
    )
    with db.conn:
        db["runs"].insert(run.as_row())
    db.conn.close()
    return path


def get(db_path, path, headers=None):
    async def fetch():
        datasette = datasette_for(db_path)
        await datasette.invoke_startup()
        return await datasette.client.get(path, headers=headers or {})

    return asyncio.run(fetch())


def test_campaign_feed_as_atom_has_one_entry_per_event_with_public_links(db_path):
    response = get(db_path, "/timeline/campaign_feed.atom?campaign=boycott-school-census")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.text)
    entries = feed.findall(f"{ATOM}entry")
    titles = {entry.find(f"{ATOM}title").text for entry in entries}
    assert titles == {"Pupil Information Regulations: Motion to Regret", "Census day, spring 2030"}
    links = {entry.find(f"{ATOM}link").get("href") for entry in entries}
    assert "https://hansard.parliament.uk/Lords/2016-10-31/debates/abc/Regret" in links
    # Content is plain text, never HTML.
    assert all(entry.find(f"{ATOM}content").get("type") == "text" for entry in entries)


def test_campaign_feed_for_another_campaign_is_empty(db_path):
    response = get(
        db_path, "/timeline/campaign_feed.json?campaign=labels-last-a-lifetime&_shape=array"
    )
    assert response.json() == []


def test_search_returns_snippets_with_the_matched_words_marked(db_path):
    rows = get(db_path, "/timeline/search.json?q=nationality&_shape=array").json()
    assert rows[0]["title"] == "Pupil Information Regulations: Motion to Regret"
    assert "[nationality]" in rows[0]["snippet"]


def test_search_copes_with_punctuation_a_person_might_type(db_path):
    assert (
        get(db_path, '/timeline/search.json?q="school census" OR (&_shape=array').status_code == 200
    )


def test_new_since_is_by_when_we_first_saw_an_item(db_path):
    rows = get(db_path, "/timeline/new_since.json?since=2026-11-02&_shape=array").json()
    assert [row["title"] for row in rows] == ["Census day, spring 2030"]


def test_cites_si_gives_everything_citing_an_instrument(db_path):
    rows = get(db_path, "/timeline/cites_si.json?legislation_id=uksi/2016/808&_shape=array").json()
    assert [row["event_id"] for row in rows] == ["hansard:regret:debate"]


def test_freshness_and_status_say_when_each_source_last_succeeded(db_path):
    (row,) = get(db_path, "/timeline/freshness.json?_shape=array").json()[:1]
    assert (row["source"], row["last_status"], row["items"]) == ("campaign", None, 1)
    page = get(db_path, "/status").text
    assert "Some sources failed in their last run" in page
    assert "https://hansard-api.parliament.uk/x" in page and "HTTP 500" in page


def test_arbitrary_sql_is_off_but_tables_and_canned_queries_work(db_path):
    assert get(db_path, "/timeline?sql=select+1").status_code == 403
    assert get(db_path, "/timeline/timeline.json").status_code == 200


def test_json_answers_other_origins(db_path):
    response = get(db_path, "/timeline/timeline.json", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_only_the_embed_may_be_framed(db_path):
    embed = get(db_path, "/embed/boycott-school-census")
    assert embed.headers["content-security-policy"] == "frame-ancestors *"
    assert "x-frame-options" not in embed.headers
    page = get(db_path, "/campaign/boycott-school-census")
    assert page.headers["x-frame-options"] == "DENY"


def test_the_embed_takes_limit_kind_and_since(db_path):
    assert "Motion to Regret" in get(db_path, "/embed/boycott-school-census?kind=debate").text
    assert (
        "Motion to Regret" not in get(db_path, "/embed/boycott-school-census?since=2017-01-01").text
    )
    assert get(db_path, "/embed/boycott-school-census?limit=nonsense").status_code == 200


def test_an_unknown_campaign_is_a_404(db_path):
    assert get(db_path, "/campaign/no-such-campaign").status_code == 404


def test_robots_are_kept_off_facets_and_queries(db_path):
    robots = get(db_path, "/robots.txt").text
    assert "Disallow: /*?" in robots and "Disallow: /timeline/search" in robots


def test_upcoming_dates_as_an_icalendar_feed(db_path):
    response = get(db_path, "/campaign/boycott-school-census.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    body = response.text
    assert "DTSTART;VALUE=DATE:20300117" in body
    assert "SUMMARY:Census day\\, spring 2030" in body
    assert "Motion to Regret" not in body  # past events are not in the calendar


def test_calendar_lines_are_folded_and_escaped():
    event = {
        "event_id": "e1",
        "date": "2030-01-17",
        "title": "A; b, c",
        "summary": "x" * 200,
        "safe_url": None,
    }
    text = calendar([event], {"hashtag": "#Tag"}, "example.org")
    assert "SUMMARY:A\\; b\\, c" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert ical_fold("y" * 80).startswith("y" * 75 + "\r\n ")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://www.gov.uk/x", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_links_are_shown(url, shown):
    assert (safe_url(url) is not None) is shown


def test_cors_origins_can_be_limited():
    assert allowed_origin("https://a.org", "https://a.org, https://b.org") == "https://a.org"
    assert allowed_origin("https://evil.org", "https://a.org") is None
    assert allowed_origin("https://any.org", "*") == "*"


def test_every_table_and_view_is_described_in_the_metadata():
    metadata = site_metadata()
    described = set(metadata["databases"]["timeline"]["tables"])
    assert set(TABLES) | set(VIEWS) <= described
    for name in TABLES:
        columns = set(metadata["databases"]["timeline"]["tables"][name]["columns"])
        assert set(TABLES[name]["columns"]) <= columns, name


def test_the_metadata_names_every_declared_source_and_event_kind():
    columns = site_metadata()["databases"]["timeline"]["tables"]["timeline"]["columns"]
    for source in SOURCES:
        assert f"{source.name} ({source.label}" in columns["source"], source.name
    for kind, label in event_kind_labels().items():
        assert f"{kind} ({label})" in columns["kind"], kind
    assert not re.search(r"\{[a-z_]+\}", json.dumps(site_metadata()))  # every placeholder filled
