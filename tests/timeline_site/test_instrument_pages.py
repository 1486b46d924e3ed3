"""An instrument's page (`/si/<type>/<year>/<number>`) says each thing once, and truly."""

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from pipelines.citations import CitationPipeline
from pipelines.storage import TimelineStore
from tests.support.database import new_database
from tests.support.site import (
    INSTRUMENT_ID,
    INSTRUMENT_SUMMARY,
    get,
    one_of_many_questions,
    questions_page_by_page,
    recorded_statements,
    regret_debate,
)
from timeline_site import queries
from timeline_spiders.items import Document
from timeline_spiders.parsers.committees import parse_publications_page
from timeline_spiders.parsers.motions import parse_motion

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def instrument_page(site_db) -> str:
    response = get(site_db, f"/si/{INSTRUMENT_ID}")
    assert response.status_code == 200, response.text
    return response.text


def test_the_summary_is_said_once_and_each_date_as_a_fact(site_db):
    page = instrument_page(site_db)
    assert page.count(INSTRUMENT_SUMMARY) == 1
    for fact in ("10 July 2017", "13 July 2017", "1 September 2017"):
        assert page.count(fact) == 1, fact


def test_what_it_amends_comes_from_its_own_citations_when_nothing_is_recorded(site_db):
    page = instrument_page(site_db)
    amends = page.split("What it amends", 1)[1].split("What amends it", 1)[0]
    assert "these are the instruments its own text cites" in amends
    assert "uksi/2007/1065" in amends
    assert "No amendments recorded" not in page


def test_the_tracker_note_gives_the_true_reason_stages_are_missing(site_db):
    """Laid in July 2017, after the tracker began: the reason is the failed run."""
    page = instrument_page(site_db)
    assert "statutory instruments tracker" in page and "failed" in page
    assert "covers instruments laid since June 2017" not in page


def test_a_link_that_is_not_a_web_address_is_never_shown(site_db):
    page = instrument_page(site_db)
    assert "javascript:" not in page
    assert f'href="https://www.legislation.gov.uk/{INSTRUMENT_ID}"' in page


def test_si_paths_are_case_insensitive(site_db):
    response = get(site_db, "/si/UKSI/2017/999")
    assert response.status_code == 302
    assert response.headers["location"] == f"/si/{INSTRUMENT_ID}"


def test_si_citations_in_any_text_link_to_their_page(site_db):
    page = get(site_db, "/campaign/boycott-school-census").text
    assert 'on <a href="/si/uksi/2016/808">SI 2016/808</a>: nationality' in page


# --- Committee reports on an instrument, older than the SI tracker (issue 18) ----------


def slsc_publications() -> list[Document]:
    committees = FIXTURES / "committees"
    return [
        *parse_publications_page(
            (committees / "publications-slsc-page-1.json").read_bytes()
        ).documents,
        *parse_publications_page(
            (committees / "publications-slsc-page-2.json").read_bytes()
        ).documents,
    ]


def prayer() -> Document:
    body = (FIXTURES / "motions/motion-50201-prayer-pupil-information.json").read_bytes()
    return parse_motion(body)


@pytest.fixture(scope="module")
def committee_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("committees") / "timeline.db"
    db = new_database(path)
    store, cite = TimelineStore(db), CitationPipeline()
    store.save(regret_debate())
    for document in [*slsc_publications(), prayer()]:
        store.save(cite.process_item(document))
    db.conn.close()
    return path


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def events_listed(page: str) -> str:
    """The sections a page of citing events is in: before the tracker, the questions
    citing the instrument are its stages in Parliament."""
    return section(page, "parliament-heading") + section(page, "citing-heading")


