"""Every source in one nightly job against a local server, twice: what issue 18 asks of
bills, committees, early day motions and petitions, seen on the published site.

One module-scoped server and database serve two runs: a first run with no history (a
back-fill from BACKFILL_FROM's default) and a second, incremental run the same day,
whose requests are kept apart.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.end_to_end.conftest import crawl_everything, get_page, query_json, serve_everything
from tests.end_to_end.parliament_business import HERB
from tests.support.crawl import CrawlResult
from tests.support.fixture_server import FixtureServer
from timeline_spiders.sources import crawled_sources

STUDENT_DATA = "student-data"
CENSUS = "boycott-school-census"
#: Amendment 147 (clauses 73 and 74) at the Lords committee stage.
CLAUSE_73_AMENDMENT = f"bills:bill/{HERB}/amendment/1190455"
SLSC_REPORT = "committees:publication/7301"


@dataclass
class TwoRuns:
    db: Path
    first: CrawlResult
    second: CrawlResult
    first_requests: list[str]
    second_requests: list[str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    server = serve_everything(FixtureServer().start())
    db = tmp_path_factory.mktemp("everything") / "timeline.db"
    try:
        first = crawl_everything(server, db)
        first_requests = [path for path in server.requests if path != "/robots.txt"]
        second = crawl_everything(server, db)
        second_requests = [path for path in server.requests if path != "/robots.txt"]
        yield TwoRuns(db, first, second, first_requests, second_requests[len(first_requests) :])
    finally:
        server.stop()


def timeline(db: Path, **filters: str) -> list[dict]:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return query_json(db, f"/timeline/timeline.json?_shape=array&_size=max&{query}")


def campaigns_of(db: Path, item_id: str) -> list[str]:
    rows = timeline(db, item_id=item_id)
    assert rows, f"{item_id} is not on the timeline"
    return json.loads(rows[0]["campaigns"])


def stored_ids(db: Path) -> set[str]:
    return {row[0] for row in sqlite3.connect(db).execute("select id from items")}


def runs_of(db: Path) -> list[dict]:
    """The runs rows of the sources crawled (not the job's other steps)."""
    crawled = {source.name for source in crawled_sources()}
    rows = query_json(db, "/timeline/runs.json?_shape=array&_sort=id&_size=max")
    return [row for row in rows if row["source"] in crawled]


def test_both_runs_of_every_source_succeed(runs):
    for result in (runs.first, runs.second):
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"All {len(crawled_sources())} sources succeeded." in result.stdout
    assert {run["source"] for run in runs_of(runs.db)} == {s.name for s in crawled_sources()}


def test_the_higher_education_and_research_bills_stages_are_on_the_student_data_timeline(runs):
    stages = timeline(runs.db, item_id=f"bills:bill/{HERB}", kind="bill_stage", _sort="date")
    assert len(stages) == 23
    assert all(json.loads(row["campaigns"]) == [STUDENT_DATA] for row in stages)
    second_reading = stages[1]
    assert (second_reading["date"], second_reading["title"]) == (
        "2016-07-19",
        "Higher Education and Research Bill \u2014 2nd reading (House of Commons)",
    )
    assert second_reading["url"] == f"https://bills.parliament.uk/bills/{HERB}/stages/8702"
    page = get_page(runs.db, f"/campaign/{STUDENT_DATA}?kind=bill_stage&year=2016").text
    assert "Higher Education and Research Bill \u2014 2nd reading (House of Commons)" in page


def test_a_clause_73_and_74_amendment_is_on_the_student_data_timeline(runs):
    (row,) = timeline(runs.db, item_id=CLAUSE_73_AMENDMENT)
    assert json.loads(row["campaigns"]) == [STUDENT_DATA]
    assert (row["kind"], row["date"]) == ("bill_amendment", "2017-01-09")
    assert row["title"].startswith("Amendment 147 to the Higher Education and Research Bill")
    assert row["url"] == (
        f"https://bills.parliament.uk/bills/{HERB}/stages/8709/amendments/1190455"
    )
    page = get_page(runs.db, f"/campaign/{STUDENT_DATA}?kind=bill_amendment").text
    assert "Amendment 147 to the Higher Education and Research Bill" in page


def test_only_the_amendments_a_campaign_rule_tags_are_stored(runs):
    amendments = {i for i in stored_ids(runs.db) if i.startswith(f"bills:bill/{HERB}/amendment/")}
    assert amendments == {
        f"bills:bill/{HERB}/amendment/{amendment_id}"
        for amendment_id in (1190412, 1190455, 1190456)
    }


def test_bills_that_became_acts_cite_the_act_and_a_near_miss_bill_is_left_out(runs):
    (act,) = timeline(runs.db, item_id=f"bills:bill/{HERB}", kind="bill_publication", _sort="date")[
        -1:
    ]
    assert "ukpga/2017/29" in json.loads(act["cites"])
    stored = stored_ids(runs.db)
    assert {"bills:bill/1916", "bills:bill/1779"} <= stored
    assert "bills:bill/1786" not in stored  # the Bus Services Bill, found for a word


def test_the_bills_page_has_its_stages_amendments_and_the_committee_report_on_it(runs):
    response = get_page(runs.db, f"/bill/{HERB}")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Higher Education and Research Bill</h1>" in page
    assert "9 January 2017, 11 January 2017" in page  # the Lords committee's sittings
    assert "Amendment 147 to the Higher Education and Research Bill, clause 73" in page
    assert "Report by the Joint Committee on Human Rights" in page


def test_the_slsc_report_on_si_2016_808_is_on_its_page_and_on_the_timeline(runs):
    (row,) = timeline(runs.db, item_id=SLSC_REPORT)
    assert (row["kind"], row["date"]) == ("committee_report", "2016-10-13")
    assert json.loads(row["campaigns"]) == [CENSUS]
    assert json.loads(row["cites"]) == ["uksi/2016/808"]
    page = get_page(runs.db, "/si/uksi/2016/808").text
    reports = page.split('id="committees-heading"', 1)[1].split("</section>", 1)[0]
    assert "Report by the Secondary Legislation Scrutiny Committee" in reports
    assert row["url"] in reports
    campaign = get_page(runs.db, f"/campaign/{CENSUS}?kind=committee_report").text
    assert "Report by the Secondary Legislation Scrutiny Committee" in campaign


def test_an_early_day_motion_and_a_petition_are_each_tagged_to_a_campaign(runs):
    assert campaigns_of(runs.db, "motions:edm/50123") == [CENSUS]
    assert campaigns_of(runs.db, "motions:edm/50201") == [CENSUS]  # the prayer
    assert campaigns_of(runs.db, "petitions:700123") == [CENSUS]
    assert campaigns_of(runs.db, "petitions:archived/171928") == [CENSUS]
    (tabled,) = timeline(runs.db, item_id="motions:edm/50123")
    assert tabled["summary"] == "Primary sponsor: Dana Whitcombe (Labour). 9 signatures."


def test_near_misses_are_stored_without_a_tag(runs):
    for item_id in (
        "motions:edm/57702",
        "petitions:702010",
        "committees:publication/7302",
    ):
        assert campaigns_of(runs.db, item_id) == [], item_id


def test_a_petition_debate_links_to_its_hansard_debate(runs):
    (debate,) = timeline(runs.db, item_id="petitions:701555", kind="petition_debated")
    assert debate["date"] == "2025-06-16"
    assert debate["url"].startswith("https://hansard.parliament.uk/Commons/2025-06-16/debates/")


def test_the_second_run_makes_at_most_a_quarter_of_the_requests_and_adds_nothing(runs):
    print(f"\nrequests: first run {len(runs.first_requests)}, second {len(runs.second_requests)}")
    assert len(runs.second_requests) <= len(runs.first_requests) / 4
    reports = runs_of(runs.db)
    second = reports[len(reports) // 2 :]
    assert {run["source"] for run in second} == {s.name for s in crawled_sources()}
    for run in second:
        assert (run["items_new"], run["items_changed"]) == (0, 0), run["source"]
    for run in reports:
        print(f"{run['job_id']} {run['source']:12} {run['requests']:4} requests")


def test_stored_urls_are_the_public_ones_never_the_test_server(runs):
    dumped = "\n".join(sqlite3.connect(runs.db).iterdump())
    assert "127.0.0.1" not in dumped
