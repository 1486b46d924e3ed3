"""How the Parliament spiders page, split windows and report faults, with the real crawler.

These runs back-fill from 1 January last year only (two yearly windows), with the
fixtures served in last year's window, so each crawl is a few dozen requests.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from tests.end_to_end.test_parliament_end_to_end import (
    DEBATE_ITEMS,
    DEBATES,
    IMMIGRATION,
    NATIONALITY,
    PUPILS_NATIONALITY,
    QUESTION_DETAILS,
    QUESTIONS,
    ROOT,
    nightly,
    search_params,
    serve_hansard,
    serve_nothing_else,
    serve_parliament,
    serve_questions,
)
from tests.support.fixture_server import FixtureServer
from timeline_spiders.spiders.hansard import HansardSpider
from timeline_spiders.windowed_search import Window

LAST_YEAR = date.today().year - 1
FULL = Window(date(LAST_YEAR, 1, 1), date(LAST_YEAR, 12, 31))
SETTINGS = {"BACKFILL_FROM": FULL.start.isoformat()}


def fixture_json(name: str) -> dict:
    return json.loads((ROOT / "tests/fixtures" / name).read_text())


def in_full(start: str, end: str) -> dict[str, str]:
    """Query parameters that match last year's whole window and not its halves."""
    return {start: FULL.start.isoformat(), end: FULL.end.isoformat()}


def stored_items(db) -> set[str]:
    return {row[0] for row in sqlite3.connect(db).execute("select id from items")}


# --- A challenge page served with 200 ------------------------------------------------------


def test_a_challenge_page_is_retried_then_reported_and_nothing_stored_from_it(tmp_path):
    server = FixtureServer().start()
    try:
        serve_hansard(server, LAST_YEAR)
        serve_questions(server, LAST_YEAR)
        serve_nothing_else(server)
        debate = f"/debates/debate/{IMMIGRATION}.json"
        question = f"{QUESTIONS}/610871?expandMember=true&sessionStatus=Any"
        server.replace(debate, "hansard/challenge.html")
        server.replace(question, "hansard/challenge.html")
        db = tmp_path / "timeline.db"
        result = nightly(server, db, **SETTINGS)
        assert server.count(debate) == 4  # the first try and three retries
        assert server.count(question) == 4
    finally:
        server.stop()
    assert result.returncode == 1
    assert (
        f"hansard: https://hansard-api.parliament.uk{debate} -- malformed response" in result.stdout
    )
    assert (
        f"questions: https://questions-statements-api.parliament.uk{question} -- "
        "malformed response" in result.stdout
    )
    assert "2 of 2 sources failed: hansard, questions" in result.stdout
    stored = stored_items(db)
    assert f"hansard:{IMMIGRATION}" not in stored
    assert "questions:wq:610871" not in stored
    assert DEBATE_ITEMS - stored == {f"hansard:{IMMIGRATION}"}
    assert "questions:wq:802114" in stored