def test_committee_reports_and_letters_on_an_instrument_have_a_section_oldest_first(
    committee_db,
):
    page = get(committee_db, "/si/uksi/2016/808").text
    reports = section(page, "committees-heading")
    report = reports.index("Report by the Secondary Legislation Scrutiny Committee")
    letter = reports.index("Correspondence with the Secondary Legislation Scrutiny Committee")
    assert report < letter
    assert "https://committees.parliament.uk/publications/7301/documents/70110/default/" in reports
    assert "Sea Fisheries" not in reports
    citing = section(page, "citing-heading")
    assert "Secondary Legislation Scrutiny Committee" not in citing  # said once, above
    assert "Motion to Regret" in section(page, "parliament-heading")
    assert "Motion to Regret" not in citing  # a stage, said once, above


def test_each_event_is_listed_once_on_the_page(committee_db):
    """Before the tracker, the debates and motions citing it are its stages in
    Parliament, and everything else that cites it is the rest."""
    page = get(committee_db, "/si/uksi/2016/808").text
    anchors = re.findall(r'<li class="tl-event" id="([^"]+)"', page)
    assert anchors and len(anchors) == len(set(anchors))
    assert "Everything else that cites it" in page


def test_before_the_tracker_a_prayer_against_it_is_a_stage_in_parliament(committee_db):
    parliament = section(get(committee_db, "/si/uksi/2016/808").text, "parliament-heading")
    assert "prayer against The Education (Pupil Information)" in parliament
    assert "debates, written questions and early day motions that cite it" in parliament


def test_the_committees_section_looks_up_each_committee_item_and_never_lists_all_citing_items(
    committee_db, monkeypatch
):
    """The most cited instruments are cited by tens of thousands of items; the
    committees' own items are few. Listing every item citing the instrument first made
    the section cost 1.5 ms at 100,000 events once the committees had any item."""
    statements = recorded_statements(monkeypatch)
    assert get(committee_db, "/si/uksi/2016/808").status_code == 200
    (sql, params), *others = [s for s in statements if "items.source = 'committees'" in s[0]]
    assert not others
    with closing(sqlite3.connect(committee_db)) as conn:
        plan = " ".join(row[3] for row in conn.execute(f"explain query plan {sql}", params))
    assert "idx_citations_legislation_id" not in plan and "LIST SUBQUERY" not in plan
    assert "citations USING COVERING INDEX sqlite_autoindex_citations_1" in plan


def test_an_instrument_known_only_from_a_committee_report_has_a_page(committee_db):
    response = get(committee_db, "/si/uksi/2016/1155")
    assert response.status_code == 200
    assert "Sea Fisheries" in section(response.text, "committees-heading")


# --- The most cited instruments: a page at a time, walked or sorted ---------------------


def citing_question(number: int, instrument: str = "uksi/2016/808") -> Document:
    citation = f"SI {instrument.split('/', 1)[1]}"
    return one_of_many_questions(number, f"Asked about {citation}.", cites={instrument: citation})


@pytest.fixture(scope="module")
def much_cited_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("much-cited") / "timeline.db"
    store = TimelineStore(new_database(path))
    for number in range(130):
        store.save(citing_question(number, "uksi/2016/808" if number % 3 else "uksi/2017/807"))
    return path


def citing_pages(db_path: Path) -> list[list[int]]:
    """The citing questions, page by page."""
    return questions_page_by_page(
        lambda before: events_listed(get(db_path, f"/si/uksi/2016/808?before={before}").text)
    )


def test_the_citing_events_are_the_same_whether_walked_or_sorted(much_cited_db, monkeypatch):
    """How the page finds them depends on how many cite the instrument (`walk_pays`);
    what it lists must not."""
    monkeypatch.setattr(queries, "WALK_FACTOR", 0)  # always walk the date index
    walked = citing_pages(much_cited_db)
    monkeypatch.setattr(queries, "WALK_FACTOR", 10**9)  # always read them all and sort
    assert citing_pages(much_cited_db) == walked


def test_paging_through_the_citing_events_shows_each_once(much_cited_db):
    """Pages end with a whole day: the day a page would have been cut in starts the next."""
    pages = citing_pages(much_cited_db)
    assert len(pages) == 2 and 40 < len(pages[0]) <= 50
    shown = [number for page in pages for number in page]
    assert sorted(shown) == [number for number in range(130) if number % 3]
    assert len(shown) == len(set(shown))
