"""GOV.UK Search API and Content API parsing, against fixtures in the real formats."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.govuk import (
    Redirect,
    SearchPage,
    attachment_key,
    content_fingerprint,
    gone_alternative,
    parse_content_item,
    parse_content_response,
    parse_search_page,
    redirect_target,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "govuk"
CENSUS_PATH = "/government/publications/school-census-2016-to-2017-guide-for-schools-and-las"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def events_of(document, kind: str):
    return [event for event in document.events if event.kind == kind]


# --- search pages ---------------------------------------------------------------------


def test_search_page_lists_base_paths_in_result_order_with_paging_numbers():
    page = parse_search_page(fixture("search-page-1.json"))

    assert isinstance(page, SearchPage)
    assert page.base_paths == [
        "/government/publications/dfe-external-data-shares",
        CENSUS_PATH,
        "/government/news/census-2021-how-schools-can-help",
    ]
    assert (page.total, page.count, page.start) == (6, 3, 0)
    assert page.next_start == 3


def test_search_result_links_with_the_govuk_host_are_reduced_to_paths():
    page = parse_search_page(fixture("search-page-1.json"))

    assert all(path.startswith("/") for path in page.base_paths)
    assert "/government/news/census-2021-how-schools-can-help" in page.base_paths


def test_search_results_pointing_off_govuk_are_skipped_but_still_count_for_paging():
    page = parse_search_page(fixture("search-page-2.json"))

    assert page.base_paths == [
        "/government/publications/nationality-and-country-of-birth-template-letter-for-parents",
        "/government/publications/alternative-provision-census-2018-guide",
    ]
    assert page.count == 3
    assert page.next_start is None


def test_search_page_says_the_day_of_its_oldest_result_for_incremental_paging():
    assert parse_search_page(fixture("search-page-1.json")).oldest == date(2021, 2, 15)
    assert parse_search_page(fixture("search-page-2.json")).oldest == date(2016, 9, 1)
    assert parse_search_page(fixture("search-empty.json")).oldest is None


def test_search_page_that_is_an_html_challenge_is_malformed():
    with pytest.raises(MalformedResponse, match="HTML"):
        parse_search_page(fixture("challenge.html"))


def test_search_page_without_results_or_total_is_malformed():
    with pytest.raises(MalformedResponse, match="results"):
        parse_search_page(json.dumps({"total": 3}).encode())
    with pytest.raises(MalformedResponse, match="total"):
        parse_search_page(json.dumps({"results": []}).encode())


# --- content items ----------------------------------------------------------------------


def test_census_guide_becomes_a_govuk_document_keyed_by_base_path():
    document = parse_content_item(fixture("school-census-guide-2018.json"))

    assert document.id == f"govuk:{CENSUS_PATH}"
    assert document.source == "govuk"
    assert document.doc_type == "guidance"
    assert document.title == "School census 2016 to 2017: guide"
    assert document.url == f"https://www.gov.uk{CENSUS_PATH}"
    assert document.summary.startswith("How schools and local authorities")
    assert not document.cites and not document.campaigns


def test_body_is_plain_text_with_the_nationality_wording_kept_searchable():
    document = parse_content_item(fixture("school-census-guide-2018.json"))

    assert "<" not in document.body
    assert "nationality and country of birth" in document.body
    assert "Parents have the right to refuse" in document.body
    assert "Record refused where a parent declines" in document.body
    assert "not yet obtained" in document.body


def test_attachment_titles_are_part_of_the_body_text():
    document = parse_content_item(fixture("school-census-guide-2018.json"))

    assert "Nationality and country of birth: questions and answers" in document.body


def test_first_publication_is_an_event_and_the_first_change_note_is_not_repeated():
    document = parse_content_item(fixture("school-census-guide-2015.json"))

    published = events_of(document, "guidance_published")
    assert [event.date[:10] for event in published] == ["2015-12-15"]
    assert events_of(document, "guidance_updated") == []


def test_each_later_change_note_is_an_update_event_oldest_first():
    document = parse_content_item(fixture("school-census-guide-2018.json"))

    updates = events_of(document, "guidance_updated")
    assert [event.date for event in updates] == [
        "2016-07-05T09:30:00.000+01:00",
        "2018-04-10T11:00:00.000+01:00",
    ]
    assert [event.key for event in updates] == [event.date for event in updates]
    assert "parents' right to refuse" in updates[0].summary
    assert "no longer collected" in updates[1].summary


def test_legacy_documents_html_yields_attachment_urls_on_the_assets_host():
    document = parse_content_item(fixture("school-census-guide-2018.json"))

    attachments = document.metadata["attachments"]
    assert [a["title"] for a in attachments] == [
        "School census 2016 to 2017: guide, version 1.4",
        "Nationality and country of birth: questions and answers",
    ]
    assert all(
        a["url"].startswith("https://assets.publishing.service.gov.uk/government/uploads/")
        for a in attachments
    )
    assert {a["content_type"] for a in attachments} == {"application/pdf"}


def test_structured_attachments_win_over_the_legacy_documents_html():
    document = parse_content_item(fixture("school-census-guide-2022.json"))

    attachments = document.metadata["attachments"]
    assert len(attachments) == 3
    assert attachments[0]["url"].startswith("https://assets.publishing.service.gov.uk/media/")
    assert attachments[2] == {
        "title": "Deleting nationality data: a note for schools",
        "url": f"https://www.gov.uk{CENSUS_PATH}/deleting-nationality-data-a-note-for-schools",
        "content_type": "text/html",
    }


def test_metadata_records_identity_organisations_dates_and_change_count():
    document = parse_content_item(fixture("school-census-guide-2022.json"))

    assert document.metadata["content_id"] == "5d7c3f0a-3b11-4b6e-9a2e-1c0f2b9a6d41"
    assert document.metadata["document_type"] == "guidance"
    assert document.metadata["schema_name"] == "publication"
    assert document.metadata["organisations"] == ["Department for Education"]
    assert document.metadata["public_updated_at"] == "2021-03-22T09:00:00.000+00:00"
    assert document.metadata["first_published_at"].startswith("2015-12-15")
    assert document.metadata["withdrawn"] is False
    assert document.metadata["change_note_count"] == 5


def test_older_items_fall_back_to_first_public_at_in_details():
    document = parse_content_item(fixture("school-census-guide-2015.json"))

    assert document.metadata["first_published_at"] == "2015-12-15T10:00:00+00:00"


def test_alternative_provision_census_guide_keeps_reasons_for_placement():
    document = parse_content_item(fixture("ap-census-2018-guide.json"))

    assert document.title == "Alternative provision census 2018: guide"
    assert "Reason for placement" in document.body
    assert "pregnancy" in document.body
    assert "mental health" in document.body
    assert [e.date[:10] for e in events_of(document, "guidance_updated")] == ["2018-01-12"]


def test_external_data_share_log_lists_each_quarterly_file():
    document = parse_content_item(fixture("dfe-external-data-shares.json"))

    assert document.doc_type == "transparency"
    assert [a["content_type"] for a in document.metadata["attachments"]] == [
        "text/csv",
        "application/vnd.oasis.opendocument.spreadsheet",
    ]
    assert len(events_of(document, "guidance_updated")) == 2


def test_withdrawn_publication_gets_a_withdrawal_event_with_plain_text_explanation():
    document = parse_content_item(fixture("withdrawn-template-letter.json"))

    withdrawn = events_of(document, "guidance_withdrawn")
    assert len(withdrawn) == 1
    assert withdrawn[0].date == "2018-04-10T11:05:12Z"
    assert withdrawn[0].summary.startswith("This template is no longer needed")
    assert "<" not in withdrawn[0].summary
    assert document.metadata["withdrawn"] is True


def test_live_items_send_an_empty_withdrawn_notice_which_means_not_withdrawn():
    document = parse_content_item(fixture("ap-census-2018-guide.json"))

    assert document.metadata["withdrawn"] is False
    assert events_of(document, "guidance_withdrawn") == []


def test_manual_change_notes_become_one_update_per_publication_after_the_first():
    document = parse_content_item(fixture("manual-complete-the-school-census.json"))

    assert document.doc_type == "manual"
    updates = events_of(document, "guidance_updated")
    assert [event.date for event in updates] == ["2021-09-06T07:00:00Z", "2022-09-05T07:00:00Z"]
    assert "Submitting your return: Updated the spring census date." in updates[1].summary
    assert "Data items: Removed the pupil nationality item." in updates[1].summary
    assert len({event.key for event in updates}) == len(updates)
    assert document.metadata["change_note_count"] == 5
    assert document.metadata["organisations"] == ["Department for Education"]


def test_redirect_item_names_its_destination_and_is_not_a_document():
    body = fixture("redirect.json")

    assert redirect_target(body) == (
        "/government/publications/school-census-2017-to-2018-guide-for-schools-and-las"
    )
    with pytest.raises(MalformedResponse, match="redirect"):
        parse_content_item(body)


def test_a_content_response_is_a_document_or_a_redirect_to_follow():
    assert parse_content_response(fixture("redirect.json")) == Redirect(
        "/government/publications/school-census-2017-to-2018-guide-for-schools-and-las"
    )
    document = parse_content_response(fixture("ap-census-2018-guide.json"))
    assert document == parse_content_item(fixture("ap-census-2018-guide.json"))


def test_a_redirect_item_with_no_destination_is_malformed():
    body = json.dumps({"base_path": "/old", "schema_name": "redirect", "redirects": []}).encode()

    with pytest.raises(MalformedResponse, match="redirect"):
        parse_content_response(body)


def test_redirect_target_is_none_for_an_ordinary_item():
    assert redirect_target(fixture("ap-census-2018-guide.json")) is None


def test_redirect_to_an_absolute_govuk_url_with_a_fragment_gives_just_the_path():
    body = json.dumps(
        {
            "base_path": "/old",
            "schema_name": "redirect",
            "document_type": "redirect",
            "redirects": [
                {"path": "/old", "type": "exact", "destination": "https://www.gov.uk/new?x=1#part"}
            ],
        }
    ).encode()

    assert redirect_target(body) == "/new"


def test_gone_item_is_malformed_with_a_clear_message():
    with pytest.raises(MalformedResponse, match="gone"):
        parse_content_item(fixture("gone.json"))


def test_html_challenge_page_is_malformed_not_parsed():
    with pytest.raises(MalformedResponse, match="HTML or XML page"):
        parse_content_item(fixture("challenge.html"))


def test_truncated_json_is_malformed():
    with pytest.raises(MalformedResponse, match="truncated"):
        parse_content_item(fixture("truncated.json"))


def test_json_without_base_path_or_title_is_malformed():
    with pytest.raises(MalformedResponse, match="base_path"):
        parse_content_item(json.dumps({"title": "Orphan"}).encode())
    with pytest.raises(MalformedResponse, match="title"):
        parse_content_item(json.dumps({"base_path": "/untitled", "title": ""}).encode())


def test_a_json_list_is_not_a_content_item():
    with pytest.raises(MalformedResponse):
        parse_content_item(b"[]")


# --- change detection across four captures of the census guide -----------------------

CAPTURES = [
    "school-census-guide-2015.json",
    "school-census-guide-2018.json",
    "school-census-guide-2019.json",
    "school-census-guide-2022.json",
]


def test_update_events_grow_as_the_change_history_grows():
    counts = [len(events_of(parse_content_item(fixture(n)), "guidance_updated")) for n in CAPTURES]

    assert counts == [0, 2, 3, 4]


def test_later_captures_keep_the_event_keys_of_earlier_ones():
    keys = [
        {e.key for e in events_of(parse_content_item(fixture(n)), "guidance_updated")}
        for n in CAPTURES
    ]

    assert keys[0] <= keys[1] <= keys[2] <= keys[3]


def test_fingerprint_differs_between_captures_whose_content_differs():
    fingerprints = [content_fingerprint(parse_content_item(fixture(n))) for n in CAPTURES]

    assert len(set(fingerprints)) == 4
    assert all(len(fp) == 64 for fp in fingerprints)


def test_documents_carry_their_fingerprint_and_report_silent_changes_as_updates():
    document = parse_content_item(fixture("school-census-guide-2018.json"))

    assert document.fingerprint == content_fingerprint(document)
    assert document.silent_change_kind == "guidance_updated"


def test_fingerprint_is_equal_when_the_same_capture_is_parsed_again():
    first = content_fingerprint(parse_content_item(fixture("school-census-guide-2018.json")))
    again = content_fingerprint(parse_content_item(fixture("school-census-guide-2018.json")))

    assert first == again


def test_fingerprint_ignores_timestamps_and_change_notes():
    item = json.loads(fixture("school-census-guide-2018.json"))
    item["public_updated_at"] = "2030-01-01T00:00:00.000+00:00"
    item["updated_at"] = "2030-01-01T00:00:00.000Z"
    item["details"]["change_history"].insert(
        0, {"public_timestamp": "2030-01-01T00:00:00.000+00:00", "note": "Republished."}
    )

    original = parse_content_item(fixture("school-census-guide-2018.json"))
    republished = parse_content_item(json.dumps(item).encode())

    assert content_fingerprint(republished) == content_fingerprint(original)


def test_fingerprint_changes_on_a_silent_body_edit():
    item = json.loads(fixture("school-census-guide-2018.json"))
    item["details"]["body"] = item["details"]["body"].replace("right to refuse", "duty to provide")

    original = parse_content_item(fixture("school-census-guide-2018.json"))
    edited = parse_content_item(json.dumps(item).encode())

    assert events_of(edited, "guidance_updated") == events_of(original, "guidance_updated")
    assert content_fingerprint(edited) != content_fingerprint(original)


def test_fingerprint_changes_when_an_attachment_file_is_silently_replaced():
    item = json.loads(fixture("school-census-guide-2022.json"))
    item["details"]["attachments"][1]["url"] = item["details"]["attachments"][1]["url"].replace(
        "60589a1be90e0712ab5c6d7e", "61a0c2d3e90e0712ab000001"
    )

    original = parse_content_item(fixture("school-census-guide-2022.json"))
    replaced = parse_content_item(json.dumps(item).encode())

    assert content_fingerprint(replaced) != content_fingerprint(original)


# --- one attachment, however the API describes it ---------------------------------------


def _with_attachment_as(details: dict) -> bytes:
    item = json.loads(fixture("school-census-guide-2022.json"))
    item["details"].pop("attachments", None)
    item["details"].pop("documents", None)
    item["details"].update(details)
    return json.dumps(item).encode()


UPLOAD = "/government/uploads/system/uploads/attachment_data/file/486440/Census_guide.pdf"


def test_a_file_in_documents_html_and_in_attachments_is_one_attachment_and_no_change():
    as_html = _with_attachment_as(
        {
            "documents": [
                '<section class="attachment"><h2 class="title">'
                f'<a href="{UPLOAD}">School census guide</a></h2></section>'
            ]
        }
    )
    as_object = _with_attachment_as(
        {
            "attachments": [
                {
                    "attachment_type": "file",
                    "title": "School census guide",
                    "url": f"https://assets.publishing.service.gov.uk{UPLOAD}",
                    "content_type": "application/pdf",
                }
            ]
        }
    )
    old, new = parse_content_item(as_html), parse_content_item(as_object)
    assert old.metadata["attachments"] == new.metadata["attachments"]
    assert old.fingerprint == new.fingerprint


def test_search_links_without_their_leading_slash_are_still_paths():
    body = json.dumps(
        {"results": [{"link": "government/publications/school-census-guide"}], "total": 1}
    ).encode()
    assert parse_search_page(body).base_paths == ["/government/publications/school-census-guide"]


def test_a_gone_item_names_the_page_readers_are_sent_to():
    body = json.dumps(
        {
            "schema_name": "gone",
            "base_path": "/government/publications/old-census-guide",
            "details": {"explanation": "<p>Replaced</p>", "alternative_path": "/guidance/census"},
        }
    ).encode()
    assert gone_alternative(body) == "/guidance/census"
    assert gone_alternative(fixture("school-census-guide-2022.json")) is None
    assert gone_alternative(b"<html>Not found</html>") is None


def test_a_withdrawal_explanation_keeps_where_its_links_point():
    item = json.loads(fixture("withdrawn-template-letter.json"))
    item["withdrawn_notice"]["explanation"] = (
        '<p>Read <a href="/government/collections/school-census">the census guidance</a>.</p>'
    )
    (withdrawn,) = events_of(parse_content_item(json.dumps(item).encode()), "guidance_withdrawn")
    assert withdrawn.summary == (
        "Read the census guidance (https://www.gov.uk/government/collections/school-census)."
    )


def test_an_upload_is_one_file_whichever_host_links_it():
    keys = {
        attachment_key(f"{host}{UPLOAD}")
        for host in ("https://www.gov.uk", "https://assets.publishing.service.gov.uk")
    }
    assert keys == {UPLOAD}
    assert attachment_key("https://example.org/x.pdf") == "https://example.org/x.pdf"
