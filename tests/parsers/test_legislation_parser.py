"""Tests for the legislation.gov.uk parsers, against fixtures in the real CLML/Atom shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.legislation import (
    canonical_url,
    legislation_id_from_url,
    parse_atom_feed,
    parse_clml,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "legislation"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def events_of(document, kind: str) -> list[tuple[str, str]]:
    return [(event.date, event.key) for event in document.events if event.kind == kind]


# --- parse_clml: identity and text ---------------------------------------------------------


def test_made_instrument_is_keyed_by_type_year_and_number():
    document = parse_clml(fixture("uksi-2016-808.xml"))

    assert document.id == "legislation:uksi/2016/808"
    assert document.source == "legislation"
    assert document.doc_type == "statutory_instrument"
    assert document.title == (
        "The Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
    )


def test_url_of_a_made_version_is_the_public_https_made_url():
    document = parse_clml(fixture("uksi-2016-808.xml"))

    assert document.url == "https://www.legislation.gov.uk/uksi/2016/808/made"


def test_url_of_a_current_version_has_no_version_suffix():
    document = parse_clml(fixture("uksi-affirmative-text-dates.xml"))

    assert document.url == "https://www.legislation.gov.uk/uksi/2019/9001"


def test_url_uses_the_public_host_whatever_host_the_xml_names():
    body = fixture("uksi-2016-808.xml").replace(
        b'DocumentURI="http://www.legislation.gov.uk/uksi/2016/808/made"',
        b'DocumentURI="http://legislation.data.gov.uk/uksi/2016/808/made"',
    )

    assert parse_clml(body).url == "https://www.legislation.gov.uk/uksi/2016/808/made"


def test_summary_is_the_dc_description_when_present():
    document = parse_clml(fixture("uksi-2016-808.xml"))

    assert document.summary.startswith("These Regulations change the information")


def test_summary_falls_back_to_first_sentence_of_explanatory_note():
    document = parse_clml(fixture("uksi-affirmative-text-dates.xml"))

    assert document.summary == (
        "These Regulations limit how long local authorities keep copies of census returns."
    )


def test_body_is_plain_text_of_prelims_provisions_note_and_footnotes():
    body = parse_clml(fixture("uksi-2016-808.xml")).body

    assert "<" not in body and "  " not in body and "\n\n" not in body
    assert "the pupil\u2019s nationality;" in body
    assert "the pupil\u2019s country of birth;" in body
    assert "EXPLANATORY NOTE" in body
    assert "S.I. 2013/2094" in body


def test_body_keeps_prelims_labels_apart_from_their_dates():
    body = parse_clml(fixture("uksi-2016-808.xml")).body

    assert "Made\n18th July 2016" in body
    assert "Laid before Parliament\n21st July 2016" in body


def test_body_leaves_out_metadata():
    body = parse_clml(fixture("uksi-2016-808.xml")).body

    assert "9780111148013" not in body
    assert "King's Printer" not in body


def test_inline_markup_does_not_split_words():
    body = parse_clml(fixture("uksi-2016-808.xml")).body

    assert "after the entry for ethnic group add" in body
    assert "Education Act 1996." in body


# --- parse_clml: events ------------------------------------------------------------------


def test_dates_come_from_the_machine_readable_metadata():
    document = parse_clml(fixture("uksi-2016-808.xml"))

    assert events_of(document, "si_made") == [("2016-07-18", "")]
    assert events_of(document, "si_laid") == [("2016-07-21", "")]
    assert events_of(document, "si_in_force") == [("2016-09-01", "")]


def test_each_of_several_coming_into_force_dates_is_its_own_event():
    # Storage gives each an id of its own (see pipelines.storage.store.event_ids).
    document = parse_clml(fixture("uksi-2017-807.xml"))

    assert events_of(document, "si_in_force") == [("2017-09-01", ""), ("2018-01-01", "")]


def test_coming_into_force_falls_back_to_the_printed_prelims_text():
    document = parse_clml(fixture("uksi-affirmative-text-dates.xml"))

    assert events_of(document, "si_in_force") == [("1st April 2019", "")]


def test_instrument_that_was_not_laid_has_no_laid_event():
    document = parse_clml(fixture("uksi-affirmative-text-dates.xml"))

    assert events_of(document, "si_laid") == []
    assert document.metadata["laid_class"] is None


def test_made_date_falls_back_to_prelims_text_without_ukm_made():
    body = fixture("uksi-affirmative-text-dates.xml").replace(b'<ukm:Made Date="2019-03-20"/>', b"")

    assert events_of(parse_clml(body), "si_made") == [("20th March 2019", "")]


def test_laid_date_falls_back_to_prelims_text_without_ukm_laid():
    body = fixture("uksi-2016-808.xml").replace(
        b'<ukm:Laid Date="2016-07-21" Class="UnitedKingdomParliament"/>', b""
    )

    assert events_of(parse_clml(body), "si_laid") == [("21st July 2016", "")]


def test_several_coming_into_force_clauses_fall_back_to_one_event_each():
    body = (
        fixture("uksi-2017-807.xml")
        .replace(b'<ukm:DateTime Date="2017-09-01"/>', b"")
        .replace(b'<ukm:DateTime Date="2018-01-01"/>', b"")
    )

    assert events_of(parse_clml(body), "si_in_force") == [
        ("1st September 2017", ""),
        ("1st January 2018", ""),
    ]


def test_coming_into_force_wording_without_a_date_is_kept_but_not_made_an_event():
    body = fixture("uksi-affirmative-text-dates.xml").replace(
        b"<DateText>1st April 2019</DateText>",
        b"<DateText>in accordance with regulation 1</DateText>",
    )
    document = parse_clml(body)

    assert events_of(document, "si_in_force") == []
    assert document.metadata["coming_into_force_text"] == ["in accordance with regulation 1"]


# --- parse_clml: metadata ----------------------------------------------------------------


def test_metadata_identifies_the_instrument():
    metadata = parse_clml(fixture("uksi-2016-808.xml")).metadata

    assert metadata["type"] == "uksi"
    assert metadata["year"] == 2016
    assert metadata["number"] == 808
    assert metadata["heading"] == ["EDUCATION, ENGLAND"]
    assert metadata["laid_class"] == "UnitedKingdomParliament"
    assert metadata["isbn"] == "9780111148013"


def test_heading_falls_back_to_prelims_subject_information():
    metadata = parse_clml(fixture("uksi-affirmative-text-dates.xml")).metadata

    assert metadata["heading"] == ["Education, England, Data Protection"]


def test_associated_documents_are_public_https_urls():
    metadata = parse_clml(fixture("uksi-2016-808.xml")).metadata

    assert metadata["explanatory_memorandum_url"] == (
        "https://www.legislation.gov.uk/uksi/2016/808/pdfs/uksiem_20160808_en.pdf"
    )
    assert metadata["pdf_url"] == (
        "https://www.legislation.gov.uk/uksi/2016/808/pdfs/uksi_20160808_en.pdf"
    )


def test_explanatory_note_omits_its_heading_and_disclaimer():
    note = parse_clml(fixture("uksi-2016-808.xml")).metadata["explanatory_note"]

    assert note.startswith("These Regulations amend the Education (Information About")
    assert "nationality and country of birth" in note
    assert "EXPLANATORY NOTE" not in note
    assert "not part of the Regulations" not in note


def test_alternative_provision_census_instrument_mentions_reasons_for_placement():
    document = parse_clml(fixture("uksi-2017-807.xml"))

    assert document.id == "legislation:uksi/2017/807"
    assert "reasons for each child's placement" in document.metadata["explanatory_note"]


def test_type_comes_from_the_document_main_type_when_uris_are_missing():
    body = (
        fixture("uksi-2016-808.xml")
        .replace(b' IdURI="http://www.legislation.gov.uk/id/uksi/2016/808"', b"")
        .replace(b' DocumentURI="http://www.legislation.gov.uk/uksi/2016/808/made"', b"")
        .replace(b"<dc:identifier>http://www.legislation.gov.uk/uksi/2016/808/made", b"<dc:x>")
        .replace(b"</dc:identifier>", b"</dc:x>")
        .replace(b"UnitedKingdomStatutoryInstrument", b"WelshStatutoryInstrument")
    )
    document = parse_clml(body)

    assert document.id == "legislation:wsi/2016/808"
    assert document.url == "https://www.legislation.gov.uk/wsi/2016/808"


# --- parse_clml: refusals ----------------------------------------------------------------


def test_cdn_challenge_page_is_malformed():
    with pytest.raises(MalformedResponse, match="HTML page"):
        parse_clml(fixture("challenge.html"))


def test_truncated_xml_is_malformed():
    with pytest.raises(MalformedResponse, match="not well-formed"):
        parse_clml(fixture("truncated.xml"))


def test_empty_body_is_malformed():
    with pytest.raises(MalformedResponse, match="empty"):
        parse_clml(b"  \n")


def test_an_atom_feed_is_not_clml():
    with pytest.raises(MalformedResponse, match="not CLML"):
        parse_clml(fixture("search-page-1.xml"))


def test_clml_without_metadata_is_malformed():
    body = b'<Legislation xmlns="http://www.legislation.gov.uk/namespaces/legislation"/>'

    with pytest.raises(MalformedResponse, match="no ukm:Metadata"):
        parse_clml(body)


def test_clml_without_a_number_is_malformed():
    body = fixture("uksi-2016-808.xml").replace(b'<ukm:Number Value="808"/>', b"")

    with pytest.raises(MalformedResponse, match="no ukm:Number"):
        parse_clml(body)


def test_external_entities_are_not_expanded_into_the_text():
    body = fixture("uksi-2016-808.xml").replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<!DOCTYPE Legislation [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    )
    body = body.replace(b"<dc:title>The Education", b"<dc:title>&e;The Education")
    document = parse_clml(body)

    assert document.title.startswith("The Education (Pupil Information)")
    assert "root:" not in document.body


# --- parse_atom_feed ---------------------------------------------------------------------


def test_feed_page_lists_every_entry_including_near_misses():
    page = parse_atom_feed(fixture("search-page-1.xml"))

    assert page.legislation_ids == ["uksi/2016/808", "uksi/2016/1234"]
    assert page.titles["uksi/2016/1234"].startswith("The Plant Health")


def test_feed_page_gives_next_link_verbatim_and_total():
    page = parse_atom_feed(fixture("search-page-1.xml"))

    assert page.next_url == (
        "http://www.legislation.gov.uk/uksi/data.feed?title=pupil%20information&page=2"
    )
    assert page.total_results == 3


def test_last_feed_page_has_no_next_link():
    page = parse_atom_feed(fixture("search-page-2.xml"))

    assert page.legislation_ids == ["uksi/2017/807"]
    assert page.next_url is None


def test_feed_without_total_results_reports_none():
    body = fixture("search-page-2.xml").replace(
        b"<openSearch:totalResults>3</openSearch:totalResults>", b""
    )

    assert parse_atom_feed(body).total_results is None


def test_feed_entry_without_usable_id_falls_back_to_type_year_number():
    body = fixture("search-page-2.xml").replace(
        b"<id>http://www.legislation.gov.uk/id/uksi/2017/807</id>", b"<id>tag:x</id>"
    )

    assert parse_atom_feed(body).legislation_ids == ["uksi/2017/807"]


def test_challenge_page_is_not_a_feed():
    with pytest.raises(MalformedResponse, match="HTML page"):
        parse_atom_feed(fixture("challenge.html"))


def test_clml_document_is_not_a_feed():
    with pytest.raises(MalformedResponse, match="not an Atom feed"):
        parse_atom_feed(fixture("uksi-2016-808.xml"))


# --- legislation_id_from_url -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://www.legislation.gov.uk/id/uksi/2016/808",
        "https://www.legislation.gov.uk/uksi/2016/808",
        "https://www.legislation.gov.uk/uksi/2016/808/made",
        "https://www.legislation.gov.uk/uksi/2016/808/made/data.xml",
        "http://www.legislation.gov.uk/uksi/2016/808/contents/made",
        "https://www.legislation.gov.uk/uksi/2016/808/regulation/3/made?view=plain",
        "https://legislation.gov.uk/cy/uksi/2016/808/made",
        "http://legislation.data.gov.uk/uksi/2016/808/made/data.html",
        "/uksi/2016/808/made",
        "uksi/2016/808",
    ],
)
def test_any_form_of_an_items_url_gives_its_id(url):
    assert legislation_id_from_url(url) == "uksi/2016/808"


def test_regnal_year_ids_are_kept_whole():
    assert legislation_id_from_url("http://www.legislation.gov.uk/id/ukpga/Edw7/7/51") == (
        "ukpga/Edw7/7/51"
    )


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://www.legislation.gov.uk/search/data.feed?title=pupil",
        "https://www.legislation.gov.uk/uksi/2016",
        "https://www.example.com/uksi/2016/808",
        "https://www.legislation.gov.uk/ukia/2016/12",
    ],
)
def test_urls_that_are_not_an_item_give_none(url):
    assert legislation_id_from_url(url) is None


def test_canonical_url_is_https_on_the_public_host():
    assert canonical_url("uksi/2016/808") == "https://www.legislation.gov.uk/uksi/2016/808"
    assert canonical_url("uksi/2016/808", "made") == (
        "https://www.legislation.gov.uk/uksi/2016/808/made"
    )


# --- what real instruments say (shapes seen in legislation.gov.uk's own CLML) -------------

IN_FORCE_BY_ARTICLE = b"""<Legislation xmlns="http://www.legislation.gov.uk/namespaces/legislation"
 xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 DocumentURI="http://www.legislation.gov.uk/uksi/2017/1400/made"
 IdURI="http://www.legislation.gov.uk/id/uksi/2017/1400">
