"""The Bills API parser against our own fixtures in the real response shapes.

The fixtures are one small world: a search for student data that finds the Higher Education
and Research Bill (bill 1773, which became ukpga/2017/29), two other 2016-17 bills and a near
miss (the Bus Services Bill, found for the word "data"); bill 1773's stages, publications and
the amendments of its Lords committee stage. tests/fixtures/bills/README.md says what is real.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.citations import cited_by
from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.bills import (
    KEY_PUBLICATION_TYPES,
    AmendmentPage,
    BillStage,
    StageSitting,
    act_id_from_publications,
    amendment_detail_path,
    bill_name,
    bill_path,
    bill_publications_path,
    bill_search_path,
    bill_stages_path,
    next_skip,
    parse_amendment_detail,
    parse_amendments,
    parse_bill,
    parse_bill_document,
    parse_bill_list,
    parse_bill_stages,
    parse_publications,
    parse_stage_page,
    stage_amendments_path,
    stage_events,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bills"
HERB = 1773
LORDS_COMMITTEE = 8709
HERB_TITLE = "Higher Education and Research Act 2017"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(load(name))


def dumps(data: Any) -> bytes:
    return json.dumps(data).encode()


def lords_committee() -> BillStage:
    stages = parse_stage_page(load("bill-1773-stages.json"), HERB).stages
    return next(stage for stage in stages if stage.bill_stage_id == LORDS_COMMITTEE)


def amendments_page_1() -> AmendmentPage:
    body = load("bill-1773-stage-8709-amendments-page-1.json")
    return parse_amendments(body, HERB, lords_committee(), HERB_TITLE)


def by_number(page: AmendmentPage) -> dict[str, Document]:
    return {doc.metadata["number"]: doc for doc in page.amendments}


# --- paths the spider requests ----------------------------------------------------------


def test_search_path_asks_for_the_newest_updated_bills_first_a_page_at_a_time():
    assert bill_search_path("student data", skip=20, take=20) == (
        "/api/v1/Bills?SearchTerm=student+data&SortOrder=DateUpdatedDescending&Skip=20&Take=20"
    )


def test_api_paths_have_no_host_so_the_spider_puts_them_on_its_own_base():
    paths = [
        bill_search_path("pupil data"),
        bill_path(HERB),
        bill_stages_path(HERB),
        bill_publications_path(HERB),
        stage_amendments_path(HERB, LORDS_COMMITTEE, skip=5, take=5),
        amendment_detail_path(HERB, LORDS_COMMITTEE, 1190455),
    ]
    assert all(path.startswith("/api/v1/") for path in paths)
    assert paths[1:4] == [
        "/api/v1/Bills/1773",
        "/api/v1/Bills/1773/Stages?Skip=0&Take=20",
        "/api/v1/Bills/1773/Publications",
    ]
    assert paths[4] == "/api/v1/Bills/1773/Stages/8709/Amendments?Skip=5&Take=5"
    assert paths[5] == "/api/v1/Bills/1773/Stages/8709/Amendments/1190455"


# --- bill search pages ------------------------------------------------------------------


def test_search_page_gives_bill_ids_their_last_update_and_the_total_beyond_the_page():
    page = parse_bill_list(load("bills-search-page-1.json"))
    assert page.ids == [1773, 1916, 1779]
    assert (page.count, page.total, page.items_per_page) == (3, 4, 3)
    first = page.bills[0]
    assert first.short_title == HERB_TITLE
    assert first.last_update == "2023-06-14T11:20:05.8734211"  # as given: seven digits
    assert first.last_update_date == "2023-06-14"
    assert first.is_act is True


def test_second_search_page_completes_the_total_and_paging_stops_there():
    first = parse_bill_list(load("bills-search-page-1.json"))
    second = parse_bill_list(load("bills-search-page-2.json"))
    assert next_skip(first, 0) == 3
    assert second.ids == [1786]
    assert first.count + second.count == second.total
    assert next_skip(second, 3) is None


def test_a_search_that_finds_nothing_ends_paging():
    page = parse_bill_list(load("bills-search-empty.json"))
    assert (page.ids, page.count, page.total) == ([], 0, 0)
    assert next_skip(page, 0) is None


def test_paging_never_loops_on_a_wrong_total():
    page = parse_bill_list(load("bills-search-page-2.json"))
    empty = parse_bill_list(dumps({"items": [], "totalResults": 500, "itemsPerPage": 3}))
    inflated = parse_bill_list(
        dumps({**fixture_json("bills-search-page-2.json"), "totalResults": 500})
    )
    assert next_skip(empty, 3) is None
    assert next_skip(inflated, 3) == 4  # always past this page, never back
    assert next_skip(page, 3) is None


def test_spider_can_skip_bills_not_updated_since_its_last_run():
    page = parse_bill_list(load("bills-search-page-1.json"))
    assert [b.bill_id for b in page.updated_since("2023-06-14")] == [1773, 1916]
    assert [b.bill_id for b in page.updated_since("2023-06-14T12:00:00")] == [1773, 1916]
    assert page.reaches_before("2023-01-01") is True  # the Digital Economy Bill is older
    assert page.reaches_before("2022-11-02") is False


# --- a bill -----------------------------------------------------------------------------


def test_bill_is_keyed_by_its_api_id_and_links_to_its_public_page():
    doc = parse_bill(load("bill-1773.json"))
    assert doc.id == "bills:bill/1773"
    assert (doc.source, doc.doc_type) == ("bills", "bill")
    assert doc.title == HERB_TITLE
    assert doc.url == "https://bills.parliament.uk/bills/1773"
    assert doc.events == []  # the spider adds stages and publications


def test_bill_summary_is_its_long_title_and_body_is_plain_text_with_sponsors():
    doc = parse_bill(load("bill-1773.json"))
    assert doc.summary.startswith("A Bill to make provision about higher education")
    assert doc.body.startswith(doc.metadata["long_title"])
    assert "<p>" not in doc.body and "&rsquo;" not in doc.body
    assert "applicants\u2019 sex" in doc.body
    assert "transparency duty" in doc.body and "student data can be used" in doc.body
    assert doc.body.endswith(
        "Sponsors: Jo Johnson (Department for Education); "
        "Viscount Younger of Leckie (Department for Education)"
    )


def test_bill_metadata_has_sessions_houses_type_status_and_sponsors():
    meta = parse_bill(load("bill-1773.json")).metadata
    assert meta["bill_id"] == HERB
    assert meta["sessions"] == [29]
    assert (meta["originating_house"], meta["current_house"]) == ("Commons", "Unassigned")
    assert meta["bill_type_id"] == 1
    assert (meta["is_act"], meta["is_defeated"], meta["withdrawn_date"]) == (True, False, None)
    assert meta["last_update"] == "2023-06-14T11:20:05.8734211"
    assert [(s["member_id"], s["name"]) for s in meta["sponsors"]] == [
        (4140, "Jo Johnson"),
        (4129, "Viscount Younger of Leckie"),
    ]
    assert meta["current_stage"]["description"] == "Royal Assent"
    assert meta["current_stage"]["url"] == "https://bills.parliament.uk/bills/1773/stages/8714"


def test_the_act_a_bill_became_comes_from_its_act_of_parliament_publication():
    assert parse_bill(load("bill-1773.json")).metadata["act_id"] is None  # not asked
    doc = parse_bill(load("bill-1773.json"), load("bill-1773-publications.json"))
    assert doc.metadata["act_id"] == "ukpga/2017/29"


def test_a_bill_that_became_an_act_names_the_act_on_legislation_gov_uk_so_it_cites_it():
    doc = parse_bill(load("bill-1773.json"), load("bill-1773-publications.json"))
    assert doc.body.endswith("Act of Parliament: https://www.legislation.gov.uk/ukpga/2017/29")
    assert cited_by(doc.id, doc.body) == {"ukpga/2017/29": "legislation.gov.uk/ukpga/2017/29"}
    assert "legislation.gov.uk" not in parse_bill(load("bill-1786.json")).body


def test_an_old_act_linked_on_opsi_gov_uk_is_read_from_its_file_name():
    data = fixture_json("bill-1773-publications.json")
    data["publications"][0]["links"][0]["url"] = (
        "http://www.opsi.gov.uk/acts/acts2010/ukpga_20100025_en_1"
    )
    assert act_id_from_publications(dumps(data)) == "ukpga/2010/25"


def test_no_act_is_derived_without_an_act_publication_or_a_link_naming_one():
    data = fixture_json("bill-1773-publications.json")
    act = data["publications"].pop(0)
    assert act_id_from_publications(dumps(data)) is None
    act["links"][0]["url"] = "https://publications.parliament.uk/pa/acts/herb-2017.pdf"
    data["publications"].insert(0, act)
    assert act_id_from_publications(dumps(data)) is None  # nothing guessed from the title


def test_publications_of_another_bill_cannot_name_this_bills_act():
    data = {**fixture_json("bill-1773-publications.json"), "billId": 1916}
    with pytest.raises(MalformedResponse):
        parse_bill(load("bill-1773.json"), dumps(data))


def test_near_miss_bill_found_for_a_word_says_nothing_about_pupils_or_students():
    doc = parse_bill(load("bill-1786.json"), keep_if="mentions_search_phrase")
    assert doc.title == "Bus Services Act 2017"
    assert doc.keep_if == "mentions_search_phrase"
    assert "open data" in doc.body
    assert "pupil" not in doc.body.lower() and "student" not in doc.body.lower()
    assert doc.metadata["sponsors"][0]["member_id"] is None  # a department, no member
    assert doc.body.endswith("Sponsors: Department for Transport")


def test_amendments_are_to_the_bill_even_when_the_api_names_the_act():
    assert bill_name(HERB_TITLE) == "Higher Education and Research Bill"
    assert bill_name("Bus Services Bill [HL]") == "Bus Services Bill [HL]"


# --- stages -----------------------------------------------------------------------------


def test_every_dated_sitting_of_every_stage_is_an_event():
    events = parse_bill_stages(load("bill-1773-stages.json"), HERB)
    assert len(events) == 23
    assert {e.kind for e in events} == {"bill_stage"}
    assert (events[1].date, events[1].title) == ("2016-07-19", "2nd reading (House of Commons)")
    assert events[1].url == "https://bills.parliament.uk/bills/1773/stages/8702"


def test_six_days_of_lords_committee_are_six_events_with_their_own_keys():
    events = parse_bill_stages(load("bill-1773-stages.json"), HERB)
    committee = [e for e in events if e.title == "Committee stage (House of Lords)"]
    assert [e.date for e in committee] == [
        "2017-01-09",
        "2017-01-11",
        "2017-01-16",
        "2017-01-18",
        "2017-01-25",
        "2017-01-30",
    ]
    assert len({e.key for e in committee}) == 6
    assert committee[0].key == "8709-7810"


def test_given_the_bill_stage_titles_name_it_to_read_alone_on_a_timeline():
    events = parse_bill_stages(load("bill-1773-stages.json"), HERB, HERB_TITLE)
    assert (
        events[1].title
        == "Higher Education and Research Bill \u2014 2nd reading (House of Commons)"
    )
    assert events[-1].title == "Higher Education and Research Bill \u2014 Royal Assent"


def test_royal_assent_is_a_stage_in_neither_house():
    events = parse_bill_stages(load("bill-1773-stages.json"), HERB)
    assert (events[-1].title, events[-1].date) == ("Royal Assent", "2017-04-27")


def test_stage_helper_gives_each_stage_its_first_sitting_even_stages_never_sat():
    page = parse_stage_page(load("bill-1773-stages.json"), HERB)
    summary = [(s.bill_stage_id, s.description, s.house, s.first_sitting_date) for s in page.stages]
    assert summary[2] == (8703, "Programme motion", "Commons", None)
    assert summary[8] == (8709, "Committee stage", "Lords", "2017-01-09")
    assert (page.count, page.total) == (14, 14)
    assert next_skip(page, 0) is None
    assert not any(e.key.startswith("8703-") for e in stage_events(page.stages))


def test_stage_events_and_keys_are_the_same_on_every_crawl():
    body = load("bill-1773-stages.json")
    assert parse_bill_stages(body, HERB) == parse_bill_stages(body, HERB)


def test_an_undated_sitting_is_no_event_and_a_sitting_without_id_is_keyed_by_date():
    data = fixture_json("bill-1773-stages.json")
    sittings = data["items"][1]["stageSittings"]
    sittings[0]["id"] = None
    sittings.append({"id": 7999, "stageId": 7, "billStageId": 8702, "date": None})
    events = parse_bill_stages(dumps(data), HERB)
    second_reading = [e for e in events if e.url.endswith("/8702")]
    assert [(e.key, e.date) for e in second_reading] == [("8702-2016-07-19", "2016-07-19")]


def test_a_stage_date_that_is_not_an_iso_date_is_malformed():
    data = fixture_json("bill-1773-stages.json")
    data["items"][1]["stageSittings"][0]["date"] = "19 July 2016"
    with pytest.raises(MalformedResponse, match="not an ISO date"):
        parse_bill_stages(dumps(data), HERB)


# --- publications -----------------------------------------------------------------------


def test_every_publication_is_an_event_dated_and_keyed_by_the_api():
    events = parse_publications(load("bill-1773-publications.json"), HERB)
    assert [e.key for e in events] == [
        "30106",
        "30105",
        "30100",
        "30104",
        "30103",
        "30102",
        "30101",
    ]
    assert {e.kind for e in events} == {"bill_publication"}
    notes = events[5]
    assert notes.title == "Explanatory Notes: Explanatory Notes to Bill 4 2016-17"
    assert notes.date == "2016-05-19"
    assert notes.url == (
        "https://publications.parliament.uk/pa/bills/cbill/2016-2017/0004/17004en.pdf"
    )


def test_given_the_bill_publication_titles_name_it():
    events = parse_publications(load("bill-1773-publications.json"), HERB, HERB_TITLE)
    assert events[5].title == (
        "Higher Education and Research Bill \u2014 "
        "Explanatory Notes: Explanatory Notes to Bill 4 2016-17"
    )


def test_the_bill_document_has_its_stages_and_publications_and_lists_every_stage():
    stages = parse_stage_page(load("bill-1773-stages.json"), HERB).stages
    doc = parse_bill_document(
        load("bill-1773.json"), load("bill-1773-publications.json"), stages, keep_if="tagged"
    )
    kinds = [e.kind for e in doc.events]
    assert (kinds.count("bill_stage"), kinds.count("bill_publication")) == (23, 7)
    assert doc.keep_if == "tagged"
    assert doc.metadata["act_id"] == "ukpga/2017/29"
    listed = doc.metadata["stages"]
    assert len(listed) == len(stages) == 14
    assert listed[0] == {
        "bill_stage_id": 8701,
        "stage_id": 6,
        "description": "1st reading",
        "house": "House of Commons",
        "dates": ["2016-05-19"],
        "url": "https://bills.parliament.uk/bills/1773/stages/8701",
    }
    assert [s["dates"] for s in listed if s["description"] == "Programme motion"] == [[]]
    assert listed[-1]["house"] == "" and listed[-1]["description"] == "Royal Assent"


def test_the_publications_that_matter_are_all_there():
    events = parse_publications(load("bill-1773-publications.json"), HERB)
    types = {e.title.split(": ", 1)[0] for e in events}
    assert {
        "Explanatory Notes",
        "Impact Assessments",
        "Delegated Powers Memorandum",
        "Amendment Paper",
        "Bill",
        "Act of Parliament",
    } <= types
    assert types - KEY_PUBLICATION_TYPES == {"Briefing papers"}


def test_a_publication_links_to_its_first_web_link_else_its_file_else_the_bills_list():
    events = {e.key: e for e in parse_publications(load("bill-1773-publications.json"), HERB)}
    assert events["30103"].url.startswith("https://assets.publishing.service.gov.uk/")
    assert events["30104"].url == "https://bills.parliament.uk/publications/30104/documents/5120"
    assert events["30100"].url == "https://bills.parliament.uk/bills/1773/publications"


def test_a_link_to_the_api_host_is_never_a_public_url():
    data = fixture_json("bill-1773-publications.json")
    data["publications"][5]["links"][0]["url"] = (
        "https://bills-api.parliament.uk/api/v1/Publications/30102/Documents/1/Download"
    )
    event = parse_publications(dumps(data), HERB)[5]
    assert event.url == "https://bills.parliament.uk/bills/1773/publications"


def test_publications_of_another_bill_are_malformed():
    data = {**fixture_json("bill-1773-publications.json"), "billId": 1916}
    with pytest.raises(MalformedResponse, match="1916"):
        parse_publications(dumps(data), HERB)


# --- amendments -------------------------------------------------------------------------


def test_each_amendment_is_a_document_kept_only_when_a_campaign_rule_tags_it():
    page = amendments_page_1()
    assert (page.count, page.total, page.items_per_page) == (5, 7, 5)
    doc = by_number(page)["147"]
    assert doc.id == "bills:bill/1773/amendment/1190455"
    assert (doc.source, doc.doc_type, doc.keep_if) == ("bills", "bill_amendment", "tagged")
    assert doc.url == "https://bills.parliament.uk/bills/1773/stages/8709/amendments/1190455"


def test_amendment_titles_name_number_bill_and_place_in_the_bill():
    titles = {number: doc.title for number, doc in by_number(amendments_page_1()).items()}
    assert titles["147"] == "Amendment 147 to the Higher Education and Research Bill, clause 73"
    assert titles["12"] == "Amendment 12 to the Higher Education and Research Bill, clause 9"
    assert (
        titles[""] == "Unnumbered amendment to the Higher Education and Research Bill, schedule 3"
    )
    page_2 = parse_amendments(
        load("bill-1773-stage-8709-amendments-page-2.json"), HERB, lords_committee(), HERB_TITLE
    )
    assert [doc.title for doc in page_2.amendments] == [
        "Amendment 211 to the Higher Education and Research Bill, new clause or schedule",
        "Amendment 1 to the Higher Education and Research Bill, long title",
    ]


def test_without_the_bill_title_an_amendment_names_the_bill_by_id():
    body = load("bill-1773-stage-8709-amendments-page-1.json")
    doc = parse_amendments(body, HERB, lords_committee()).amendments[0]
    assert doc.title == "Amendment 12 to bill 1773, clause 9"


def test_an_amendment_is_dated_by_the_first_sitting_of_its_stage():
    doc = by_number(amendments_page_1())["147"]
    assert doc.events == [
        Event(
            kind="bill_amendment",
            date="2017-01-09",
            key="8709",
            title=(
                "Amendment 147 to the Higher Education and Research Bill, clause 73"
                " (Committee stage, House of Lords)"
            ),
            summary="The amendment was not moved.",
        )
    ]


def test_an_amendment_to_a_stage_not_yet_sat_is_kept_without_an_event():
    unsat = BillStage(HERB, LORDS_COMMITTEE, 3, "Committee stage", "Lords", sittings=())
    page = parse_amendments(load("bill-1773-stage-8709-amendments-page-1.json"), HERB, unsat)
    assert all(doc.events == [] for doc in page.amendments)
    assert page.amendments[0].metadata["stage_date"] is None


def test_a_scheduled_sitting_dates_the_amendment_in_the_future():
    scheduled = BillStage(
        HERB, LORDS_COMMITTEE, 3, "Committee stage", "Lords", (StageSitting(1, "2030-01-09"),)
    )
    page = parse_amendments(load("bill-1773-stage-8709-amendments-page-1.json"), HERB, scheduled)
    assert page.amendments[0].events[0].date == "2030-01-09"


def test_amendment_body_is_its_text_then_sponsors_lead_first():
    doc = by_number(amendments_page_1())["147"]
    assert doc.body.startswith("Clause 73, page 46, line 30, at end insert\u2014\n")
    assert "section 74" in doc.body and "Information Commissioner" in doc.body
    assert doc.body.endswith(
        "Sponsors: Lord Ferrand of Kells, Baroness Whitcombe of Alder, Lord Tarn"
    )
    assert doc.summary.startswith("Clause 73, page 46, line 30")
    lead = doc.metadata["sponsors"][0]
    assert (lead["member_id"], lead["is_lead"]) == (9302, True)


def test_amendment_metadata_has_number_clause_decision_stage_and_house():
    meta = by_number(amendments_page_1())["12"].metadata
    assert meta["number"] == "12"
    assert meta["dnum"] == "hol12"
    assert (meta["clause"], meta["schedule"], meta["page"], meta["line"]) == (9, None, 5, 30)
    assert meta["decision"] == "Withdrawn"
    assert meta["decision_explanation"] == "The amendment was withdrawn after debate."
    assert (meta["stage"], meta["house"], meta["stage_date"]) == (
        "Committee stage",
        "House of Lords",
        "2017-01-09",
    )
    agreed = parse_amendments(
        load("bill-1773-stage-8709-amendments-page-2.json"), HERB, lords_committee()
    ).amendments[1]
    assert agreed.metadata["decision_text"] == "Agreed on division"


def test_near_miss_amendments_mention_students_but_not_their_data():
    docs = by_number(amendments_page_1())
    for number in ("31", ""):
        text = docs[number].body.lower()
        assert "student" in text
        assert "data" not in text and "information" not in text


def test_amendment_pages_stop_on_the_total_and_on_an_empty_page():
    stage = lords_committee()
    first = amendments_page_1()
    second = parse_amendments(
        load("bill-1773-stage-8709-amendments-page-2.json"), HERB, stage, HERB_TITLE
    )
    empty = parse_amendments(load("bill-1773-stage-8709-amendments-empty.json"), HERB, stage)
    assert next_skip(first, 0) == 5
    assert next_skip(second, 5) is None
    assert (empty.count, next_skip(empty, 10)) == (0, None)


def test_a_bare_array_of_items_is_read_but_cannot_be_paged():
    items = fixture_json("bill-1773-stage-8709-amendments-page-1.json")["items"]
    page = parse_amendments(dumps(items), HERB, lords_committee(), HERB_TITLE)
    assert [doc.id for doc in page.amendments] == [doc.id for doc in amendments_page_1().amendments]
    assert page.total is None
    assert next_skip(page, 0) is None


def test_amendment_documents_are_the_same_on_every_crawl():
    assert amendments_page_1() == amendments_page_1()


@pytest.mark.parametrize(
    ("field", "value"),
    [("billStageId", 8710), ("billId", 1916), ("amendmentId", 0)],
    ids=["other-stage", "other-bill", "id-zero"],
)
def test_an_amendment_that_is_not_of_this_bill_and_stage_is_malformed(field, value):
    data = fixture_json("bill-1773-stage-8709-amendments-page-1.json")
    data["items"][1][field] = value
    with pytest.raises(MalformedResponse):
        parse_amendments(dumps(data), HERB, lords_committee())


def test_amendment_detail_adds_the_explanatory_statement_to_the_same_document():
    listed = by_number(amendments_page_1())["147"]
    body = load("bill-1773-stage-8709-amendment-1190455.json")
    detail = parse_amendment_detail(body, HERB, lords_committee(), HERB_TITLE)
    assert (detail.id, detail.url, detail.title) == (listed.id, listed.url, listed.title)
    assert detail.events == listed.events
    assert "Member\u2019s explanatory statement: This amendment would make" in detail.body
    assert "UCAS application data" in detail.body
    assert "<p>" not in detail.body


# --- public URLs only -------------------------------------------------------------------


def every_output() -> Iterator[Document | Event]:
    yield parse_bill(load("bill-1773.json"), load("bill-1773-publications.json"))
    yield parse_bill(load("bill-1786.json"))
    yield from parse_bill_stages(load("bill-1773-stages.json"), HERB)
    yield from parse_publications(load("bill-1773-publications.json"), HERB)
    for name in (
        "bill-1773-stage-8709-amendments-page-1.json",
        "bill-1773-stage-8709-amendments-page-2.json",
    ):
        for doc in parse_amendments(load(name), HERB, lords_committee(), HERB_TITLE).amendments:
            yield doc
            yield from doc.events


def test_no_output_links_to_the_api_host():
    urls = [item.url for item in every_output() if item.url]
    assert len(urls) > 30
    assert all(url.startswith("https://") for url in urls)
    assert not [url for url in urls if "bills-api" in url]


# --- bodies that are not what was asked for ---------------------------------------------

PARSERS: dict[str, Callable[[bytes], object]] = {
    "bill list": parse_bill_list,
    "bill": parse_bill,
    "stages": lambda body: parse_bill_stages(body, HERB),
    "stage page": lambda body: parse_stage_page(body, HERB),
    "publications": lambda body: parse_publications(body, HERB),
    "act": act_id_from_publications,
    "amendments": lambda body: parse_amendments(body, HERB, lords_committee()),
    "amendment detail": lambda body: parse_amendment_detail(body, HERB, lords_committee()),
}


@pytest.mark.parametrize("fault", ["challenge.html", "truncated.json", "wrong-shape.json"])
@pytest.mark.parametrize("parser", list(PARSERS))
def test_a_challenge_page_a_cut_off_body_or_another_shape_is_malformed(parser, fault):
    with pytest.raises(MalformedResponse):
        PARSERS[parser](load(fault))


@pytest.mark.parametrize(
    "body",
    [b"", b"null", b"[]", b'{"items": "none", "totalResults": 0}', b'{"items": []}'],
    ids=["empty", "null", "array", "items-text", "no-total"],
)
def test_a_search_body_that_is_not_a_bill_list_is_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_bill_list(body)
