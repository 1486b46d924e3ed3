"""A bill's page (`/bill/<id>`), and the kinds bills, committees, motions and petitions add
to every page that lists events: filters, feeds and the calendar.

The timeline here is made as a crawl makes it, minus the network: the Higher Education and
Research Bill, its stages and publications and three Lords amendments parsed from the
fixtures, tagged and cited by the pipelines; a committee report and a debate that name the
bill; an instrument made under its Act; a bill and a petition with dates still to come.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import icalendar
import pytest

from pipelines.citations import CitationPipeline
from pipelines.storage import TimelineStore
from pipelines.tagging import TaggingPipeline
from tests.support.database import new_database
from tests.support.site import (
    get,
    one_of_many_questions,
    questions_page_by_page,
    rendered_both_ways,
)
from timeline_spiders.items import Document, Event, Tag
from timeline_spiders.parsers.bills import (
    parse_amendments,
    parse_bill_document,
    parse_stage_page,
)
from timeline_spiders.parsers.committees import parse_publications_page

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
STUDENT_DATA = "student-data"
HERB = 1773
ATOM = "{http://www.w3.org/2005/Atom}"


def herb() -> list[Document]:
    """The bill and the amendments of its Lords committee stage, as the spider yields
    them."""
    bills = FIXTURES / "bills"
    stages = parse_stage_page((bills / "bill-1773-stages.json").read_bytes(), HERB).stages
    bill = parse_bill_document(
        (bills / "bill-1773.json").read_bytes(),
        (bills / "bill-1773-publications.json").read_bytes(),
        stages,
    )
    committee = next(stage for stage in stages if stage.bill_stage_id == 8709)
    amendments = parse_amendments(
        (bills / "bill-1773-stage-8709-amendments-page-1.json").read_bytes(),
        HERB,
        committee,
        bill.title,
    ).amendments
    return [bill, *amendments]


def jchr_report() -> Document:
    body = (FIXTURES / "committees/publications-higher-education-bill.json").read_bytes()
    return parse_publications_page(body).documents[0]


def debate_naming_the_bill() -> Document:
    return Document(
        id="hansard:herb-debate",
        source="hansard",
        doc_type="debate",
        title="Higher Education and Research Bill \u2014 Second Reading",
        url="https://hansard.parliament.uk/Commons/2016-07-19/debates/herb/Second",
        body="The Higher Education and Research Bill lets UCAS share applicants' data.",
        events=[Event("debate", "2016-07-19")],
    )


def instrument_under_the_act() -> Document:
    return Document(
        id="legislation:uksi/2017/1150",
        source="legislation",
        doc_type="statutory_instrument",
        title="The Higher Education (Commencement) Regulations 2017",
        url="https://www.legislation.gov.uk/uksi/2017/1150/made",
        body="Made under https://www.legislation.gov.uk/ukpga/2017/29 section 124.",
        events=[Event("si_made", "2017-11-30")],
    )


def schools_bill() -> Document:
    """A bill with a stage still to come."""
    return Document(
        id="bills:bill/3909",
        source="bills",
        doc_type="bill",
        title="Children's Wellbeing and Schools Bill",
        url="https://bills.parliament.uk/bills/3909",
        events=[
            Event(
                "bill_stage",
                "2031-02-03",
                key="19001-1",
                title="Children's Wellbeing and Schools Bill \u2014 Report stage (House of Lords)",
                url="https://bills.parliament.uk/bills/3909/stages/19001",
            )
        ],
        metadata={"bill_id": 3909, "stages": []},
        campaigns=[Tag(STUDENT_DATA, "test")],
    )


def petition_to_be_debated() -> Document:
    return Document(
        id="petitions:799001",
        source="petitions",
        doc_type="petition",
        title="Give students a say over who sees their records",
        url="https://petition.parliament.uk/petitions/799001",
        events=[
            Event(
                "petition_debated",
                "2031-03-10",
                key="scheduled",
                title="Debate scheduled on the petition: Give students a say",
            )
        ],
        campaigns=[Tag(STUDENT_DATA, "test")],
    )


@pytest.fixture(scope="module")
def bill_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bills") / "timeline.db"
    db = new_database(path)
    store = TimelineStore(db)
    cite, tag = CitationPipeline(), TaggingPipeline(str(ROOT / "data" / "campaigns.yml"))
    for document in [*herb(), jchr_report(), debate_naming_the_bill(), instrument_under_the_act()]:
        store.save(tag.process_item(cite.process_item(document)))
    store.save(schools_bill())
    store.save(petition_to_be_debated())
    db.conn.close()
    return path


def bill_page(bill_db: Path, path: str = f"/bill/{HERB}") -> str:
    response = get(bill_db, path)
    assert response.status_code == 200, response.text
    return response.text


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_the_bill_is_named_as_a_bill_with_the_act_it_became(bill_db):
    page = bill_page(bill_db)
    assert "<h1>Higher Education and Research Bill</h1>" in page
    assert 'href="https://www.legislation.gov.uk/ukpga/2017/29"' in page
    assert 'href="https://bills.parliament.uk/bills/1773"' in page
    assert "Jo Johnson (Conservative), Department for Education" in page
    assert 'href="/campaign/student-data"' in page


def test_its_stages_in_both_houses_are_listed_in_order_with_their_sittings(bill_db):
    stages = section(bill_page(bill_db), "stages-heading")
    order = ["19 May 2016", "19 July 2016", "9 January 2017, 11 January 2017", "27 April 2017"]
    positions = [stages.index(day) for day in order]
    assert positions == sorted(positions)
    assert stages.count("House of Commons") == 7 and stages.count("House of Lords") == 6
    assert "No sitting recorded" in stages  # the programme motion
    assert 'href="https://bills.parliament.uk/bills/1773/stages/8709"' in stages


def test_only_the_amendments_a_campaign_page_shows_are_listed(bill_db):
    amendments = section(bill_page(bill_db), "amendments-heading")
    assert "Amendment 147 to the Higher Education and Research Bill, clause 73" in amendments
    assert "Amendment 12 to the Higher Education and Research Bill, clause 9" in amendments
    assert "Amendment 31 to" not in amendments  # stored by this test, tagged by nothing
    assert "Committee stage, House of Lords, 9 January 2017" in amendments
    assert "Moved by Lord Ferrand of Kells" in amendments
    assert amendments.index("Amendment 12 ") < amendments.index("Amendment 147 ")


def test_its_publications_are_listed_without_repeating_the_bills_name(bill_db):
    publications = section(bill_page(bill_db), "publications-heading")
    assert "Explanatory Notes: Explanatory Notes to Bill 4 2016-17" in publications
    assert "Higher Education and Research Bill \u2014 Explanatory" not in publications
    assert "Cites ukpga/2017/29" not in publications


def test_the_page_is_drawn_without_async_mode_and_reads_as_datasette_would_draw_it(
    bill_db, monkeypatch
):
    """As the site's other pages (tests/timeline_site/test_rendering.py)."""
    by_the_site, by_datasette = rendered_both_ways(bill_db, f"/bill/{HERB}", monkeypatch)
    assert by_the_site == by_datasette


