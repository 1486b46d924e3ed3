"""The data API: canned queries, tables and what the metadata says about them."""

import json
import re

import pytest

from pipelines.schema import TABLES, VIEWS
from pipelines.storage import TimelineStore
from tests.support.database import new_database
from tests.support.site import AP_CENSUS, CENSUS, get, one_of_many_questions
from timeline_site.config import metadata as site_metadata
from timeline_site.formatting import safe_url
from timeline_site.headers import allowed_origin
from timeline_spiders.sources import SOURCES, event_kind_labels


def rows(site_db, path):
    response = get(site_db, path)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_campaign_feed_query_is_newest_found_first(site_db):
    found = rows(site_db, f"/timeline/campaign_feed.json?campaign={CENSUS}&_shape=array")
    assert found[0]["title"] == "Census day, spring 2030"
    assert [row["first_seen"] for row in found] == sorted(
        (row["first_seen"] for row in found), reverse=True
    )
    assert rows(site_db, f"/timeline/campaign_feed.json?campaign={AP_CENSUS}&_shape=array") == []


def test_search_returns_snippets_with_the_matched_words_marked(site_db):
    found = rows(site_db, "/timeline/search.json?q=regret&_shape=array")
    assert found[0]["title"] == "Pupil Information Regulations: Motion to Regret"
    assert "[Regret]" in found[0]["snippet"]


def test_search_breaks_ties_in_relevance_by_the_newest_event(tmp_path):
    """130 questions that match equally well: the 100 rows are the newest 100, not
    whichever the full-text index met first, each with its own snippet."""
    path = tmp_path / "timeline.db"
    store = TimelineStore(new_database(path))
    for number in range(130):
        store.save(one_of_many_questions(number, "Asked about pupils' country of birth."))
    found = rows(path, "/timeline/search.json?q=country+of+birth&_shape=array")
    asked = sorted((one_of_many_questions(n, "").events[0].date for n in range(130)), reverse=True)
    assert [row["date"] for row in found] == asked[:100]
    assert all("[country]" in row["snippet"] for row in found)


@pytest.mark.parametrize("q", ['"school census" OR (', '"', '""', "-", "", "%00"])
def test_the_search_query_copes_with_anything_a_person_might_type(site_db, q):
    assert get(site_db, f"/timeline/search.json?q={q}&_shape=array").status_code == 200


def test_new_since_is_by_when_we_first_saw_an_item(site_db):
    found = rows(site_db, "/timeline/new_since.json?since=2026-11-03&_shape=array")
    assert [row["title"] for row in found] == ["Census day, spring 2030"]


def test_cites_si_gives_everything_citing_an_instrument(site_db):
    found = rows(site_db, "/timeline/cites_si.json?legislation_id=uksi/2016/808&_shape=array")
    assert [row["event_id"] for row in found] == ["hansard:regret:debate"]


def test_freshness_says_when_each_source_last_succeeded(site_db):
    by_source = {
        row["source"]: row for row in rows(site_db, "/timeline/freshness.json?_shape=array")
    }
    assert by_source["hansard"]["last_status"] == "failed"
    assert by_source["hansard"]["items"] == 1


def test_arbitrary_sql_is_off_but_tables_and_canned_queries_work(site_db):
    assert get(site_db, "/timeline?sql=select+1").status_code == 403
    assert get(site_db, "/timeline/timeline.json").status_code == 200


def test_json_answers_other_origins(site_db):
    response = get(site_db, "/timeline/timeline.json", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_only_the_embed_may_be_framed(site_db):
    embed = get(site_db, f"/embed/{CENSUS}")
    assert embed.headers["content-security-policy"] == "frame-ancestors *"
    assert "x-frame-options" not in embed.headers
    page = get(site_db, f"/campaign/{CENSUS}")
    assert page.headers["x-frame-options"] == "DENY"


def test_robots_are_kept_off_facets_and_queries(site_db):
    robots = get(site_db, "/robots.txt").text
    assert "Disallow: /*?" in robots and "Disallow: /timeline/search" in robots


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://www.gov.uk/x", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("https://example.org/\r\nBEGIN:VALARM", False),
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
