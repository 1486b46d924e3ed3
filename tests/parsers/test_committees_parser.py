"""The Committees API parser against fixtures in the real API shapes (our own text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.committees import (
    COMMITTEES,
    PublicationPage,
    next_skip,
    parse_publication,
    parse_publications_page,
    parse_written_evidence,
    parse_written_evidence_page,
    publication_kind,
    publications_path,
    written_evidence_path,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "committees"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def publications(name: str) -> dict[str, Any]:
    return {d.id: d for d in parse_publications_page(load(name)).documents}


def evidence() -> dict[str, Any]:
    return {
        d.id: d
        for d in parse_written_evidence_page(load("written-evidence-pupil-data.json")).documents
    }


def slsc_808():
    return publications("publications-slsc-page-1.json")["committees:publication/7301"]


# --- committees and URLs ---------------------------------------------------------------


def test_the_followed_committees_have_their_api_ids():
    assert {key: c.id for key, c in COMMITTEES.items()} == {
        "slsc": 255,
        "jcsi": 148,
        "education": 203,
        "jchr": 93,
    }


def test_publications_path_filters_by_committee_term_dates_and_types_and_pages():
    path = publications_path(
        committee_id=255,
        search_term="pupil  nationality",
        start_date="2016-10-01",
        end_date="2016-10-31",
        publication_type_ids=[1, 12],
        skip=30,
    )

    assert path == (
        "/api/Publications?CommitteeId=255&SearchTerm=pupil+nationality"
        "&PublicationTypeIds=1&PublicationTypeIds=12&StartDate=2016-10-01&EndDate=2016-10-31"
        "&Skip=30&Take=30"
    )


def test_publications_path_by_inquiry_uses_the_committee_business_id():
    assert publications_path(business_id=4410, take=10) == (
        "/api/Publications?CommitteeBusinessId=4410&Skip=0&Take=10"
    )


def test_written_evidence_path_searches_witnesses_of_one_committee():
    assert written_evidence_path(committee_id=203, search_term="Against Borders") == (
        "/api/WrittenEvidence?CommitteeId=203&SearchTerm=Against+Borders&Skip=0&Take=30"
    )


def test_a_search_term_shorter_than_two_characters_is_refused_before_asking():
    with pytest.raises(ValueError, match="2 characters"):
        publications_path(search_term=" x ")


# --- publications ----------------------------------------------------------------------


def test_slsc_report_is_keyed_by_publication_id_and_links_to_its_document():
    doc = slsc_808()

    assert doc.id == "committees:publication/7301"
    assert doc.source == "committees"
    assert doc.doc_type == "committee_publication"
    assert doc.title.startswith("9th Report of Session 2016-17: The Education (Pupil Information)")
    assert doc.url == "https://committees.parliament.uk/publications/7301/documents/70110/default/"


def test_slsc_report_is_a_committee_report_dated_when_published():
    doc = slsc_808()

    assert [(e.kind, e.date, e.key) for e in doc.events] == [("committee_report", "2016-10-13", "")]
    assert doc.events[0].title == "Report by the Secondary Legislation Scrutiny Committee"


def test_event_titles_say_how_a_letter_or_a_response_stands_to_the_committee():
    letter = parse_publications_page(load("publications-slsc-page-2.json")).documents[0]
    response = parse_publication(load("publication-7455.json"))

    assert (
        letter.events[0].title == "Correspondence with the Secondary Legislation Scrutiny Committee"
    )
    assert response.events[0].title == "Government Response to the Education Committee"


def test_report_text_names_the_instrument_so_the_citation_pipeline_can_find_it():
    doc = slsc_808()

    assert "(SI 2016/808)" in doc.summary
    assert "(SI 2016/808)" in doc.body
    assert "drawn to the special attention of the House" in doc.body
    assert "Secondary Legislation Scrutiny Committee" in doc.body
    assert "Paper: HL Paper 54 (2016-17)" in doc.body


def test_publication_metadata_names_committee_type_business_paper_and_documents():
    meta = slsc_808().metadata

    assert meta["committee"] == {
        "id": 255,
        "name": "Secondary Legislation Scrutiny Committee",
        "house": "Lords",
    }
    assert meta["publication_type"] == {"id": 1, "name": "Report"}
    assert meta["business_id"] == 4301
    assert meta["business_title"] == "Scrutiny of secondary legislation, Session 2016-17"
    assert (meta["hl_paper"], meta["hc_number"], meta["session"]) == (
        "HL Paper 54 (2016-17)",
        "",
        "2016-17",
    )
    assert meta["documents"] == [
        {
            "document_id": 70110,
            "title": "SLSC 9th Report of Session 2016-17",
            "url": "https://committees.parliament.uk/publications/7301/documents/70110/default/",
            "formats": ["Pdf"],
        }
    ]


def test_near_miss_report_on_a_fisheries_order_parses_without_pupil_words():
    doc = publications("publications-slsc-page-1.json")["committees:publication/7302"]

    assert doc.events[0].kind == "committee_report"
    assert "Sea Fisheries" in doc.title
    assert "pupil" not in doc.body.lower()


def test_minister_letter_is_committee_correspondence():
    doc = publications("publications-slsc-page-2.json")["committees:publication/7315"]

    assert [(e.kind, e.date) for e in doc.events] == [("committee_correspondence", "2016-11-08")]
    assert "SI 2016/808" in doc.body


def test_jchr_letter_about_census_nationality_data_is_correspondence_of_that_committee():
    doc = publications("publications-pupil-nationality.json")["committees:publication/7402"]

    assert doc.events[0].kind == "committee_correspondence"
    assert doc.metadata["committee"]["id"] == 93
    assert "nationality and country of birth" in doc.body
    assert "Home Office" in doc.body


def test_government_response_names_the_department_and_the_report_it_answers():
    doc = publications("publications-pupil-nationality.json")["committees:publication/7455"]

    assert [(e.kind, e.date) for e in doc.events] == [("government_response", "2017-04-18")]
    assert doc.metadata["responding_department"] == "Department for Education"
    assert doc.metadata["response_to_publication_id"] == 7440
    assert doc.metadata["hc_number"] == "HC 1093 (2016-17)"
    assert "Responding department: Department for Education" in doc.body


def test_report_records_its_government_response_and_the_deadline():
    meta = publications("publications-pupil-nationality.json")[
        "committees:publication/7440"
    ].metadata

    assert meta["government_response_ids"] == [7455]
    assert meta["government_response_deadline"] == "2017-04-14"
    assert meta["business_title"] == "Pupil data and the school census"
    assert [d["title"] for d in meta["documents"]] == [
        "Pupil data and the school census",
        "Pupil data and the school census",
    ]


def test_publication_without_a_date_is_left_out_and_reported():
    page = parse_publications_page(load("publications-pupil-nationality.json"))

    assert page.undated == [7460]
    assert page.count == 4  # the undated item still counts for the next Skip
    assert len(page.documents) == 3


def test_publication_detail_is_the_same_record_without_the_envelope():
    detail = parse_publication(load("publication-7455.json"))
    listed = publications("publications-pupil-nationality.json")["committees:publication/7455"]

    assert detail == listed


def _one_publication(**changes: Any) -> bytes:
    item = json.loads(load("publication-7455.json"))
    item.update(changes)
    return json.dumps({"items": [item], "totalResults": 1, "itemsPerPage": 30}).encode()


def test_without_documents_the_url_is_the_additional_content_link():
    body = _one_publication(
        documents=[],
        additionalContentUrl=(
            "https://publications.parliament.uk/pa/cm201617/cmselect/cmeduc/1093/109302.htm"
        ),
    )
    doc = parse_publications_page(body).documents[0]

    assert doc.url.startswith("https://publications.parliament.uk/pa/cm201617/")
    assert doc.metadata["url_kind"] == "additional_content"


def test_without_documents_or_links_the_url_is_the_html_rendition_marked_as_a_guess():
    doc = parse_publications_page(_one_publication(documents=None)).documents[0]

    assert doc.url == "https://committees.parliament.uk/publications/7455/html/"
    assert doc.metadata["url_kind"] == "html_guess"


@pytest.mark.parametrize(
    ("type_name", "kind"),
    [
        ("Report", "committee_report"),
        ("Special Report", "committee_report"),
        ("Government Response", "government_response"),
        ("Government Response to Committee Report", "government_response"),
        ("Correspondence", "committee_correspondence"),
        ("Oral Evidence", "committee_evidence"),
        ("Formal Minutes", "committee_publication"),
        ("", "committee_publication"),
    ],
)
def test_publication_type_names_map_to_timeline_kinds(type_name, kind):
    assert publication_kind(type_name) == kind


# --- paging ----------------------------------------------------------------------------


def test_first_page_reports_total_and_count_for_skip_take_paging():
    page = parse_publications_page(load("publications-slsc-page-1.json"))

    assert (page.total, page.count, page.items_per_page) == (3, 2, 2)
    assert next_skip(page, 0) == 2


def test_second_page_completes_the_total_and_ends_paging():
    first = publications("publications-slsc-page-1.json")
    page = parse_publications_page(load("publications-slsc-page-2.json"))

    assert page.count == 1
    assert next_skip(page, 2) is None
    assert not set(first) & {d.id for d in page.documents}


def test_empty_page_ends_paging():
    page = parse_publications_page(load("publications-empty.json"))

    assert (page.documents, page.total, page.count) == ([], 0, 0)
    assert next_skip(page, 0) is None


def test_empty_page_ends_paging_even_if_the_total_claims_more():
    assert next_skip(PublicationPage(documents=[], total=90, count=0), 30) is None


# --- written evidence ------------------------------------------------------------------


def test_written_evidence_from_against_borders_for_children():
    doc = evidence()["committees:written-evidence/48211"]

    assert doc.source == "committees"
    assert doc.doc_type == "committee_evidence"
    assert doc.title == "Written evidence from Against Borders for Children (PDS0012)"
    assert [(e.kind, e.date) for e in doc.events] == [("committee_evidence", "2017-01-10")]
    assert doc.url == "https://committees.parliament.uk/writtenevidence/48211/html/"


def test_written_evidence_names_witnesses_committee_and_inquiry():
    doc = evidence()["committees:written-evidence/48211"]

    assert doc.metadata["witnesses"] == ["Against Borders for Children"]
    assert doc.metadata["committee"]["id"] == 203
    assert doc.metadata["business_title"] == "Pupil data and the school census"
    assert doc.metadata["reference"] == "PDS0012"
    assert "Against Borders for Children" in doc.body
    assert "Education Committee" in doc.body
    assert "Home Office" in doc.body


def test_a_witness_for_an_organisation_is_named_with_role_and_organisation():
    doc = evidence()["committees:written-evidence/48219"]

    assert doc.metadata["witnesses"] == ["Jo Marsh (Chair, Eastbridge Parents' Forum)"]
    assert doc.url == "https://committees.parliament.uk/writtenevidence/48219/pdf/"


def test_anonymous_evidence_uses_the_published_wording_not_the_witness_list():
    doc = evidence()["committees:written-evidence/48230"]

    assert doc.metadata["anonymous"] is True
    assert doc.metadata["witnesses"] == ["Name withheld (a headteacher)"]


def test_written_evidence_page_pages_like_publications():
    page = parse_written_evidence_page(load("written-evidence-pupil-data.json"))
    empty = parse_written_evidence_page(load("written-evidence-empty.json"))

    assert (page.total, page.count) == (3, 3)
    assert next_skip(page, 0) is None
    assert next_skip(empty, 0) is None


def test_written_evidence_detail_is_the_bare_record():
    item = json.loads(load("written-evidence-pupil-data.json"))["items"][0]

    assert parse_written_evidence(json.dumps(item).encode()).id == (
        "committees:written-evidence/48211"
    )


# --- identity and public URLs ----------------------------------------------------------


def test_ids_and_event_keys_are_stable_across_parses():
    first = parse_publications_page(load("publications-pupil-nationality.json")).documents
    again = parse_publications_page(load("publications-pupil-nationality.json")).documents

    assert [(d.id, [(e.kind, e.key) for e in d.events]) for d in first] == [
        (d.id, [(e.kind, e.key) for e in d.events]) for d in again
    ]
    assert first == again


def test_every_url_is_a_public_committees_website_address():
    docs = [
        *publications("publications-slsc-page-1.json").values(),
        *publications("publications-pupil-nationality.json").values(),
        *evidence().values(),
    ]
    urls = [d.url for d in docs] + [
        item["url"] for d in docs for item in d.metadata.get("documents", [])
    ]

    assert all(url.startswith("https://committees.parliament.uk/") for url in urls)
    assert not any("committees-api" in url for url in urls)


# --- malformed responses ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["challenge.html", "truncated.json", "wrong-shape.json"])
@pytest.mark.parametrize("parse", [parse_publications_page, parse_written_evidence_page])
def test_anything_but_the_collection_envelope_is_malformed(parse, name):
    with pytest.raises(MalformedResponse):
        parse(load(name))


def test_challenge_page_error_says_it_was_html():
    with pytest.raises(MalformedResponse, match="HTML"):
        parse_publications_page(load("challenge.html"))


def test_problem_details_error_body_is_malformed_naming_the_missing_items():
    with pytest.raises(MalformedResponse, match="items"):
        parse_publications_page(load("wrong-shape.json"))


@pytest.mark.parametrize(
    "body",
    [
        b'{"items": [{"description": "x"}], "totalResults": 1}',
        b'{"items": [{"id": "7301", "publicationStartDate": "2016-10-13"}], "totalResults": 1}',
        b'{"items": [{"id": 1, "publicationStartDate": "13 October 2016"}], "totalResults": 1}',
        b'{"items": [], "totalResults": "0"}',
        b'{"items": [7301], "totalResults": 1}',
    ],
    ids=["no-id", "id-as-text", "date-not-iso", "total-as-text", "item-not-object"],
)
def test_items_of_the_wrong_shape_are_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_publications_page(body)


# --- every field of every fixture, with a value of the wrong type ---------------------