def test_committee_reports_that_name_it_have_a_section_of_their_own(bill_db):
    page = bill_page(bill_db)
    assert "Report by the Joint Committee on Human Rights" in section(page, "committees-heading")
    assert "Joint Committee on Human Rights" not in section(page, "mentions-heading")


def test_everything_else_that_names_it_or_cites_its_act_is_listed(bill_db):
    mentions = section(bill_page(bill_db), "mentions-heading")
    assert "Higher Education and Research Bill \u2014 Second Reading" in mentions
    assert "The Higher Education (Commencement) Regulations 2017" in mentions
    assert "Amendment 147" not in mentions  # its own amendments are listed above


def test_a_bill_the_timeline_does_not_hold_is_a_404(bill_db):
    assert get(bill_db, "/bill/999999").status_code == 404
    assert get(bill_db, "/bill/abc").status_code == 404


def test_a_bill_event_on_a_campaign_timeline_links_to_the_bill_page_and_its_act(bill_db):
    page = get(bill_db, f"/campaign/{STUDENT_DATA}?kind=bill_stage&year=2016").text
    assert 'href="/bill/1773"' in page
    assert 'href="https://www.legislation.gov.uk/ukpga/2017/29"' in page
    assert 'href="/si/ukpga/2017/29"' not in page  # an Act is no statutory instrument


def test_the_new_kinds_are_in_the_campaign_filters_with_their_labels(bill_db):
    page = get(bill_db, f"/campaign/{STUDENT_DATA}").text
    for kind, label in {
        "bill_stage": "Bill stage",
        "bill_amendment": "Bill amendment",
        "committee_report": "Committee report",
        "edm_tabled": "Early day motion",
        "petition_debated": "Petition debated",
    }.items():
        assert f'<option value="{kind}"' in page and label in page, kind
    filtered = get(bill_db, f"/campaign/{STUDENT_DATA}?kind=bill_amendment").text
    assert "Amendment 147" in filtered and "2nd reading" not in filtered


def test_a_bills_stages_are_in_the_campaign_feed(bill_db):
    response = get(bill_db, f"/timeline/campaign_feed.atom?campaign={STUDENT_DATA}")
    titles = [
        entry.find(f"{ATOM}title").text
        for entry in ElementTree.fromstring(response.content).findall(f"{ATOM}entry")
    ]
    assert "Bill stage: Higher Education and Research Bill \u2014 Royal Assent" in titles


def test_stages_and_debates_to_come_are_in_the_campaign_calendar(bill_db):
    response = get(bill_db, f"/campaign/{STUDENT_DATA}.ics")
    summaries = [
        str(event["summary"])
        for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert summaries == [
        "Children's Wellbeing and Schools Bill \u2014 Report stage (House of Lords)",
        "Debate scheduled on the petition: Give students a say",
    ]


@pytest.fixture(scope="module")
def much_named_bill_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("much-named-bill") / "timeline.db"
    store = TimelineStore(new_database(path))
    for document in herb():
        store.save(document)
    for number in range(130):
        store.save(
            one_of_many_questions(number, "Asked about the Higher Education and Research Bill.")
        )
    return path


def test_paging_through_what_names_the_bill_shows_each_once(much_named_bill_db):
    """Pages end with a whole day: the day a page would have been cut in starts the next."""
    pages = questions_page_by_page(
        lambda before: section(
            bill_page(much_named_bill_db, f"/bill/{HERB}?before={before}"), "mentions-heading"
        )
    )
    assert len(pages) == 3 and all(40 < len(page) <= 50 for page in pages[:2])
    shown = [number for page in pages for number in page]
    assert sorted(shown) == list(range(130)) and len(shown) == len(set(shown))