# --- Paging and window splitting ----------------------------------------------------------


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    """Searches in last year's window whose paging cannot reach the reported total.

    The debates search ignores `skip` and sends its first page again; the speeches search
    and the questions list report more results than their pages hold, then send an empty
    page. In the halves of the window the debates search finds the rest; everything else
    finds nothing more.
    """
    first_half, second_half = FULL.halves(HansardSpider.shortest_window_days)
    server = FixtureServer()
    hansard = {"queryParameters.searchTerm": NATIONALITY}
    server.add_matching(
        "/search/debates.json",
        {**hansard, **in_full("queryParameters.startDate", "queryParameters.endDate")},
        "hansard/search_debates_page1.json",
    )
    rest = fixture_json("hansard/search_debates_page2.json")
    rest["TotalResultCount"] = len(rest["Results"])
    server.add_matching(
        "/search/debates.json",
        {**hansard, "queryParameters.startDate": second_half.start.isoformat()},
        body=json.dumps(rest),
        content_type="application/json",
    )
    spoken = fixture_json("hansard/search_spoken_page1.json")
    spoken["TotalResultCount"] = 7
    server.add_matching(
        "/search/contributions/Spoken.json",
        {
            **hansard,
            **in_full("queryParameters.startDate", "queryParameters.endDate"),
            "queryParameters.skip": "0",
        },
        body=json.dumps(spoken),
        content_type="application/json",
    )
    for ext_id, fixture in DEBATES.items():
        server.add(f"/debates/debate/{ext_id}.json", f"hansard/{fixture}")
    server.add_matching(
        QUESTIONS,
        {
            "searchTerm": PUPILS_NATIONALITY,
            **in_full("tabledWhenFrom", "tabledWhenTo"),
            "skip": "0",
        },
        "questions/list_page1.json",
    )
    for api_id, fixture in QUESTION_DETAILS.items():
        server.add(
            f"{QUESTIONS}/{api_id}?expandMember=true&sessionStatus=Any", f"questions/{fixture}"
        )
    serve_nothing_else(server).start()
    db = tmp_path_factory.mktemp("paged") / "timeline.db"
    try:
        result = nightly(server, db, **SETTINGS)
        yield server, db, result, (first_half, second_half)
    finally:
        server.stop()


def searched(server: FixtureServer, path: str, term_key: str, term: str, start_key: str):
    """(window start, window end, skip) of each search for `term` in last year, sorted (the
    halves of a window are requested together, in no set order)."""
    end_key = start_key.replace("From", "To").replace("startDate", "endDate")
    skip_key = "queryParameters.skip" if term_key.startswith("query") else "skip"
    return sorted(
        (params[start_key], params[end_key], params[skip_key])
        for params in (search_params(p) for p in server.requests if p.startswith(path + "?"))
        if params[term_key] == term
        and params.get(start_key, "") >= FULL.start.isoformat()
        and params.get(start_key, "") <= FULL.end.isoformat()
    )


def test_the_paged_crawl_succeeds(paged):
    _, _, result, _ = paged
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_repeated_page_ends_paging_and_the_window_is_split_to_find_the_rest(paged):
    server, db, _, (first_half, second_half) = paged
    full, first, second = (
        (w.start.isoformat(), w.end.isoformat()) for w in (FULL, first_half, second_half)
    )
    assert searched(
        server,
        "/search/debates.json",
        "queryParameters.searchTerm",
        NATIONALITY,
        "queryParameters.startDate",
    ) == sorted([(*full, "0"), (*full, "4"), (*first, "0"), (*second, "0")])
    stored = stored_items(db)
    assert stored >= DEBATE_ITEMS
    for ext_id in DEBATES:
        assert server.count(f"/debates/debate/{ext_id}.json") == 1


def test_an_empty_page_ends_paging_even_short_of_the_total(paged):
    server, _, _, (first_half, second_half) = paged
    full, first, second = (
        (w.start.isoformat(), w.end.isoformat()) for w in (FULL, first_half, second_half)
    )
    assert searched(
        server,
        "/search/contributions/Spoken.json",
        "queryParameters.searchTerm",
        NATIONALITY,
        "queryParameters.startDate",
    ) == sorted([(*full, "0"), (*full, "5"), (*first, "0"), (*second, "0")])
    assert searched(
        server, QUESTIONS, "searchTerm", PUPILS_NATIONALITY, "tabledWhenFrom"
    ) == sorted([(*full, "0"), (*full, "3"), (*first, "0"), (*second, "0")])


def test_a_first_run_of_some_sources_with_the_example_staff_files_succeeds(tmp_path):
    """data/notes.csv names an instrument these sources do not store: it waits for it."""
    server = serve_parliament(FixtureServer().start())
    try:
        result = nightly(server, tmp_path / "timeline.db", CURATION_DIR=str(ROOT / "data"))
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "Waiting for an item not stored yet: "
        f"{ROOT / 'data' / 'notes.csv'}:2: legislation:uksi/2016/808" in result.stdout
    )
