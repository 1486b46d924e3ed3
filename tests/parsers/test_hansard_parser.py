"""The Hansard parser against fixtures in the real API shapes (see FORMAT-parliament.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.hansard import (
    Speaker,
    parse_attribution,
    parse_debate,
    parse_search_page,
    title_slug,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hansard"

REGRET = "5C3A1F2E-8B7D-4E61-9A0C-2D4F6B8E1A37"
MOTION_TO_REGRET = "9E1D7C44-3B2A-4F0E-8C61-7A5D2E9B0F13"
REGRET_TITLE = "Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
ORAL_QUESTION = "16101248000431"
STOREY = "0F6A2D1C-5B4E-4C3A-9D8E-1A2B3C4D5E01"
WATSON = "0F6A2D1C-5B4E-4C3A-9D8E-1A2B3C4D5E02"
NASH = "0F6A2D1C-5B4E-4C3A-9D8E-1A2B3C4D5E03"
STOREY_CLOSING = "0F6A2D1C-5B4E-4C3A-9D8E-1A2B3C4D5E04"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def regret_debate(phrases: tuple[str, ...] = ()):
    """The regulations' heading has nothing said under it: its one child is the document."""
    (document,) = parse_debate(load("debate_pupil_information_regret.json"), phrases)
    return document


def only(body: bytes):
    (document,) = parse_debate(body)
    return document


# --- search pages -----------------------------------------------------------------------


def test_debates_search_page_lists_sections_in_result_order_with_the_api_total():
    page = parse_search_page(load("search_debates_page1.json"))
    assert page.debate_ext_ids[:2] == [REGRET, ORAL_QUESTION]
    assert len(page.debate_ext_ids) == 4
    assert page.count == 4
    assert page.total == 5
    assert page.contribution_ext_ids == []  # the debates endpoint names no speeches


def test_second_search_page_holds_the_remainder_so_paging_can_stop():
    first = parse_search_page(load("search_debates_page1.json"))
    second = parse_search_page(load("search_debates_page2.json"))
    assert second.count == 1
    assert first.count + second.count == second.total
    assert not set(first.debate_ext_ids) & set(second.debate_ext_ids)


def test_section_ids_need_not_be_guids():
    result = {"DebateSectionExtId": "DeferredDivisions2026-01-14"}
    body = json.dumps({"Results": [result], "TotalResultCount": 1}).encode()
    assert parse_search_page(body).debate_ext_ids == ["DeferredDivisions2026-01-14"]


def test_spoken_search_page_names_matched_speeches_and_each_section_once():
    page = parse_search_page(load("search_spoken_page1.json"))
    assert page.count == 5
    assert page.debate_ext_ids[0] == REGRET
    assert len(page.debate_ext_ids) == 4  # two hits in the regret debate count once
    assert page.contribution_ext_ids[:2] == [STOREY, NASH]


def test_empty_search_page_has_no_ids_a_zero_count_and_a_zero_total():
    page = parse_search_page(load("search_empty.json"))
    assert page.debate_ext_ids == []
    assert page.contribution_ext_ids == []
    assert page.count == 0
    assert page.total == 0


def test_search_page_without_a_total_reports_total_as_unknown():
    page = parse_search_page(b'{"Results": []}')
    assert page.total is None


@pytest.mark.parametrize(
    "body",
    [
        load("challenge.html"),
        load("search_debates_page1.json")[:200],
        b'{"Debates": []}',
        b"[]",
        b'{"Results": [{"Title": "No section id"}]}',
    ],
    ids=["html-challenge", "truncated", "other-envelope", "not-an-object", "result-without-id"],
)
def test_search_page_that_is_not_a_hansard_search_is_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_search_page(body)


# --- one debate section -----------------------------------------------------------------


def test_a_heading_with_nothing_said_under_it_is_no_document_of_its_own():
    documents = parse_debate(load("debate_pupil_information_regret.json"))
    assert [d.id for d in documents] == [f"hansard:{MOTION_TO_REGRET}"]


def test_debate_document_is_keyed_by_ext_id_and_links_to_the_public_site():
    doc = regret_debate()
    assert doc.source == "hansard"
    assert doc.doc_type == "debate"
    assert doc.url == (
        f"https://hansard.parliament.uk/Lords/2016-10-31/debates/{MOTION_TO_REGRET}/MotionToRegret"
    )
    assert "hansard-api" not in doc.url


