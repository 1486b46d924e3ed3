"""The written questions and statements parser against fixtures in the real API shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.questions import (
    parse_question,
    parse_question_list,
    parse_statement,
    parse_statement_list,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "questions"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- list pages -------------------------------------------------------------------------


def test_question_list_page_gives_ids_to_fetch_and_a_total_beyond_the_page():
    page = parse_question_list(load("list_page1.json"))
    assert page.ids == [610871, 802114, 1280019]
    assert page.count == 3
    assert page.total == 5


def test_second_question_list_page_completes_the_total():
    first = parse_question_list(load("list_page1.json"))
    second = parse_question_list(load("list_page2.json"))
    assert second.count == 2
    assert first.count + second.count == second.total
    assert not set(first.ids) & set(second.ids)


def test_empty_question_list_page_ends_paging():
    page = parse_question_list(load("list_empty.json"))
    assert (page.ids, page.count, page.total) == ([], 0, 0)


def test_list_entries_are_truncated_so_the_detail_holds_the_full_answer():
    listed = json.loads(load("list_page1.json"))["results"][0]["value"]
    detail = parse_question(load("question_49340.json"))
    assert listed["answerText"].endswith("...")
    assert "It will not be given to the Home Office." in detail.body


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Just a moment...</body></html>",
        load("list_page1.json")[:300],
        b'{"results": []}',
        b'{"totalResults": 1, "results": [{"links": []}]}',
        b'{"Results": [], "TotalResultCount": 0}',
    ],
    ids=["html", "truncated", "no-total", "result-without-value", "hansard-envelope"],
)
def test_list_body_that_is_not_a_questions_list_is_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_question_list(body)


# --- question details -------------------------------------------------------------------


def test_answered_question_is_keyed_by_api_id_and_links_by_tabled_date_and_uin():
    doc = parse_question(load("question_49340.json"))
    assert doc.id == "questions:wq:610871"
    assert doc.source == "questions"
    assert doc.doc_type == "written_question"
    assert doc.title == "Pupils: Nationality"
    assert doc.url == (
        "https://questions-statements.parliament.uk/written-questions/detail/2016-10-24/49340"
    )


def test_answered_question_is_dated_by_its_answer():
    doc = parse_question(load("question_49340.json"))
    assert [(e.kind, e.date) for e in doc.events] == [("written_question", "2016-11-01")]
    assert doc.metadata["date_answered"] == "2016-11-01"
    assert doc.metadata["date_tabled"] == "2016-10-24"


def test_question_body_is_plain_text_with_question_then_answer():
    doc = parse_question(load("question_49340.json"))
    assert "<p>" not in doc.body
    assert doc.body.index("To ask the Secretary of State") < doc.body.index("Parents may refuse")
    assert "Answer (Nick Gibb, 2016-11-01)" in doc.body
    assert doc.summary.startswith("Nationality and country of birth were added")


def test_question_metadata_names_members_body_and_flags():
    meta = parse_question(load("question_49340.json")).metadata
    assert meta["uin"] == "49340"
    assert meta["house"] == "Commons"
    assert meta["asking_member"]["member_id"] == 9201
    assert meta["asking_member"]["name"] == "Dana Whitcombe"
    assert meta["answering_member"]["name"] == "Nick Gibb"
    assert meta["answering_body"] == "Department for Education"
    assert meta["answer_is_holding"] is False
    assert meta["answer_is_correction"] is False
    assert meta["date_answer_corrected"] is None
    assert meta["withdrawn"] is False


def test_alternative_provision_census_question_keeps_pregnancy_and_mental_health_wording():
    doc = parse_question(load("question_108574.json"))
    assert doc.id == "questions:wq:802114"
    assert doc.events[0].date == "2017-11-06"
    assert "Alternative Provision Census" in doc.body
    assert "pregnant" in doc.body and "mental health" in doc.body


def test_unanswered_question_is_dated_when_tabled_and_summarised_by_the_question():
    doc = parse_question(load("question_unanswered.json"))
    assert doc.events[0].date == "2024-01-15"
    assert doc.metadata["answered"] is False
    assert doc.metadata["date_answered"] is None
    assert doc.summary.startswith("To ask the Secretary of State for Education")
    assert "Answer" not in doc.body


def test_holding_answer_is_not_an_answer():
    doc = parse_question(load("question_holding.json"))
    assert doc.events[0].date == "2024-01-15"  # tabled, not the holding reply of 18 January
    assert doc.metadata["answered"] is False
    assert doc.metadata["answer_is_holding"] is True
    assert doc.metadata["date_holding_answer"] == "2024-01-18"
    assert doc.summary.startswith("To ask")
    assert "Holding answer" in doc.body


def test_corrected_answer_uses_the_corrected_text_and_records_the_correction():
    doc = parse_question(load("question_corrected.json"))
    assert "on 14 occasions" in doc.body
    assert "41 occasions" not in doc.body
    assert "on 14 occasions" in doc.summary
    assert doc.events[0].date == "2023-11-27"
    assert doc.metadata["answer_is_correction"] is True
    assert doc.metadata["date_answer_corrected"] == "2023-12-12"
    assert "41 occasions" in doc.metadata["original_answer_text"]


def test_near_miss_population_census_question_parses_with_its_own_department():
    doc = parse_question(load("question_near_miss_census.json"))
    assert doc.metadata["answering_body"] == "Cabinet Office"
    assert "2021 Census" in doc.body
    assert "school" not in doc.body.lower()


def test_question_detail_without_the_value_wrapper_is_accepted():
    bare = json.dumps(json.loads(load("question_49340.json"))["value"]).encode()
    assert parse_question(bare).id == "questions:wq:610871"


def test_lords_uin_is_lower_cased_in_the_public_url_but_kept_in_metadata():
    data = json.loads(load("question_49340.json"))
    data["value"].update(uin="HL2471", house="Lords")
    doc = parse_question(json.dumps(data).encode())
    assert doc.url.endswith("/written-questions/detail/2016-10-24/hl2471")
    assert doc.metadata["uin"] == "HL2471"


def test_question_without_expanded_members_keeps_their_ids():
    data = json.loads(load("question_49340.json"))
    data["value"].update(askingMember=None, answeringMember=None)
    meta = parse_question(json.dumps(data).encode()).metadata
    assert meta["asking_member"] == {
        "member_id": 9201,
        "name": "",
        "party": "",
        "member_from": "",
    }


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><title>Just a moment...</title></html>",
        load("question_49340.json")[:400],
        b'{"value": {"uin": "49340"}}',
        b'{"value": {"id": 1, "dateTabled": "2016-10-24T00:00:00"}}',
        b"null",
    ],
    ids=["html", "truncated", "no-id", "no-uin-or-text", "null"],
)
def test_question_body_that_is_not_a_question_is_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_question(body)


# --- written statements -----------------------------------------------------------------


def test_statement_list_page_gives_ids_and_total():
    page = parse_statement_list(load("statements_list.json"))
    assert page.ids == [33105, 33106, 33180]
    assert (page.count, page.total) == (3, 3)


def test_statement_detail_becomes_a_written_statement_dated_when_made():
    doc = parse_statement(load("statement_detail.json"))
    assert doc.id == "questions:ws:33105"
    assert doc.doc_type == "written_statement"
    assert doc.title == "School Census: Pupil Nationality Data"
    assert doc.url == (
        "https://questions-statements.parliament.uk/written-statements/detail/2016-10-20/hcws213"
    )
    assert [(e.kind, e.date) for e in doc.events] == [("written_statement", "2016-10-20")]
    assert "<p>" not in doc.body
    assert "optional for parents" in doc.body
    assert doc.metadata["member"]["name"] == "Nick Gibb"
    assert doc.metadata["linked_statements"] == [
        {"id": 33106, "type": "JointStatement", "date": "2016-10-20"}
    ]


def test_statement_detail_in_a_one_result_search_envelope_is_accepted():
    item = json.loads(load("statement_detail.json"))
    wrapped = json.dumps({"totalResults": 1, "results": [item]}).encode()
    assert parse_statement(wrapped).id == "questions:ws:33105"


@pytest.mark.parametrize(
    "body",
    [
        b"<html></html>",
        load("statement_detail.json")[:250],
        b'{"totalResults": 0, "results": []}',
        b'{"value": {"id": 5, "uin": "HCWS1"}}',
    ],
    ids=["html", "truncated", "empty-envelope", "no-date-or-title"],
)
def test_statement_body_that_is_not_a_statement_is_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_statement(body)


def test_questions_and_statements_are_kept_only_if_they_use_a_search_phrase():
    # The API's searchTerm matches any word of a phrase; the relevance pipeline checks.
    assert parse_question(load("question_49340.json")).keep_if == "mentions_search_phrase"
    assert parse_statement(load("statement_detail.json")).keep_if == "mentions_search_phrase"


def test_a_list_page_the_api_sends_with_null_results_is_an_empty_page():
    page = parse_question_list(b'{"totalResults": 0, "results": null}')
    assert (page.ids, page.count, page.total) == ([], 0, 0)


def test_grouped_questions_keep_their_tabled_dates_so_each_can_be_linked():
    data = json.loads(load("question_49340.json"))
    data["value"]["groupedQuestions"] = ["49341"]
    data["value"]["groupedQuestionsDates"] = [
        {"questionUin": "49341", "dateTabled": "2016-10-24T00:00:00"}
    ]
    doc = parse_question(json.dumps(data).encode())
    assert doc.metadata["grouped_questions"] == [{"uin": "49341", "date_tabled": "2016-10-24"}]
