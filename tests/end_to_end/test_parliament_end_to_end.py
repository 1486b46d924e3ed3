"""The real crawler against a local Hansard API and Written Questions and Statements API.

One module-scoped server and database serve two runs: a first run with no history (a
back-fill from BACKFILL_FROM) and a second, incremental run, whose requests are kept apart
so tests can see what each searched.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from pipelines.tagging import load_rules
from tests.end_to_end.conftest import ROOT, query_json
from tests.support.crawl import CrawlResult, run_scrapy
from tests.support.fixture_server import FixtureServer

#: The campaign search phrases the fixtures are served for (checked against the rules).
NATIONALITY = "pupil nationality"
PUPILS_NATIONALITY = "pupils' nationality"
AP_CENSUS = "alternative provision census"

REGRET = "5C3A1F2E-8B7D-4E61-9A0C-2D4F6B8E1A37"
#: The regret debate's speeches sit under its heading in this child section.
MOTION_TO_REGRET = "9E1D7C44-3B2A-4F0E-8C61-7A5D2E9B0F13"
ORAL_QUESTION = "16101248000431"
IMMIGRATION = "A1B2C3D4-1111-4A2B-9C3D-5E6F7A8B9C0D"
CENSUS_2021 = "D4E5F6A7-2222-4B3C-8D4E-6F7A8B9C0D1E"
PUPIL_DATA = "E7F8A9B0-3333-4C4D-9E5F-7A8B9C0D1E2F"
DEBATES = {
    REGRET: "debate_pupil_information_regret.json",
    ORAL_QUESTION: "debate_school_census_nationality_oq.json",
    IMMIGRATION: "debate_immigration_near_miss.json",
    CENSUS_2021: "debate_census_2021_near_miss.json",
    PUPIL_DATA: "debate_schools_pupil_data.json",
}
#: The items each debate section above is stored as.
DEBATE_ITEMS = {f"hansard:{MOTION_TO_REGRET if ext_id == REGRET else ext_id}" for ext_id in DEBATES}
QUESTIONS = "/api/writtenquestions/questions"
STATEMENTS = "/api/writtenstatements/statements"
QUESTION_DETAILS = {
    610871: "question_49340.json",
    802114: "question_108574.json",
    1280019: "question_near_miss_census.json",
    1700452: "question_holding.json",
    1650233: "question_corrected.json",
}
STATEMENT_DETAILS = {
    33105: "statement_detail.json",
    33106: "statement_33106.json",
    33180: "statement_33180.json",
}
#: Tabled in run 1's window, answered before run 2.
ANSWERED_LATER = 1822107
SEARCH_DATE_PARAMETERS = (
    "queryParameters.startDate",
    "tabledWhenFrom",
    "answeredWhenFrom",
    "correctedWhenFrom",
    "madeWhenFrom",
)


def search_params(path: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(path).query))


def overlap_start() -> date:
    """Where an incremental run after a successful run today starts (the default overlap)."""
    return date.today() - timedelta(days=14)


def serve_hansard(server: FixtureServer, year: int = 2016) -> FixtureServer:
    """Hansard: two pages of debate sections and a page of speeches for one phrase in the
    window starting 1 January `year`, and every section they name."""
    debates, spoken = "/search/debates.json", "/search/contributions/Spoken.json"
    window = {
        "queryParameters.searchTerm": NATIONALITY,
        "queryParameters.startDate": f"{year}-01-01",
    }
    server.add_matching(
        debates, {**window, "queryParameters.skip": "0"}, "hansard/search_debates_page1.json"
    )
    server.add_matching(
        debates, {**window, "queryParameters.skip": "4"}, "hansard/search_debates_page2.json"
    )
    server.add_matching(
        spoken, {**window, "queryParameters.skip": "0"}, "hansard/search_spoken_page1.json"
    )
    for ext_id, fixture in DEBATES.items():
        server.add(f"/debates/debate/{ext_id}.json", f"hansard/{fixture}")
    return server


def serve_questions(server: FixtureServer, year: int = 2016) -> FixtureServer:
    """Written questions and statements: list pages for three phrases in the window starting
    1 January `year` (the next year for the second phrase), and every detail."""
    first = {"searchTerm": PUPILS_NATIONALITY, "tabledWhenFrom": f"{year}-01-01"}
    server.add_matching(QUESTIONS, {**first, "skip": "0"}, "questions/list_page1.json")
    server.add_matching(QUESTIONS, {**first, "skip": "3"}, "questions/list_page2.json")
    server.add_matching(
        QUESTIONS,
        {"searchTerm": AP_CENSUS, "tabledWhenFrom": f"{year + 1}-01-01", "skip": "0"},
        "questions/list_ap_census.json",
    )
    server.add_matching(
        STATEMENTS,
        {"searchTerm": NATIONALITY, "madeWhenFrom": f"{year}-01-01", "skip": "0"},
        "questions/statements_list.json",
    )
    for api_id, fixture in QUESTION_DETAILS.items():
        server.add(
            f"{QUESTIONS}/{api_id}?expandMember=true&sessionStatus=Any", f"questions/{fixture}"
        )
    for api_id, fixture in STATEMENT_DETAILS.items():
        server.add(
            f"{STATEMENTS}/{api_id}?expandMember=true&sessionStatus=Any", f"questions/{fixture}"
        )
    return server


def serve_nothing_else(server: FixtureServer) -> FixtureServer:
    """Every other search finds nothing (added last: the first matching route wins)."""
    for path in ("/search/debates.json", "/search/contributions/Spoken.json"):
        server.add_matching(path, {}, "hansard/search_empty.json")
    for path in (QUESTIONS, STATEMENTS):
        server.add_matching(path, {}, "questions/list_empty.json")
    return server


def serve_question_answered_between_runs(server: FixtureServer) -> None:
    """A question tabled this year and found by the back-fill; by the next night it has
    been answered, and only the incremental "answered since" search finds it again."""
    body = json.loads((ROOT / "tests/fixtures/questions/list_ap_census.json").read_text())
    value = json.loads(
        (ROOT / "tests/fixtures/questions/question_tabled_nationality.json").read_text()
    )["value"]
    body["results"][0]["value"] = value
    listing = json.dumps(body)
    this_year = f"{date.today().year}-01-01"
    tabled = {"searchTerm": PUPILS_NATIONALITY, "tabledWhenFrom": this_year, "skip": "0"}
    answered = {
        "searchTerm": PUPILS_NATIONALITY,
        "answeredWhenFrom": overlap_start().isoformat(),
        "skip": "0",
    }
    for params in (tabled, answered):
        server.add_matching(QUESTIONS, params, body=listing, content_type="application/json")
    detail = f"{QUESTIONS}/{ANSWERED_LATER}?expandMember=true&sessionStatus=Any"
    server.add(detail, "questions/question_tabled_nationality.json")
    server.add(detail, "questions/question_answered_nationality.json")


def serve_parliament(server: FixtureServer) -> FixtureServer:
    phrases = load_rules(ROOT / "data/campaigns.yml").search_phrases()
    assert {NATIONALITY, PUPILS_NATIONALITY, AP_CENSUS} <= set(phrases), phrases
    serve_hansard(server)
    serve_questions(server)
    serve_question_answered_between_runs(server)
    return serve_nothing_else(server)


def nightly(server: FixtureServer, db: Path, **settings: str) -> CrawlResult:
    """`scrapy nightly` for the two Parliament sources. The staff files in data/ name items
    from other sources, which these runs never store, so they read an empty folder."""
    settings.setdefault("CURATION_DIR", str(db.parent / "curation"))
    (db.parent / "curation").mkdir(exist_ok=True)
    return run_scrapy(
        "nightly",
        "--source",
        "hansard",
        "--source",
        "questions",
        db=db,
        base_url=server.base_url,
        settings=settings,
    )


@dataclass
class TwoRuns:
    db: Path
    server: FixtureServer
    first: CrawlResult
    second: CrawlResult
    first_requests: list[str]
    second_requests: list[str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    server = serve_parliament(FixtureServer().start())
    db = tmp_path_factory.mktemp("parliament") / "timeline.db"
    try:
        first = nightly(server, db)
        first_requests = list(server.requests)
        second = nightly(server, db)
        yield TwoRuns(
            db, server, first, second, first_requests, server.requests[len(first_requests) :]
        )
    finally:
        server.stop()


def timeline(db: Path, **filters: str) -> list[dict]:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return query_json(db, f"/timeline/timeline.json?_shape=array&_size=max&{query}")


def campaigns_by_item(db: Path, source: str) -> dict[str, list[str]]:
    return {row["item_id"]: json.loads(row["campaigns"]) for row in timeline(db, source=source)}


def test_both_runs_succeed(runs):
    for result in (runs.first, runs.second):
        assert result.returncode == 0, result.stdout + result.stderr
        assert "All 2 sources succeeded." in result.stdout


def test_the_lords_regret_debate_is_tagged_and_cites_the_2016_regulations(runs):
    (row,) = timeline(runs.db, event_id=f"hansard:{MOTION_TO_REGRET}:debate")
    assert row["date"] == "2016-10-31"
    assert row["kind"] == "debate"
    assert json.loads(row["campaigns"]) == ["boycott-school-census"]
    assert "uksi/2016/808" in json.loads(row["cites"])
    assert row["title"] == (
        "Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
        " \u2014 Motion to Regret"
    )
    assert row["url"] == (
        f"https://hansard.parliament.uk/Lords/2016-10-31/debates/{MOTION_TO_REGRET}/MotionToRegret"
    )


def test_a_heading_with_nothing_said_under_it_is_not_stored_twice_over(runs):
    stored = {row[0] for row in sqlite3.connect(runs.db).execute("select id from items")}
    assert f"hansard:{REGRET}" not in stored
    assert f"hansard:{MOTION_TO_REGRET}" in stored


def test_debates_are_tagged_and_near_misses_are_stored_without_a_tag(runs):
    assert campaigns_by_item(runs.db, "hansard") == {
        f"hansard:{MOTION_TO_REGRET}": ["boycott-school-census"],
        f"hansard:{ORAL_QUESTION}": ["boycott-school-census"],
        f"hansard:{PUPIL_DATA}": ["boycott-school-census"],
        f"hansard:{IMMIGRATION}": [],
        f"hansard:{CENSUS_2021}": [],
    }


def test_each_debate_is_fetched_once_and_led_by_a_speech_that_uses_a_search_phrase(runs):
    for ext_id in DEBATES:
        assert runs.server.count(f"/debates/debate/{ext_id}.json") == 1
    metadata = json.loads(
        sqlite3.connect(runs.db)
        .execute("select metadata from items where id = ?", [f"hansard:{MOTION_TO_REGRET}"])
        .fetchone()[0]
    )
    assert metadata["lead_contribution"] == "0F6A2D1C-5B4E-4C3A-9D8E-1A2B3C4D5E01"
    assert metadata["house"] == "Lords"
    assert metadata["location"] == "Lords Chamber"
    assert {"name": "Lord Nash", "party": "Con"}.items() <= metadata["speakers"][2].items()


def test_contributions_are_stored_with_deep_links(runs):
    rows = query_json(
        runs.db,
        f"/timeline/contributions.json?_shape=array&item_id=hansard:{MOTION_TO_REGRET}"
        "&_sort=position",
    )
    assert len(rows) >= 4
    storey = next(r for r in rows if r["external_id"].endswith("5E01"))
    assert storey["url"] == (
        f"https://hansard.parliament.uk/Lords/2016-10-31/debates/{MOTION_TO_REGRET}/"
        "MotionToRegret#contribution-0F6A2D1C-5B4E-4C3A-9D8E-1A2B3C4D5E01"
    )
    assert (storey["member_name"], storey["party"]) == ("Lord Storey", "LD")


def test_written_questions_and_statements_are_tagged_to_their_campaign(runs):
    assert campaigns_by_item(runs.db, "questions") == {
        "questions:wq:610871": ["boycott-school-census"],
        "questions:wq:802114": ["labels-last-a-lifetime"],
        f"questions:wq:{ANSWERED_LATER}": ["boycott-school-census"],
        "questions:ws:33105": ["boycott-school-census"],
        "questions:ws:33106": ["boycott-school-census"],
    }
    (row,) = timeline(runs.db, event_id="questions:wq:610871:written_question")
    assert row["date"] == "2016-11-01"
    assert row["url"] == (
        "https://questions-statements.parliament.uk/written-questions/detail/2016-10-24/49340"
    )
    (row,) = timeline(runs.db, event_id="questions:ws:33106:written_statement")
    assert (row["date"], row["kind"]) == ("2016-10-20", "written_statement")


def test_questions_without_a_search_phrase_are_fetched_then_left_out(runs):
    """The list search matched a word of the phrase; the full text has no phrase."""
    stored = {row[0] for row in sqlite3.connect(runs.db).execute("select id from items")}
    for api_id in (1280019, 1700452, 1650233):
        assert runs.server.count(f"{QUESTIONS}/{api_id}?") == 1
        assert f"questions:wq:{api_id}" not in stored
    assert runs.server.count(f"{STATEMENTS}/33180?") == 1
    assert "questions:ws:33180" not in stored


def test_a_question_found_by_two_phrases_is_fetched_once(runs):
    assert runs.server.count(f"{QUESTIONS}/802114?") == 1


def test_the_question_event_moves_to_the_answer_date_when_it_is_answered(runs):
    rows = timeline(runs.db, item_id=f"questions:wq:{ANSWERED_LATER}")
    assert [(row["event_id"], row["date"]) for row in rows] == [
        (f"questions:wq:{ANSWERED_LATER}:written_question", "2026-11-20")
    ]
    assert "not shared outside the Department" in rows[0]["summary"]


def test_paging_follows_to_the_total_and_no_further(runs):
    pages = [
        search_params(p)
        for p in runs.first_requests
        if p.startswith("/search/debates.json")
        and search_params(p)["queryParameters.searchTerm"] == NATIONALITY
        and search_params(p)["queryParameters.startDate"] == "2016-01-01"
    ]
    assert [p["queryParameters.skip"] for p in pages] == ["0", "4"]
    lists = [
        search_params(p)["skip"]
        for p in runs.first_requests
        if p.startswith(f"{QUESTIONS}?")
        and search_params(p)["searchTerm"] == PUPILS_NATIONALITY
        and search_params(p).get("tabledWhenFrom") == "2016-01-01"
    ]
    assert lists == ["0", "3"]


def test_the_first_run_searches_every_phrase_in_yearly_windows_from_2010(runs):
    phrases = load_rules(ROOT / "data/campaigns.yml").search_phrases()
    windows = {
        (params["queryParameters.startDate"], params["queryParameters.endDate"])
        for params in map(search_params, runs.first_requests)
        if "queryParameters.startDate" in params
    }
    years = range(2010, date.today().year + 1)
    assert windows == {
        (f"{year}-01-01", min(f"{year}-12-31", date.today().isoformat())) for year in years
    }
    spoken = [p for p in runs.first_requests if p.startswith("/search/contributions/")]
    assert len(spoken) == len(phrases) * len(years)
    assert {search_params(p)["queryParameters.searchTerm"] for p in spoken} == set(phrases)


def test_the_second_run_searches_only_from_the_last_run_less_the_overlap(runs):
    starts = [
        params[name]
        for params in map(search_params, runs.second_requests)
        for name in SEARCH_DATE_PARAMETERS
        if name in params
    ]
    assert starts
    assert min(starts) == overlap_start().isoformat()
    assert len(runs.second_requests) < len(runs.first_requests) / 5


def test_stored_urls_are_the_public_ones_never_the_test_server(runs):
    dumped = "\n".join(sqlite3.connect(runs.db).iterdump())
    assert "127.0.0.1" not in dumped


def test_every_run_of_each_source_is_recorded_as_ok(runs):
    reports = query_json(
        runs.db, "/timeline/runs.json?_shape=array&_sort=id&source__in=hansard,questions"
    )
    assert sorted((r["source"], r["status"]) for r in reports) == [
        ("hansard", "ok"),
        ("hansard", "ok"),
        ("questions", "ok"),
        ("questions", "ok"),
    ]
    print(f"\nrequests: first run {len(runs.first_requests)}, second {len(runs.second_requests)}")


def test_debates_are_fetched_as_searches_find_them_so_a_stopped_back_fill_keeps_them(runs):
    hansard = [p for p in runs.first_requests if p.startswith(("/search/", "/debates/"))]
    first_debate = next(i for i, p in enumerate(hansard) if p.startswith("/debates/"))
    last_search = max(i for i, p in enumerate(hansard) if p.startswith("/search/"))
    assert first_debate < last_search


def test_question_searches_ask_for_every_session_not_only_the_current_one(runs):
    searches = [p for p in runs.first_requests if p.startswith((f"{QUESTIONS}?", f"{STATEMENTS}?"))]
    assert searches
    assert {search_params(path).get("sessionStatus") for path in searches} == {"Any"}