def test_the_title_names_the_heading_above_it_without_the_leading_space_hansard_sends():
    assert regret_debate().title == f"{REGRET_TITLE} \u2014 Motion to Regret"
    assert regret_debate().metadata["heading"] == REGRET_TITLE


def test_a_child_section_fetched_on_its_own_is_the_same_document_as_through_its_heading():
    data = json.loads(load("debate_pupil_information_regret.json"))
    child = data["ChildDebates"][0]
    child["Navigator"] = data["Navigator"]
    assert only(json.dumps(child).encode()) == regret_debate()


def test_debate_has_one_debate_event_on_the_sitting_date():
    events = regret_debate().events
    assert [(e.kind, e.date) for e in events] == [("debate", "2016-10-31")]


def test_speeches_in_the_child_section_are_read_in_order_in_section_not_list_order():
    doc = regret_debate()
    assert [c.external_id for c in doc.contributions] == [STOREY, WATSON, NASH, STOREY_CLOSING]
    assert [c.order for c in doc.contributions] == [1, 2, 3, 4]
    body = doc.body
    assert body.index("Moved by Lord Storey") < body.index("That this House regrets")
    assert body.index("That this House regrets") < body.index("Lord Storey (LD): My Lords, these")
    assert body.index("I beg leave to withdraw") < body.index("Motion withdrawn.")


def test_body_is_plain_text_citing_the_si_with_column_breaks_in_speeches_kept_as_text():
    body = regret_debate().body
    assert "<" not in body and "&amp;" not in body
    assert "five year-olds & publishing" in body
    assert "SI 2016/808" in body
    assert "nationality and country of birth" in body
    assert "optional. [Column 1403] Some schools" in body
    assert "6.31 pm" not in body  # timestamps are not words spoken


def test_a_bare_column_marker_is_not_a_line_of_the_debate():
    heading = json.loads(load("debate_pupil_information_regret.json"))
    heading["Items"].append(
        {
            "ItemType": "Contribution",
            "HRSTag": "hs_Para",
            "OrderInSection": 3,
            "Value": ('<span class="column-number column-only" data-column-number="1401"></span>'),
        }
    )
    assert parse_debate(json.dumps(heading).encode())[0].id == f"hansard:{MOTION_TO_REGRET}"


def test_each_contribution_records_the_printed_column_it_starts_in():
    by_id = {c.external_id: c for c in regret_debate().contributions}
    assert by_id[STOREY].column == ""  # before the section's first break: not known here
    assert by_id[WATSON].column == "1403"  # the break to 1403 comes mid-speech before
    assert "[Column" not in by_id[STOREY].text


def test_contributions_carry_one_name_per_member_with_party_and_office_apart():
    by_id = {c.external_id: c for c in regret_debate().contributions}
    nash = by_id[NASH]
    assert (nash.member_id, nash.member_name, nash.party) == (4178, "Lord Nash", "Con")
    assert nash.role == "The Parliamentary Under-Secretary of State for Schools"
    assert nash.url.endswith(f"#contribution-{NASH}")
    assert nash.url.startswith("https://hansard.parliament.uk/Lords/2016-10-31/debates/")
    assert "Home Office" in nash.text
    assert by_id[STOREY].member_name == by_id[STOREY_CLOSING].member_name == "Lord Storey"


def test_a_member_attributed_briefly_later_keeps_the_full_name_and_constituency():
    data = json.loads(load("debate_immigration_near_miss.json"))
    items = [i for i in data["Items"] if i.get("MemberId")]
    first, later = items[0], dict(items[0])
    first["AttributedTo"] = "Martina Vickery (Brigg and Ness) (Con)"
    later.update(AttributedTo="Martina Vickery", OrderInSection=99, ExternalId="LATER")
    data["Items"].append(later)
    speeches = [
        c for c in only(json.dumps(data).encode()).contributions if c.member_id == first["MemberId"]
    ]
    assert {(c.member_name, c.constituency, c.party) for c in speeches} == {
        ("Martina Vickery", "Brigg and Ness", "Con")
    }


