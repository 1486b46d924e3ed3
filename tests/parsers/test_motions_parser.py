"""The early day motions parser against fixtures in the real API shapes (our own text)."""

from __future__ import annotations

import copy
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.motions import (
    MotionPage,
    motion_path,
    motion_url,
    motions_list_path,
    next_skip,
    parse_motion,
    parse_motion_list,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "motions"
NATIONALITY = "motion-50123-school-census-nationality.json"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def event_ids(doc: Any) -> list[str]:
    """Stored event ids, as items.Event documents them: `<document id>:<kind>[:<key>]`."""
    return [":".join(p for p in (doc.id, e.kind, e.key) if p) for e in doc.events]


def with_changes(name: str, **changes: Any) -> bytes:
    data = json.loads(load(name))
    data["Response"].update(changes)
    return json.dumps(data).encode()


# --- URLs ------------------------------------------------------------------------------


def test_list_path_searches_titles_from_a_date_with_the_parameters_prefix():
    assert motions_list_path("pupil nationality", tabled_start_date="2016-09-01", skip=100) == (
        "/EarlyDayMotions/list?parameters.searchTerm=pupil+nationality"
        "&parameters.tabledStartDate=2016-09-01&parameters.skip=100&parameters.take=100"
    )


def test_list_path_asks_for_prayers_or_for_listed_motions():
    assert motions_list_path(is_prayer=True, tabled_start_date="2016-01-01") == (
        "/EarlyDayMotions/list?parameters.isPrayer=true&parameters.tabledStartDate=2016-01-01"
        "&parameters.skip=0&parameters.take=100"
    )
    assert motions_list_path(edm_ids=[50123, 51077]) == (
        "/EarlyDayMotions/list?parameters.edmIds=50123&parameters.edmIds=51077"
        "&parameters.skip=0&parameters.take=100"
    )


def test_list_path_refuses_a_page_larger_than_the_api_allows():
    with pytest.raises(ValueError, match="100"):
        motions_list_path("census", take=101)


def test_detail_path_and_public_page_use_the_motion_id():
    assert motion_path(50123) == "/EarlyDayMotion/50123"
    assert motion_url(50123) == "https://edm.parliament.uk/early-day-motion/50123"


# --- list pages ------------------------------------------------------------------------


def test_list_page_gives_ids_to_fetch_and_the_total_from_paging_info():
    page = parse_motion_list(load("list-census-page-1.json"))

    assert page.ids == [50123, 51077]
    assert (page.count, page.total) == (2, 3)
    assert next_skip(page, 0) == 2


def test_list_entries_carry_title_date_and_signature_count_to_decide_what_to_refetch():
    first = parse_motion_list(load("list-census-page-1.json")).motions[0]

    assert first.title == "School census and pupil nationality data"
    assert (first.uin, first.date_tabled, first.signature_count, first.status) == (
        "512",
        "2016-10-19",
        9,
        "Published",
    )


def test_a_listed_prayer_names_the_instrument_it_prays_against():
    page = parse_motion_list(load("list-prayers.json"))

    assert [(m.id, m.instrument) for m in page.motions] == [
        (50244, "uksi/2016/1155"),
        (50201, "uksi/2016/808"),
    ]
    census = parse_motion_list(load("list-census-page-1.json")).motions
    assert [m.instrument for m in census] == ["", ""]


def test_second_list_page_completes_the_total_and_ends_paging():
    page = parse_motion_list(load("list-census-page-2.json"))

    assert page.ids == [57702]
    assert next_skip(page, 2) is None


def test_empty_list_ends_paging():
    page = parse_motion_list(load("list-empty.json"))

    assert (page.ids, page.count, page.total) == ([], 0, 0)
    assert next_skip(page, 0) is None


def test_empty_page_ends_paging_even_if_the_total_claims_more():
    assert next_skip(MotionPage(ids=[], count=0, total=500, motions=[]), 100) is None


def test_list_entries_lack_sponsor_names_and_amendments_so_the_detail_is_fetched():
    listed = json.loads(load("list-census-page-1.json"))["Response"][0]
    detail = json.loads(load(NATIONALITY))["Response"]

    assert "Sponsors" not in listed and "Amendments" not in listed
    assert detail["Sponsors"] and detail["Amendments"]


# --- one motion ------------------------------------------------------------------------


def test_motion_is_keyed_by_its_id_and_links_to_the_public_page():
    doc = parse_motion(load(NATIONALITY))

    assert doc.id == "motions:edm/50123"
    assert doc.source == "motions"
    assert doc.doc_type == "early_day_motion"
    assert doc.title == "School census and pupil nationality data"
    assert doc.url == "https://edm.parliament.uk/early-day-motion/50123"


def test_motion_is_dated_when_tabled_with_sponsor_and_signatures_in_the_summary():
    doc = parse_motion(load(NATIONALITY))

    assert [(e.kind, e.date, e.key) for e in doc.events] == [("edm_tabled", "2016-10-19", "")]
    assert doc.events[0].summary == "Primary sponsor: Dana Whitcombe (Labour). 9 signatures."


def test_summary_is_the_motion_text_and_body_adds_amendments_and_who_signed():
    doc = parse_motion(load(NATIONALITY))

    assert doc.summary.startswith("That this House notes that the Education (Pupil Information)")
    assert "stop the collection of nationality and country of birth data" in doc.body
    assert "Amendment 512A1: Line 9, at end add" in doc.body
    assert "Sponsors: Dana Whitcombe, Priya Anand, Callum Reid, Hannah Ellery" in doc.body
    assert "Also signed by: Ngozi Okafor, Sean Brennan" in doc.body
    assert "Signatures withdrawn: Imran Malik" in doc.body


def test_motion_metadata_counts_every_signature_and_names_the_primary_sponsor():
    meta = parse_motion(load(NATIONALITY)).metadata

    assert meta["uin"] == "512"
    assert meta["status"] == "Published"
    assert meta["primary_sponsor"] == {
        "member_id": 9201,
        "name": "Dana Whitcombe",
        "party": "Labour",
        "constituency": "Eastbridge",
    }
    assert meta["signature_count"] == 9  # withdrawn ones included, as the public page counts
    assert (meta["live_signatures"], meta["withdrawn_signatures"]) == (8, 1)
    assert meta["sponsors_count"] == 0  # the detail's own SponsorsCount, kept as sent
    assert meta["amendments"] == [{"id": 50145, "uin": "512A1"}]


def test_a_new_signature_changes_the_content_but_not_the_event_id():
    before = parse_motion(load(NATIONALITY))
    data = json.loads(load(NATIONALITY))
    extra = copy.deepcopy(data["Response"]["Sponsors"][-2])
    extra.update(Id=760, MemberId=9400, CreatedWhen="2016-11-20T10:00:00")
    extra["Member"].update(MnisId=9400, Name="Rhiannon Lake")
    data["Response"]["Sponsors"].append(extra)
    after = parse_motion(json.dumps(data).encode())

    assert after.metadata["signature_count"] == 10
    assert asdict(after) != asdict(before)  # storage hashes this content: a new version
    assert "Rhiannon Lake" in after.body
    assert event_ids(after) == event_ids(before) == ["motions:edm/50123:edm_tabled"]


def test_without_a_sponsor_list_the_count_comes_from_sponsors_count():
    doc = parse_motion(with_changes(NATIONALITY, Sponsors=None, SponsorsCount=41))

    assert doc.metadata["signature_count"] == 41
    assert doc.events[0].summary.endswith("41 signatures.")


def test_prayer_against_the_instrument_cites_it_for_the_citation_pipeline():
    doc = parse_motion(load("motion-50201-prayer-pupil-information.json"))

    assert "(S.I. 2016/808)" in doc.body
    assert doc.metadata["prayer"]["si_api_id"] == 18808
    assert doc.metadata["prayer"]["number"] == "808"


def test_alternative_provision_census_motion_keeps_the_reasons_for_placement():
    doc = parse_motion(load("motion-51077-alternative-provision-census.json"))

    assert doc.events[0].date == "2017-11-15"
    assert "pregnancy" in doc.body and "mental health" in doc.body
    assert doc.metadata["primary_sponsor"]["name"] == "Priya Anand"


def test_near_miss_population_census_motion_parses_without_school_words():
    doc = parse_motion(load("motion-57702-population-census-2021.json"))

    assert doc.events[0].date == "2021-02-24"
    assert "2021 population census" in doc.body
    assert "school" not in doc.body.lower()


@pytest.mark.parametrize("status", [1, "Withdrawn"])
def test_a_withdrawn_motion_says_so_whether_status_is_a_number_or_a_name(status):
    doc = parse_motion(with_changes(NATIONALITY, Status=status))

    assert doc.metadata["status"] == "Withdrawn"
    assert "This motion has been withdrawn." in doc.body


def test_a_date_with_an_offset_is_kept_whole_for_the_date_pipeline():
    doc = parse_motion(with_changes(NATIONALITY, DateTabled="2016-10-19T23:30:00Z"))

    assert doc.events[0].date == "2016-10-19T23:30:00Z"


def test_ids_and_event_keys_are_stable_across_parses():
    assert parse_motion(load(NATIONALITY)) == parse_motion(load(NATIONALITY))


# --- malformed responses ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["challenge.html", "truncated.json", "wrong-shape.json"])
@pytest.mark.parametrize("parse", [parse_motion_list, parse_motion])
def test_anything_but_an_api_response_envelope_is_malformed(parse, name):
    with pytest.raises(MalformedResponse):
        parse(load(name))


def test_a_failure_envelope_is_malformed_with_the_apis_reason():
    with pytest.raises(MalformedResponse, match="No Early Day Motion was found"):
        parse_motion(load("not-found.json"))


def test_a_list_body_is_not_a_motion_and_a_motion_is_not_a_list():
    with pytest.raises(MalformedResponse):
        parse_motion(load("list-census-page-1.json"))
    with pytest.raises(MalformedResponse):
        parse_motion_list(load(NATIONALITY))


@pytest.mark.parametrize(
    "changes",
    [{"Title": ""}, {"DateTabled": None}, {"DateTabled": "19/10/2016"}, {"Id": "50123"}],
    ids=["no-title", "no-date", "date-not-iso", "id-as-text"],
)
def test_a_motion_without_its_essentials_is_malformed(changes):
    with pytest.raises(MalformedResponse):
        parse_motion(with_changes(NATIONALITY, **changes))


# --- every field of every fixture, with a value of the wrong type ---------------------


def test_the_event_names_the_motion_or_for_a_prayer_the_instrument():
    motion = parse_motion(load(NATIONALITY))
    prayer = parse_motion(load("motion-50201-prayer-pupil-information.json"))

    assert motion.events[0].title == (
        "Early day motion tabled: School census and pupil nationality data"
    )
    assert prayer.events[0].title == (
        "Early day motion tabled: prayer against The Education (Pupil Information) (England) "
        "(Miscellaneous Amendments) Regulations 2016 (S.I. 2016/808)"
    )