<ukm:Metadata><dc:title>The Pupil Records (Amendment) Order 2017</dc:title>
<ukm:SecondaryMetadata><ukm:DocumentClassification>
<ukm:DocumentCategory Value="secondary"/>
<ukm:DocumentMainType Value="UnitedKingdomStatutoryInstrument"/>
<ukm:DocumentStatus Value="final"/></ukm:DocumentClassification>
<ukm:Year Value="2017"/><ukm:Number Value="1400"/>
<ukm:Made Date="2017-12-20" Time="10:30:00"/>
<ukm:Laid Date="2017-12-21" Time="15:00:00" Class="UnitedKingdomParliament"/>
</ukm:SecondaryMetadata></ukm:Metadata>
<Secondary><SecondaryPrelims>
<Title>The Pupil Records (Amendment) Order 2017</Title>
<Approved>Approved by the House of Commons</Approved>
<MadeDate><Text>Made</Text><DateText>at 10.30 a.m. on 20th December 2017</DateText></MadeDate>
<LaidDate><Text>Laid before the House of Commons</Text>
<DateText>at 3.00 p.m. on 21st December 2017</DateText></LaidDate>
<ComingIntoForce><Text>Coming into force in accordance with article 1(1)</Text></ComingIntoForce>
</SecondaryPrelims>
<Body><P1group><Title>Citation</Title><P1><Pnumber>1</Pnumber><P1para>
<P2><Pnumber>1</Pnumber><P2para><Text>This Order&#8212;</Text>
<P3><Pnumber>a</Pnumber><P3para><Text>may be cited as the Pupil Records Order;</Text></P3para></P3>
</P2para></P2></P1para></P1></P1group>
<UnorderedList><ListItem><Para><Text>Schools Forum</Text></Para></ListItem></UnorderedList>
<AppendText>.</AppendText>
</Body></Secondary></Legislation>"""


def test_in_force_wording_with_no_date_is_kept_as_the_instruments_in_force_note():
    document = parse_clml(IN_FORCE_BY_ARTICLE)
    assert document.metadata["coming_into_force_text"] == [
        "Coming into force in accordance with article 1(1)"
    ]
    assert events_of(document, "si_in_force") == []


def test_approval_by_the_house_is_an_event_and_times_and_the_house_are_kept():
    document = parse_clml(IN_FORCE_BY_ARTICLE)
    by_kind = {event.kind: event for event in document.events}
    assert (by_kind["si_approved"].title, by_kind["si_approved"].date) == (
        "Approved by the House of Commons",
        "2017-12-20",
    )
    assert by_kind["si_made"].summary == "At 10:30."
    assert by_kind["si_laid"].title == "Laid before the House of Commons"
    assert by_kind["si_laid"].summary == "At 15:00."


def test_body_prints_provision_numbers_as_legislation_gov_uk_does():
    body = parse_clml(IN_FORCE_BY_ARTICLE).body
    assert "1. (1) This Order\u2014\n(a) may be cited as the Pupil Records Order;" in body
    assert "Schools Forum." in body
