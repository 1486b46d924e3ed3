"""The petitions parser against fixtures in the site's real JSON shapes (our own text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.petitions import (
    next_page_path,
    parse_petition,
    parse_petition_list,
    petition_path,
    petition_url,
    petitions_search_path,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "petitions"
NATIONALITY = "petition-700123-delete-nationality-data.json"
DEBATED = "petition-701555-debated.json"
ARCHIVED = "archived-petition-171928.json"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def with_attributes(name: str, **changes: Any) -> bytes:
    data = json.loads(load(name))
    data["data"]["attributes"].update(changes)
    return json.dumps(data).encode()


def listed(name: str) -> dict[str, Any]:
    return {doc.id: doc for doc in parse_petition_list(load(name)).documents}


def events(doc: Any) -> list[tuple[str, str, str]]:
    return [(e.kind, e.date, e.key) for e in doc.events]


# --- URLs ------------------------------------------------------------------------------


def test_search_path_asks_for_petitions_in_every_state():
    assert petitions_search_path("pupil data") == "/petitions.json?q=pupil+data&state=all"
    assert petitions_search_path("pupil data", page=3) == (
        "/petitions.json?q=pupil+data&state=all&page=3"
    )


def test_search_path_asks_for_the_largest_page_when_told_and_no_larger():
    assert petitions_search_path("pupil data", count=50) == (
        "/petitions.json?q=pupil+data&state=all&count=50"
    )
    with pytest.raises(ValueError, match="50"):
        petitions_search_path("pupil data", count=51)


def test_every_event_title_names_the_petition_so_it_reads_alone_on_a_timeline():
    doc = parse_petition(load(DEBATED))
    action = doc.title
    assert [e.title for e in doc.events] == [
        f"Petition opened: {action}",
        f"Government responded to the petition: {action}",
        f"Petition debated in Parliament: {action}",
    ]


def test_archived_search_names_the_earlier_parliament_when_given():
    assert petitions_search_path("nationality", archived=True, parliament=3) == (
        "/archived/petitions.json?q=nationality&state=all&parliament=3"
    )


def test_a_query_of_digits_is_refused_because_the_site_redirects_it_to_that_petition():
    with pytest.raises(ValueError, match="redirect"):
        petitions_search_path(" 171928 ")


def test_petition_paths_and_public_pages():
    assert petition_path(700123) == "/petitions/700123.json"
    assert petition_path(171928, archived=True) == "/archived/petitions/171928.json"
    assert petition_url(700123) == "https://petition.parliament.uk/petitions/700123"
    assert petition_url(171928, archived=True) == (
        "https://petition.parliament.uk/archived/petitions/171928"
    )


# --- list pages ------------------------------------------------------------------------


def test_list_page_gives_ids_their_json_paths_and_the_next_page_as_a_path():
    page = parse_petition_list(load("list-pupil-data-page-1.json"))

    assert page.ids == [700123, 701555]
    assert page.paths == ["/petitions/700123.json", "/petitions/701555.json"]
    assert page.count == 2
    assert page.next == "/petitions.json?count=2&page=2&q=pupil+data"
    assert next_page_path(page) == page.next


def test_last_page_has_no_next_link_and_ends_paging():
    page = parse_petition_list(load("list-pupil-data-page-2.json"))

    assert page.ids == [702010, 703300]
    assert page.next is None
    assert next_page_path(page) is None


def test_empty_list_ends_paging():
    page = parse_petition_list(load("list-empty.json"))

    assert (page.ids, page.paths, page.count, page.documents) == ([], [], 0, [])
    assert next_page_path(page) is None


def test_empty_page_ends_paging_even_if_it_links_a_next_one():
    data = json.loads(load("list-empty.json"))
    data["links"]["next"] = "https://petition.parliament.uk/petitions.json?page=9&q=x"

    assert next_page_path(parse_petition_list(json.dumps(data).encode())) is None


def test_a_page_naming_itself_as_next_does_not_loop():
    data = json.loads(load("list-pupil-data-page-1.json"))
    data["links"]["next"] = data["links"]["self"]

    assert parse_petition_list(json.dumps(data).encode()).next is None


def test_a_next_link_to_anything_but_a_petitions_list_is_malformed():
    data = json.loads(load("list-pupil-data-page-1.json"))
    data["links"]["next"] = "https://example.org/elsewhere.json?page=2"

    with pytest.raises(MalformedResponse, match=r"links\.next"):
        parse_petition_list(json.dumps(data).encode())


def test_the_list_already_holds_the_whole_petition():
    from_list = listed("list-pupil-data-page-1.json")

    assert from_list["petitions:700123"] == parse_petition(load(NATIONALITY))
    assert from_list["petitions:701555"] == parse_petition(load(DEBATED))


# --- one petition ----------------------------------------------------------------------


def test_petition_is_keyed_by_its_number_and_titled_by_its_action():
    doc = parse_petition(load(NATIONALITY))

    assert doc.id == "petitions:700123"
    assert doc.source == "petitions"
    assert doc.doc_type == "petition"
    assert doc.title == "Delete the nationality data collected from pupils in the school census"
    assert doc.url == "https://petition.parliament.uk/petitions/700123"


def test_summary_is_the_background_and_body_holds_every_text_part():
    doc = parse_petition(load(NATIONALITY))

    assert doc.summary.startswith("Between 2016 and 2018 schools in England recorded")
    assert doc.body.index("Delete the nationality data") < doc.body.index("Between 2016")
    assert "must never be used by the Home Office" in doc.body  # additional details
    assert "Government response (2025-03-06):" in doc.body
    assert "not shared for immigration enforcement" in doc.body  # response summary
    assert "data retention policy" in doc.body  # response details


def test_petition_is_dated_when_opened_and_when_the_government_responded():
    doc = parse_petition(load(NATIONALITY))

    assert events(doc) == [
        ("petition_opened", "2025-02-03T11:20:07.000Z", ""),
        ("petition_response", "2025-03-06", ""),
    ]
    assert doc.events[1].summary.startswith("The Department keeps historic school census data")


def test_petition_metadata_has_state_signatures_departments_topics_and_thresholds():
    meta = parse_petition(load(NATIONALITY)).metadata

    assert (meta["state"], meta["signature_count"]) == ("open", 12480)
    assert meta["departments"] == [
        {
            "acronym": "DfE",
            "name": "Department for Education",
            "url": "https://www.gov.uk/government/organisations/department-for-education",
        }
    ]
    assert meta["topics"] == ["education", "immigration"]
    assert meta["response_threshold_reached_at"] == "2025-02-11T18:02:45.000Z"
    assert meta["debate_threshold_reached_at"] is None
    assert meta["closing_date"] == "2025-08-03"
    assert meta["debate"] is None


def test_a_debated_petition_links_the_debate_to_its_hansard_transcript():
    doc = parse_petition(load(DEBATED))
    debate = next(e for e in doc.events if e.kind == "petition_debated")

    assert (debate.date, debate.key) == ("2025-06-16", "")
    assert debate.url.startswith("https://hansard.parliament.uk/Commons/2025-06-16/debates/")
    assert debate.summary.startswith("MPs debated access to National Pupil Database records")
    assert "Debate (2025-06-16):" in doc.body


def test_debate_links_are_kept_in_metadata():
    debate = parse_petition(load(DEBATED)).metadata["debate"]

    assert debate["debated_on"] == "2025-06-16"
    assert debate["video_url"].startswith("https://parliamentlive.tv/")
    assert debate["debate_pack_url"].startswith("https://commonslibrary.parliament.uk/")
    assert debate["public_engagement_url"] == ""


def test_the_scheduled_date_of_a_held_debate_is_not_a_second_debate():
    doc = parse_petition(load(DEBATED))

    assert [e.key for e in doc.events if e.kind == "petition_debated"] == [""]
    assert doc.metadata["scheduled_debate_date"] == "2025-06-16"


def test_a_transcript_that_is_not_hansard_leaves_the_event_on_the_petition_page():
    debate = json.loads(load(DEBATED))["data"]["attributes"]["debate"]
    debate["transcript_url"] = "https://www.youtube.com/watch?v=abc"
    doc = parse_petition(with_attributes(DEBATED, debate=debate))

    assert next(e for e in doc.events if e.kind == "petition_debated").url == ""


def test_a_debate_not_yet_held_is_an_upcoming_debate_with_its_own_key():
    doc = listed("list-pupil-data-page-2.json")["petitions:703300"]

    assert events(doc)[-1] == ("petition_debated", "2026-12-07", "scheduled")
    assert doc.events[-1].title == (
        "Debate scheduled on the petition: "
        "Require parents' consent before pupil data is shared with researchers"
    )


def test_once_the_debate_is_held_it_replaces_the_scheduled_one():
    data = json.loads(load("list-pupil-data-page-2.json"))
    item = {"links": {}, "data": data["data"][1]}
    item["data"]["attributes"]["debate"] = {"debated_on": "2026-12-07", "overview": "Debated."}
    doc = parse_petition(json.dumps(item).encode())

    assert [e.key for e in doc.events if e.kind == "petition_debated"] == [""]


def test_near_miss_census_petition_parses_without_school_words():
    doc = listed("list-pupil-data-page-2.json")["petitions:702010"]

    assert events(doc) == [("petition_opened", "2025-03-10T08:44:01.000Z", "")]
    assert "school" not in doc.body.lower()


def test_a_rejected_petition_says_why_and_has_no_opening():
    doc = parse_petition(
        with_attributes(
            NATIONALITY,
            state="rejected",
            opened_at=None,
            government_response=None,
            rejected_at="2025-01-28T10:00:00.000Z",
            rejection={"code": "duplicate", "details": "There's already a petition about this."},
        )
    )

    assert events(doc) == []
    assert "Rejected: There's already a petition about this." in doc.body
    assert doc.metadata["rejection"] == {"code": "duplicate"}


# --- archived petitions ----------------------------------------------------------------


def test_archived_petition_has_its_own_id_and_archive_address():
    doc = parse_petition(load(ARCHIVED))

    assert doc.id == "petitions:archived/171928"
    assert doc.url == "https://petition.parliament.uk/archived/petitions/171928"
    assert doc.metadata["archived"] is True
    assert events(doc) == [
        ("petition_opened", "2016-10-10T09:05:12.000Z", ""),
        ("petition_response", "2016-11-08", ""),
    ]


def test_archived_petition_names_its_parliament_and_thresholds():
    parliament = parse_petition(load(ARCHIVED)).metadata["parliament"]

    assert parliament == {
        "period": "2015-2017",
        "government": "Conservative",
        "dissolution_at": "2017-05-03T00:01:00.000+01:00",
        "response_threshold": 10000,
        "debate_threshold": 100000,
    }


def test_archived_list_points_at_archived_petition_pages():
    page = parse_petition_list(load("archived-list-nationality.json"))

    assert page.paths == ["/archived/petitions/171928.json"]
    assert page.next is None
    assert page.documents == [parse_petition(load(ARCHIVED))]


def test_archived_response_names_the_regulations_for_the_citation_pipeline():
    doc = parse_petition(load(ARCHIVED))

    assert (
        "Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
        in (doc.body)
    )


def test_ids_and_event_keys_are_stable_across_parses():
    assert parse_petition(load(DEBATED)) == parse_petition(load(DEBATED))


def test_every_url_is_a_public_petitions_or_parliament_address():
    docs = [
        *listed("list-pupil-data-page-1.json").values(),
        *listed("list-pupil-data-page-2.json").values(),
        parse_petition(load(ARCHIVED)),
    ]

    assert all(d.url.startswith("https://petition.parliament.uk/") for d in docs)
    assert all(
        e.url.startswith("https://hansard.parliament.uk/") for d in docs for e in d.events if e.url
    )


# --- malformed responses ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["challenge.html", "truncated.json", "wrong-shape.json"])
@pytest.mark.parametrize("parse", [parse_petition_list, parse_petition])
def test_anything_but_the_petition_json_is_malformed(parse, name):
    with pytest.raises(MalformedResponse):
        parse(load(name))


def test_a_list_is_not_a_petition():
    with pytest.raises(MalformedResponse):
        parse_petition(load("list-pupil-data-page-1.json"))


@pytest.mark.parametrize(
    "data",
    [
        {"type": "local-petition", "id": 1, "attributes": {"action": "x"}},
        {"type": "petition", "attributes": {"action": "x"}},
        {"type": "petition", "id": 1, "attributes": {"action": ""}},
        {"type": "petition", "id": 1, "attributes": {"action": "x", "opened_at": "last week"}},
    ],
    ids=["other-type", "no-id", "no-action", "date-not-iso"],
)
def test_a_petition_without_its_essentials_is_malformed(data):
    with pytest.raises(MalformedResponse):
        parse_petition(json.dumps({"links": {}, "data": data}).encode())


# --- every field of every fixture, with a value of the wrong type ---------------------
