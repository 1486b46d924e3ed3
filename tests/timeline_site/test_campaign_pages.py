"""A campaign's page and its embed: what they show and how they read the query string."""

import re
import sqlite3
from pathlib import Path

import pytest

from pipelines.storage import TimelineStore
from tests.support.database import new_database
from tests.support.site import (
    CENSUS,
    get,
    one_of_many_questions,
    questions_page_by_page,
    recorded_statements,
)
from timeline_site import queries
from timeline_spiders.items import Tag


def test_a_filtered_page_links_the_calendar_having_read_one_date_coming_up(site_db, monkeypatch):
    """Only the unfiltered first page lists the dates coming up; the others link the
    calendar when there are any, which one date read says as well as twenty."""
    statements = recorded_statements(monkeypatch)
    page = get(site_db, f"/campaign/{CENSUS}?kind=debate").text
    assert f"/campaign/{CENSUS}.ics" in page
    assert "Census day, spring 2030" not in page
    coming_up = [params for sql, params in statements if "events.date > :today" in sql]
    assert [params["limit"] for params in coming_up] == [1]


def test_an_unknown_campaign_is_a_404(site_db):
    assert get(site_db, "/campaign/no-such-campaign").status_code == 404
    assert get(site_db, "/embed/no-such-campaign").status_code == 404


def test_dates_are_in_words(site_db):
    page = get(site_db, f"/campaign/{CENSUS}").text
    assert ">31 October 2016</time>" in page
    assert ">31 Oct 2016<" not in page


def test_who_did_it_is_on_every_item_and_why_it_is_here_is_one_click_away(site_db):
    page = get(site_db, f"/campaign/{CENSUS}").text
    assert "Asked by Caroline Lucas (Green Party)" in page
    assert "Speakers: Lord Storey (Liberal Democrat), Lord Nash (Conservative)" in page
    assert "<summary>Why is this here?</summary>" in page
    assert "The rule “nationality in the census” matched “nationality”." in page


def test_the_embed_leads_with_what_is_coming_up(site_db):
    page = get(site_db, f"/embed/{CENSUS}?limit=5").text
    assert page.index("Coming up") < page.index("Census day, spring 2030") < page.index("Latest")


@pytest.mark.parametrize(
    ("arguments", "shown", "hidden"),
    [
        ("kind=Debate", "Motion to Regret", "Pupils: Nationality"),
        ("kind=written_question", "Pupils: Nationality", "Motion to Regret"),
        ("since=31/10/2016", "Motion to Regret", "Pupils: Nationality"),
        ("since=2016-11-01", "Census day", "Motion to Regret"),
        ("limit=1", "Census day", "Pupils: Nationality"),
    ],
)
def test_the_embed_reads_its_options_kindly(site_db, arguments, shown, hidden):
    page = get(site_db, f"/embed/{CENSUS}?{arguments}").text
    assert shown in page and hidden not in page.split("Latest", 1)[1]
    assert 'class="tl-message"' not in page


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("limit=abc", "limit=&#39;abc&#39; is not a number from 1 to 50: showing 10."),
        ("limit=0", "is not a number from 1 to 50"),
        ("kind=Debates%20and%20more", "is not a kind of event: showing every kind."),
        ("since=soon", "since=&#39;soon&#39; is not a date: showing every date."),
    ],
)
def test_the_embed_says_which_options_it_could_not_read(site_db, arguments, message):
    response = get(site_db, f"/embed/{CENSUS}?{arguments}")
    assert response.status_code == 200
    assert message in response.text


# --- Paging: a page ends with a whole day -----------------------------------------------


@pytest.fixture(scope="module")
def long_campaign_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long-campaign") / "timeline.db"
    store = TimelineStore(new_database(path))
    for number in range(250):
        store.save(
            one_of_many_questions(
                number,
                "Asked about nationality in the school census.",
                campaigns=[Tag(CENSUS, "the campaign named")],
            )
        )
    return path


@pytest.fixture(scope="module")
def searched_campaign_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Questions of which two in three are on the campaign and one in five says 'refuse'."""
    path = tmp_path_factory.mktemp("searched-campaign") / "timeline.db"
    store = TimelineStore(new_database(path))
    for number in range(800):
        words = "whether parents may refuse" if number % 5 == 0 else "nationality"
        campaigns = [Tag(CENSUS, "the campaign named")] if number % 3 != 1 else []
        summary = f"Asked about {words} in the school census."
        store.save(one_of_many_questions(number, summary, campaigns=campaigns))
    return path


def test_a_searched_campaign_shows_the_same_whether_walked_or_sorted(
    searched_campaign_db, monkeypatch
):
    """How the page finds a search's matches depends on how densely its words match
    (`search_walks`: "minister" is walked); what it lists must not."""

    def pages() -> list[list[int]]:
        return questions_page_by_page(
            lambda before: (
                get(searched_campaign_db, f"/campaign/{CENSUS}?q=refuse&before={before}").text
            )
        )

    monkeypatch.setattr(queries, "SEARCH_WALK_FACTOR", 0)  # walk whatever the words
    walked = pages()
    monkeypatch.setattr(queries, "SEARCH_WALK_FACTOR", 10**9)  # read every match and sort
    assert pages() == walked
    shown = sorted(number for page in walked for number in page)
    assert shown == [number for number in range(0, 800, 5) if number % 3 != 1]
    assert len(walked) == 2


def test_a_search_for_words_most_items_have_walks_and_one_for_rarer_words_reads(
    searched_campaign_db, monkeypatch
):
    """'school' is in every item: the newest page of the campaign's is found in a few
    steps of the date index. 'refuse' is in one in five: reading them is quicker."""
    statements = recorded_statements(monkeypatch)
    for q, walked in (("school", True), ("refuse", False)):
        statements.clear()
        assert get(searched_campaign_db, f"/campaign/{CENSUS}?q={q}").status_code == 200
        assert any(queries.MATCH_PROBE in sql for sql, _ in statements) is walked, q


def test_paging_through_a_campaign_shows_each_event_once(long_campaign_db):
    pages = questions_page_by_page(
        lambda before: get(long_campaign_db, f"/campaign/{CENSUS}?before={before}").text
    )
    assert len(pages) == 3 and all(90 < len(page) <= 100 for page in pages[:2])
    shown = [number for page in pages for number in page]
    assert sorted(shown) == list(range(250)) and len(shown) == len(set(shown))


def test_why_each_event_is_shown_is_looked_up_by_item_not_read_for_the_whole_campaign(
    long_campaign_db, monkeypatch
):
    """SQLite reads the item_tags view for every tag of the campaign when the items come
    as `in (select value from json_each(...))`; a list of parameters is looked up."""
    statements = recorded_statements(monkeypatch)
    assert "Why is this here?" in get(long_campaign_db, f"/campaign/{CENSUS}").text
    conn = sqlite3.connect(long_campaign_db)
    plans = [
        " / ".join(row[3] for row in conn.execute(f"explain query plan {sql}", params or {}))
        for sql, params in statements
        if "from item_tags" in sql
    ]
    by_item = re.compile(r"SEARCH item_campaigns USING [^/]*\bitem_id=\?")
    assert plans and all(by_item.search(plan) for plan in plans), plans