@pytest.mark.parametrize(
    ("attributed", "speaker"),
    [
        ("Lord Storey (LD)", Speaker(1, "Lord Storey", party="LD")),
        (
            "Martin Vickers (Brigg and Immingham) (Con)",
            Speaker(1, "Martin Vickers", constituency="Brigg and Immingham", party="Con"),
        ),
        (
            "Madam Deputy Speaker (Caroline Nokes)",
            Speaker(1, "Caroline Nokes", role="Madam Deputy Speaker"),
        ),
        (
            "The Minister for School Standards (Nick Gibb)",
            Speaker(1, "Nick Gibb", role="The Minister for School Standards"),
        ),
        ("Baroness Hamwee", Speaker(1, "Baroness Hamwee")),
    ],
)
def test_attributions_are_read_into_name_office_constituency_and_party(attributed, speaker):
    assert parse_attribution(attributed, 1) == speaker


def test_procedure_and_column_furniture_are_not_counted_as_speeches():
    doc = regret_debate()
    texts = [c.text for c in doc.contributions]
    assert not any("Motion withdrawn" in t for t in texts)
    assert not any(t.startswith("That this House regrets") for t in texts)
    assert all(t for t in texts)


def test_summary_leads_with_the_first_speech_that_uses_a_search_phrase_and_who_said_it():
    doc = regret_debate(("parents may decline",))
    assert doc.summary.startswith("Lords Chamber. Lord Nash: ")
    assert "Parents may decline" in doc.summary
    assert doc.metadata["lead_contribution"] == NASH


def test_without_a_search_phrase_the_summary_leads_with_the_first_speech():
    doc = regret_debate()
    assert doc.summary.startswith("Lords Chamber. Lord Storey: My Lords, these regulations")


def test_metadata_lists_house_location_ext_id_and_each_speaker_once():
    meta = regret_debate().metadata
    assert meta["house"] == "Lords"
    assert meta["location"] == "Lords Chamber"
    assert meta["ext_id"] == MOTION_TO_REGRET
    assert [s["member_id"] for s in meta["speakers"]] == [4151, 4120, 4178]
    assert meta["speakers"][0] == {
        "member_id": 4151,
        "name": "Lord Storey",
        "role": "",
        "constituency": "",
        "party": "LD",
    }


def test_oral_question_with_a_non_guid_ext_id_keeps_it_verbatim():
    doc = only(load("debate_school_census_nationality_oq.json"))
    assert doc.id == f"hansard:{ORAL_QUESTION}"
    assert doc.url == (
        f"https://hansard.parliament.uk/Lords/2016-10-12/debates/{ORAL_QUESTION}/"
        "SchoolCensusPupilsNationality"
    )
    assert doc.title == "School Census: Pupils\u2019 Nationality"
    assert doc.events[0].date == "2016-10-12"
    assert doc.contributions[0].external_id == "16101248000152"
    assert doc.contributions[0].url.endswith("#contribution-16101248000152")
    assert "To ask Her Majesty" in doc.summary


def test_near_miss_debates_parse_and_carry_no_schools_context():
    immigration = only(load("debate_immigration_near_miss.json"))
    census = only(load("debate_census_2021_near_miss.json"))
    assert immigration.metadata["house"] == "Commons"
    assert "school" not in immigration.body.lower()
    assert census.metadata["location"] == "Westminster Hall"
    assert "2021 census" in census.body
    assert "school" not in census.body.lower()


def test_title_slug_drops_punctuation_and_apostrophes():
    assert title_slug("School Census: Pupils' Nationality") == "SchoolCensusPupilsNationality"
    assert title_slug(" Census 2021: questions ") == "Census2021Questions"


def _debate_without(key: str) -> bytes:
    data = json.loads(load("debate_census_2021_near_miss.json"))
    if key.startswith("Overview."):
        del data["Overview"][key.split(".", 1)[1]]
    else:
        del data[key]
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "body",
    [
        load("challenge.html"),
        load("debate_pupil_information_regret.json")[:500],
        b"",
        b'{"Results": [], "TotalResultCount": 0}',
        _debate_without("Overview"),
        _debate_without("Overview.ExtId"),
        _debate_without("Overview.Date"),
        b'{"Overview": {"ExtId": "X", "Date": "2016-10-31T00:00:00", "House": "Lords"}}',
        b'{"Overview": {"ExtId": "X", "Date": "2016-10-31", "House": "Lords"}, "Items": {}}',
    ],
    ids=[
        "html-challenge",
        "truncated",
        "empty",
        "search-page-instead",
        "no-overview",
        "no-ext-id",
        "no-date",
        "no-items-or-children",
        "items-not-a-list",
    ],
)
def test_debate_body_that_is_not_a_debate_section_is_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_debate(body)
