"""Tests for the UK Parliament Statutory Instruments API v2 parsers, against fixtures in its
real JSON shapes (see timeline_spiders/parsers/FORMAT-si-api.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline_spiders.items import Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.si_api import (
    InstrumentRef,
    InstrumentSearchPage,
    annulment_deadline,
    business_item_kind,
    business_items_path,
    instrument_public_url,
    name_search_term,
    next_skip,
    parse_business_items,
    parse_instrument_search,
    search_path,
    step_kind,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "si_api"
PUBLIC_URL = "https://statutoryinstruments.parliament.uk/instrument/Xk2pT7aQ"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def instrument(name: str, index: int) -> InstrumentRef:
    return parse_instrument_search(fixture(name)).instruments[index]


def item_events(body: bytes, legislation_id: str) -> list[Event]:
    """The events of business items read for an instrument found as `legislation_id`."""
    ref = InstrumentRef("Xk2pT7aQ", "Some Regulations", legislation_id, "Made negative", None)
    return parse_business_items(body, ref).events


def events_2017_807() -> list[Event]:
    return item_events(fixture("business-items-uksi-2017-807.json"), "uksi/2017/807")


# --- search ------------------------------------------------------------------------------


def test_search_finds_the_instrument_and_derives_its_legislation_id_from_paper_fields():
    page = parse_instrument_search(fixture("search-alternative-provision-page-1.json"))

    first = page.instruments[0]
    assert first.api_id == "Xk2pT7aQ"
    assert first.legislation_id == "uksi/2017/807"
    assert first.name.startswith("Education (Information About Children in Alternative")
    assert first.procedure == "Made negative"


def test_search_dates_are_plain_iso_dates_without_the_midnight_time():
    first = instrument("search-alternative-provision-page-1.json", 0)

    assert first.laid_date == "2017-07-19"
    assert first.made_date == "2017-07-17"


def test_laid_date_is_the_earlier_of_the_two_houses():
    second = instrument("search-alternative-provision-page-1.json", 1)

    assert second.commons_laid_date == "2019-07-17"
    assert second.lords_laid_date == "2019-07-16"
    assert second.laid_date == "2019-07-16"


def test_search_page_reports_total_and_count_for_skip_take_paging():
    page = parse_instrument_search(fixture("search-alternative-provision-page-1.json"))

    assert (page.total, page.count, page.items_per_page) == (3, 2, 2)
    assert next_skip(page, 0) == 2


def test_last_page_has_no_next_skip():
    page = parse_instrument_search(fixture("search-alternative-provision-page-2.json"))

    assert page.count == 1
    assert next_skip(page, 2) is None


def test_empty_page_ends_paging_even_if_total_claims_more():
    page = InstrumentSearchPage(instruments=[], total=50, count=0, items_per_page=20)

    assert next_skip(page, 20) is None


def test_draft_without_a_number_has_no_legislation_id():
    draft = instrument("search-alternative-provision-page-2.json", 0)

    assert draft.procedure == "Draft affirmative"
    assert draft.legislation_id is None
    assert draft.made_date is None
    assert draft.laid_date == "2021-03-02"


def test_instrument_laid_before_the_api_began_gives_an_empty_search():
    page = parse_instrument_search(fixture("search-empty-pupil-information-2016.json"))

    assert page.instruments == []
    assert (page.total, page.count) == (0, 0)
    assert next_skip(page, 0) is None


def test_legislation_id_comes_from_a_legislation_link_when_the_record_has_one():
    body = b"""{"items": [{"value": {"id": "ht3Ga2ie", "name": "Some Order 2026",
        "link": "https://www.legislation.gov.uk/uksi/2026/896/made",
        "procedure": {"id": "5S6p4YsP", "name": "Made negative"}}}], "totalResults": 1}"""

    assert parse_instrument_search(body).instruments[0].legislation_id == "uksi/2026/896"


def test_legislation_id_falls_back_to_the_number_in_the_name():
    body = b"""{"items": [{"value": {"id": "ht3Ga2ie",
        "name": "The Example Regulations 2017 (S.I. 2017 No. 807)"}}], "totalResults": 1}"""

    assert parse_instrument_search(body).instruments[0].legislation_id == "uksi/2017/807"


def test_instrument_urls_use_the_api_id():
    ref = instrument("search-alternative-provision-page-1.json", 0)

    assert ref.public_url == "https://statutoryinstruments.parliament.uk/instrument/Xk2pT7aQ"
    assert ref.business_items_path == "/api/v2/StatutoryInstrument/Xk2pT7aQ/BusinessItems"
    assert business_items_path("Xk2pT7aQ") == ref.business_items_path
    assert instrument_public_url("Xk2pT7aQ") == ref.public_url


def test_search_path_names_the_instrument_and_pages_with_skip_and_take():
    assert search_path("Alternative Provision", skip=2, take=2) == (
        "/api/v2/StatutoryInstrument?Name=Alternative+Provision&Skip=2&Take=2"
    )


def test_names_are_searched_without_a_leading_the_which_parliament_leaves_out():
    title = "The School and Early Years Finance (England) Regulations 2018"
    assert name_search_term(title) == "School and Early Years Finance (England) Regulations 2018"
    assert (
        name_search_term("Theft Act 1968 (Amendment) Order") == "Theft Act 1968 (Amendment) Order"
    )


def test_business_items_become_one_document_that_names_and_so_cites_its_instrument():
    ref = instrument("search-alternative-provision-page-1.json", 0)
    document = parse_business_items(fixture("business-items-uksi-2017-807.json"), ref)

    assert document.id == "si_tracker:Xk2pT7aQ"
    assert document.url == "https://statutoryinstruments.parliament.uk/instrument/Xk2pT7aQ"
    assert "(S.I. 2017/807)" in document.body
    assert (
        document.summary
        == "Made negative procedure in Parliament. Objection period ends 31 October 2017."
    )
    assert document.metadata["legislation_id"] == "uksi/2017/807"
    assert len(document.events) == len(events_2017_807())


# --- business items --------------------------------------------------------------------


def test_each_dated_business_item_is_one_event_keyed_by_its_id():
    events = events_2017_807()

    assert [event.key for event in events] == [
        "BmA71kQe",
        "Cq8Rz2Lw",
        "Jt4Wn6Ds",
        "Kp5Ux9Fa",
        "Mv2Hy7Gb",
        "Nw3Jz8Hc",
    ]
    assert events[0].date == "2017-07-19"


def test_laying_in_each_house_is_an_si_laid_event():
    laid = [(e.date, e.title) for e in events_2017_807() if e.kind == "si_laid"]

    assert laid == [
        ("2017-07-19", "Laid before the House of Commons"),
        ("2017-07-19", "Laid before the House of Lords"),
    ]


def test_committee_consideration_and_reports_are_si_committee_events():
    committee = [e for e in events_2017_807() if e.kind == "si_committee"]

    assert [e.key for e in committee] == ["Jt4Wn6Ds", "Kp5Ux9Fa"]


def test_title_joins_all_steps_of_an_item_and_names_the_houses():
    jcsi = next(e for e in events_2017_807() if e.key == "Kp5Ux9Fa")

    assert jcsi.title == (
        "Considered by the Joint Committee on Statutory Instruments (JCSI); "
        "Instrument not reported by the Joint Committee on Statutory Instruments (JCSI) "
        "(House of Commons, House of Lords)"
    )


def test_title_does_not_repeat_a_house_the_step_already_names():
    concluded = next(e for e in events_2017_807() if e.kind == "si_procedure_concluded")

    assert concluded.title == "Procedure concluded in the House of Commons and the House of Lords"


def test_event_url_is_the_items_own_link_when_it_is_a_web_address():
    slsc = next(e for e in events_2017_807() if e.key == "Jt4Wn6Ds")

    assert slsc.url == "https://publications.parliament.uk/pa/ld201719/ldselect/ldsecleg/3/303.htm"


def test_event_url_falls_back_to_the_public_page_when_the_link_is_empty_or_not_http():
    events = events_2017_807()
    regret = item_events(fixture("business-items-regret-motion.json"), "uksi/2019/1141")

    assert next(e for e in events if e.key == "Kp5Ux9Fa").url == PUBLIC_URL
    assert next(e for e in events if e.key == "BmA71kQe").url == PUBLIC_URL
    assert regret[0].url == PUBLIC_URL


def test_regret_motion_debate_and_withdrawal_have_their_own_kinds():
    events = item_events(fixture("business-items-regret-motion.json"), "uksi/2019/1141")

    assert [(e.kind, e.title) for e in events] == [
        (
            "si_motion",
            "Non-fatal motion (prayer) to object to the instrument tabled (House of Lords)",
        ),
        ("si_debate", "Grand Committee debate (House of Lords)"),
        (
            "si_motion",
            "Question on a non-fatal motion (prayer) to object to the instrument put; "
            "Non-fatal motion (prayer) to object to the instrument withdrawn (House of Lords)",
        ),
    ]


def test_business_items_without_a_date_are_skipped():
    events = item_events(fixture("business-items-regret-motion.json"), "uksi/2019/1141")

    assert "Sd9Of4Pg" not in [e.key for e in events]


def test_events_are_ordered_by_date_then_sequence_whatever_the_response_order():
    body = b"""[
      {"id": "b", "steps": ["Chamber debate"], "itemDate": "2019-10-08T00:00:00",
       "sequence": 5, "houses": ["Lords"]},
      {"id": "a", "steps": ["Laid before the House of Lords"],
       "itemDate": "2019-07-16T00:00:00", "sequence": 1, "houses": ["Lords"]},
      {"id": "c", "steps": ["Procedure concluded in the House of Lords"],
       "itemDate": "2019-10-08T00:00:00", "sequence": 6, "houses": ["Lords"]}
    ]"""

    events = item_events(body, "uksi/2019/1141")

    assert [e.key for e in events] == ["a", "b", "c"]


def test_business_items_in_a_collection_envelope_are_accepted():
    body = b"""{"items": [{"value": {"id": "x1", "steps": ["Laid before the House of Commons"],
        "itemDate": "2017-07-19T00:00:00", "houses": ["Commons"]}, "links": []}],
        "totalResults": 1}"""

    events = item_events(body, "uksi/2017/807")

    assert [(e.kind, e.key, e.date) for e in events] == [("si_laid", "x1", "2017-07-19")]


def test_dates_with_an_offset_keep_their_local_calendar_day():
    body = b"""[{"id": "x1", "steps": ["Laid before the House of Commons"],
        "itemDate": "2017-07-19T00:00:00+01:00", "houses": ["Commons"]}]"""

    assert item_events(body, "uksi/2017/807")[0].date == "2017-07-19"


# --- kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "kind"),
    [
        ("Laid before the House of Commons", "si_laid"),
        ("Considered by the Joint Committee on Statutory Instruments (JCSI)", "si_committee"),
        ("Concerns raised by the Secondary Legislation Scrutiny Committee (SLSC)", "si_committee"),
        (
            "Instrument reported by the Select Committee on Statutory Instruments (SCSI)",
            "si_committee",
        ),
        ("Motion (prayer) to stop the instrument being law tabled", "si_motion"),
        ("Motion (prayer) to stop the instrument being law approved", "si_motion"),
        ("Motion to refer to a Delegated Legislation Committee (DLC)", "si_motion"),
        ("Motion to approve the instrument tabled by the Government", "si_motion"),
        ("Motion to approve the instrument approved", "si_approved"),
        ("Approved by the House of Lords", "si_approved"),
        ("Delegated Legislation Committee (DLC) debate", "si_debate"),
        ("Chamber debate", "si_debate"),
        ("Objection period ends", "si_scrutiny_period_end"),
        ("Procedure concluded in the House of Lords", "si_procedure_concluded"),
        ("Instrument stops being law", "si_stage"),
        (
            "Certified as England only under the English votes for English laws (EVEL) process",
            "si_stage",
        ),
    ],
)
def test_step_names_map_to_timeline_kinds(step, kind):
    assert step_kind(step) == kind


def test_an_item_with_several_steps_takes_the_most_significant_kind():
    assert business_item_kind(["Objection period ends", "Laid before the House of Lords"]) == (
        "si_laid"
    )
    assert business_item_kind([]) == "si_stage"


# --- annulment deadline ----------------------------------------------------------------


def test_annulment_deadline_is_the_recorded_end_of_the_objection_period():
    assert annulment_deadline("Made negative", events_2017_807()) == "2017-10-31"


def test_annulment_deadline_is_unknown_until_parliament_records_the_period_end():
    before_end = [e for e in events_2017_807() if e.kind != "si_scrutiny_period_end"]

    assert annulment_deadline("Made negative", before_end) is None


def test_affirmative_instruments_have_no_annulment_deadline():
    assert annulment_deadline("Draft affirmative", events_2017_807()) is None


# --- malformed responses -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["challenge.html", "truncated.json", "wrong-shape.json"])
def test_search_rejects_anything_but_the_search_envelope(name):
    with pytest.raises(MalformedResponse):
        parse_instrument_search(fixture(name))


@pytest.mark.parametrize("name", ["challenge.html", "truncated.json", "wrong-shape.json"])
def test_business_items_reject_anything_but_a_list_of_items(name):
    with pytest.raises(MalformedResponse):
        item_events(fixture(name), "uksi/2017/807")


def test_challenge_page_error_says_it_was_html():
    with pytest.raises(MalformedResponse, match="HTML"):
        parse_instrument_search(fixture("challenge.html"))


def test_empty_body_is_malformed():
    with pytest.raises(MalformedResponse, match="empty"):
        item_events(b"  \n", "uksi/2017/807")


def test_search_item_without_an_id_is_malformed():
    with pytest.raises(MalformedResponse, match=r"value\.id: missing"):
        parse_instrument_search(b'{"items": [{"value": {"name": "x"}}], "totalResults": 1}')


def test_business_item_that_is_not_an_object_is_malformed():
    with pytest.raises(MalformedResponse):
        item_events(b'["Laid before the House of Commons"]', "uksi/2017/807")


def test_steps_sent_as_one_string_are_malformed_not_read_letter_by_letter():
    items = json.loads(fixture("business-items-uksi-2017-807.json"))
    items[0]["steps"] = "Laid before the House of Commons"
    with pytest.raises(MalformedResponse, match=r"steps: expected a list"):
        item_events(json.dumps(items).encode(), "uksi/2017/807")


def test_an_instrument_made_in_december_and_laid_in_january_is_known_by_its_made_year():
    page = json.loads(fixture("search-alternative-provision-page-1.json"))
    value = page["items"][0]["value"]
    value.update(paperYear="2018", paperMadeDate="2017-12-20T00:00:00")
    ref = parse_instrument_search(json.dumps(page).encode()).instruments[0]
    assert ref.legislation_id == "uksi/2017/807"  # numbered in the year it was made
    assert ref.is_instrument("uksi/2017/807") and ref.is_instrument("uksi/2018/807")


def test_a_search_the_api_answers_with_null_items_finds_nothing_rather_than_failing():
    page = parse_instrument_search(b'{"items": null, "totalResults": 0}')
    assert (page.instruments, page.count) == ([], 0)


def test_a_business_item_without_an_id_is_keyed_by_its_date_and_sequence():
    items = json.loads(fixture("business-items-uksi-2017-807.json"))
    items[0]["id"] = None
    events = item_events(json.dumps(items).encode(), "uksi/2017/807")
    assert events[0].key == "2017-07-19-1"
