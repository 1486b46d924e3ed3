"""Search for people (`/search`): forgiving of any input, right about history."""

import re
from typing import Any, cast

import pytest

from pipelines.search_syntax import read_query
from tests.support.site import CENSUS, get, site_read
from timeline_site import search


def titles(page: str) -> list[str]:
    headings = re.findall(r'<h2 class="tl-heading">(.*?)</h2>', page, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", heading).strip() for heading in headings]


def search_page(site_db, arguments: str) -> str:
    response = get(site_db, f"/search?{arguments}")
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize(
    "q", ["", "%22", "%22%22", "-", "(", ")", "%22school", "OR", "NOT", "*", "%00", "a%00b", "^"]
)
def test_no_input_is_an_error(site_db, q):
    assert "Search everything" in search_page(site_db, f"q={q}")


def test_or_finds_either_word(site_db):
    page = search_page(site_db, "q=pregnancy+OR+nationality")
    assert "Pupils: Nationality" in titles(page)


def test_a_minus_sign_leaves_a_word_out(site_db):
    found = titles(search_page(site_db, "q=nationality"))
    assert "Pupil Information Regulations: Motion to Regret" in found
    narrowed = titles(search_page(site_db, "q=nationality+-regulations"))
    assert "Pupils: Nationality" in narrowed
    assert "Pupil Information Regulations: Motion to Regret" not in narrowed


def test_a_lone_minus_word_says_what_to_do(site_db):
    page = search_page(site_db, "q=-census")
    assert "add a word to search for" in page
    assert titles(page) == []


def test_a_phrase_in_quotes_is_found_as_a_phrase(site_db):
    assert "Pupils: Nationality" in titles(search_page(site_db, "q=%22country+of+birth%22"))
    assert titles(search_page(site_db, "q=%22birth+of+country%22")) == []


@pytest.mark.parametrize(
    "q", ["2016/808", "SI+2016/808", "S.I.+2016+No.+808", "uksi/2016/808", "si%202016%2F808"]
)
def test_an_instrument_number_in_any_form_finds_what_cites_it(site_db, q):
    page = search_page(site_db, f"q={q}")
    assert titles(page) == ["Pupil Information Regulations: Motion to Regret"]
    assert 'href="/si/uksi/2016/808"' in page


def test_a_match_is_shown_only_where_the_text_then_in_force_had_it(site_db):
    """The stored guide is its October 2016 text: its May and August 2016 entries may not
    have said "country of birth", so they are not results, and have no highlight."""
    page = search_page(site_db, "q=%22country+of+birth%22&source=govuk")
    assert re.findall(r'<time datetime="([\d-]+)"', page) == ["2016-10-20"]
    assert "<mark>country of birth</mark>" in page


def test_the_campaign_page_search_is_right_about_history_too(site_db):
    page = get(site_db, f"/campaign/{CENSUS}?q=%22country+of+birth%22&source=govuk").text
    assert re.findall(r'<time datetime="([\d-]+)"', page) == ["2016-10-20"]


def test_filters_narrow_by_kind_source_campaign_and_dates(site_db):
    assert titles(search_page(site_db, "q=census&kind=debate")) == [
        "Pupil Information Regulations: Motion to Regret"
    ]
    assert titles(search_page(site_db, "q=census&source=questions")) == ["Pupils: Nationality"]
    dated = titles(search_page(site_db, "q=census&from=2016-10-13&to=2016-10-31"))
    assert dated == [
        "Pupil Information Regulations: Motion to Regret",
        "School census: guide for schools",
    ]
    assert titles(search_page(site_db, "q=nationality&campaign=labels-last-a-lifetime")) == []


def test_filters_alone_browse_the_timeline(site_db):
    assert titles(search_page(site_db, "kind=written_question")) == [
        "Population Survey: Place of Birth",
        "Pupils: Nationality",
    ]
    # A tag the campaign's pages do not show yet does not put an item in its search.
    only_shown = titles(search_page(site_db, f"kind=written_question&campaign={CENSUS}"))
    assert only_shown == ["Pupils: Nationality"]


def test_dates_may_be_written_the_uk_way_and_unreadable_ones_are_said(site_db):
    page = search_page(site_db, "q=census&from=13/10/2016&to=soon")
    assert "Pupils: Nationality" not in titles(page)
    assert "“soon” is not a date" in page


def test_results_come_a_page_at_a_time_with_a_count(site_db, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    first = search_page(site_db, "q=census+OR+nationality&to=2017-01-01")
    assert "4 results; showing 1 to 2" in first
    assert titles(first) == [
        "Pupil Information Regulations: Motion to Regret",
        "School census: guide for schools",
    ]
    assert 'href="?q=census+OR+nationality&amp;to=2017-01-01&amp;page=2"' in first
    second = search_page(site_db, "q=census+OR+nationality&to=2017-01-01&page=2")
    assert "showing 3 to 4" in second
    assert titles(second) == ["Pupils: Nationality", "Campaign launched"]
    assert 'href="?q=census+OR+nationality&amp;to=2017-01-01"' in second  # back to the first page


def test_paging_and_counting_are_bounded(site_db, monkeypatch):
    """No address makes the site count every match or skip to the millionth page."""
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    monkeypatch.setattr(search, "MAX_PAGE", 1)
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    page = search_page(site_db, "q=census+OR+nationality&to=2017-01-01&page=999999")
    assert "More than 3 results; showing 1 to 2" in page
    assert titles(page) == [
        "Pupil Information Regulations: Motion to Regret",
        "School census: guide for schools",
    ]
    assert "Older results" not in page


def test_a_misspelt_word_gets_a_did_you_mean_from_the_index(site_db):
    page = search_page(site_db, "q=natonality")
    assert 'Did you mean <a href="?q=nationality">nationality</a>?' in page
    assert "Did you mean" not in search_page(site_db, "q=nationality")


def test_who_did_it_leads_each_result(site_db):
    page = search_page(site_db, "q=nationality")
    assert (
        "Asked by Caroline Lucas (Green Party) · answered by Nick Gibb (Conservative)"
        " for the Department for Education · UIN 48123"
    ) in page
    assert "Speakers: Lord Storey (Liberal Democrat), Lord Nash (Conservative)" in page


def test_a_search_offers_its_feed(site_db):
    page = search_page(site_db, "q=nationality&kind=debate")
    assert 'href="/search.atom?q=nationality&amp;kind=debate"' in page


def test_counting_stops_one_past_the_limit(site_db, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 1)
    form = search.SearchForm(q="census OR nationality")

    assert site_read(site_db, search.EventSearch.of(form, read_query(form.q)).count) == 2


@pytest.mark.parametrize("q", ["census", "school census", "nationality -regret"])
def test_the_results_are_the_same_whether_walked_or_sorted(site_db, monkeypatch, q):
    """How a search finds its newest page depends on how many items its words match
    (`EventSearch.way`); what it shows must not."""
    monkeypatch.setattr(search, "WALK_FACTOR", 10**9)  # always read every match and sort
    sorted_titles = titles(search_page(site_db, f"q={q}"))
    monkeypatch.setattr(search, "WALK_FACTOR", 0)  # walk the date index...
    monkeypatch.setattr(search, "SET_FACTOR", 0)  # ... probing the full-text index
    probed = titles(search_page(site_db, f"q={q}"))
    monkeypatch.setattr(search, "SET_FACTOR", 10**9)  # ... testing against the matches
    through_the_set = titles(search_page(site_db, f"q={q}"))
    assert sorted_titles and probed == sorted_titles and through_the_set == sorted_titles


@pytest.mark.parametrize(
    ("matches", "among_the_newest", "way"),
    [
        (10, 5, search.FROM_INDEX),
        (2000, 500, search.SET_WALK),
        (2000, 2500, search.PROBE_WALK),
    ],
)
def test_a_search_walks_when_its_words_match_many_items_and_probes_when_most(
    matches, among_the_newest, way
):
    """Few matches are read and sorted; more are walked, each event tested against the
    set of matches; when the newest items match so densely that a walk soon finds
    enough, it probes the index for each event instead (10,000 items here, the newest
    5,000 counted; 20 rows wanted of two words)."""

    class Counts:
        def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[int]]:
            if "count(*)" not in sql:
                return [(10_000,)]
            if ":window" in sql:
                return [(among_the_newest,)]
            return [(min(matches, (params or {})["most"]),)]

    two_words = search.EventSearch((), {"q": '"home" "office"'})
    assert two_words.way(cast(Any, Counts()), 20) == way
