"""Tests for the legislation.gov.uk changes-feed parser, against fixtures in the real Atom +
ukm:Effect shape (see timeline_spiders/parsers/FORMAT-legislation-changes.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.legislation_changes import changes_feed_url, parse_changes_feed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "legislation_changes"

T2094 = "The Education (Information About Individual Pupils) (England) Regulations 2013"
T808 = "The Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_effects_by_an_instrument_name_the_earlier_regulations_it_amends():
    page = parse_changes_feed(fixture("affecting-uksi-2016-808.xml"))

    assert len(page.effects) == 3
    assert {e.affecting_id for e in page.effects} == {"uksi/2016/808"}
    assert {e.affected_id for e in page.effects} == {"uksi/2013/2094"}
    assert page.effects[0].affected_title == T2094
    assert page.effects[0].affecting_title == T808


def test_each_effect_keeps_its_type_and_both_provision_labels():
    effects = parse_changes_feed(fixture("affecting-uksi-2016-808.xml")).effects

    assert [(e.effect_type, e.affected_provisions, e.affecting_provisions) for e in effects] == [
        ("words inserted", "Sch. 1 para. 2(ia)", "reg. 3"),
        ("words inserted", "Sch. 1 para. 2(ib)", "reg. 3"),
        ("inserted", "reg. 5(2A)", "reg. 4"),
    ]


def test_effect_carries_its_id_applied_status_and_in_force_dates():
    effect = parse_changes_feed(fixture("affecting-uksi-2016-808.xml")).effects[0]

    assert effect.effect_id == "key-5a0c2e1f9b7d4c3a8e6f1d2b3c4a5e6f"
    assert effect.applied is True
    assert effect.in_force_dates == ("2016-09-01",)
    assert effect.modified == "2016-11-04T14:02:11Z"


def test_later_instrument_amending_this_one_is_on_the_affected_feed():
    effect = parse_changes_feed(fixture("affected-uksi-2016-808.xml")).effects[0]

    assert (effect.affected_id, effect.affecting_id) == ("uksi/2016/808", "uksi/2018/733")
    assert effect.effect_type == "words omitted"
    assert effect.applied is False


def test_feed_without_entries_is_valid_and_empty():
    page = parse_changes_feed(fixture("affected-uksi-2016-808-empty.xml"))

    assert page.effects == []
    assert page.next_url is None
    assert page.page == 1


def test_amendment_of_the_2007_alternative_provision_regulations_is_found():
    effect = parse_changes_feed(fixture("affecting-uksi-2017-807.xml")).effects[0]

    assert (effect.affecting_id, effect.affected_id) == ("uksi/2017/807", "uksi/2007/1065")
    assert effect.in_force_dates == ("2018-01-01",)


def test_first_page_links_to_the_next_page_verbatim():
    page = parse_changes_feed(fixture("affected-uksi-2013-2094-page-1.xml"))

    assert page.next_url == (
        "http://www.legislation.gov.uk/changes/affected/uksi/2013/2094/data.feed"
        "?results-count=2&page=2"
    )
    assert page.page == 1
    assert len(page.effects) == 2


def test_last_page_has_no_next_link():
    page = parse_changes_feed(fixture("affected-uksi-2013-2094-page-2.xml"))

    assert page.next_url is None
    assert page.page == 2


def test_changes_feeds_usually_give_no_total():
    assert parse_changes_feed(fixture("affected-uksi-2013-2094-page-1.xml")).total is None


def test_total_is_read_when_the_feed_gives_one():
    body = fixture("affected-uksi-2016-808-empty.xml").replace(
        b"<leg:page>", b"<openSearch:totalResults>0</openSearch:totalResults><leg:page>"
    )

    assert parse_changes_feed(body).total == 0


def test_ids_fall_back_to_class_year_and_number_when_uris_are_missing():
    effect = parse_changes_feed(fixture("affected-uksi-2013-2094-page-2.xml")).effects[0]

    assert (effect.affected_id, effect.affecting_id) == ("uksi/2013/2094", "uksi/2016/808")


def test_side_without_uri_or_type_has_no_id():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"
        xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata"><entry><content>
        <ukm:Effect Type="inserted" AffectedProvisions="s. 3(1A)"
          AffectingURI="http://www.legislation.gov.uk/id/ukpga/2025/31"/>
        </content></entry></feed>"""

    effect = parse_changes_feed(body).effects[0]

    assert effect.affected_id is None
    assert effect.affecting_id == "ukpga/2025/31"
    assert effect.affected_title == ""
    assert effect.applied is None


def test_provisions_fall_back_to_the_child_element_labels():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"
        xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata"><entry><content>
        <ukm:Effect Type="substituted"><ukm:AffectedProvisions>
        <ukm:Section Ref="schedule-7">Sch. 7</ukm:Section>
        <ukm:Section Ref="schedule-7-paragraph-2-3">para. 2(3)</ukm:Section>
        </ukm:AffectedProvisions></ukm:Effect></content></entry></feed>"""

    assert parse_changes_feed(body).effects[0].affected_provisions == "Sch. 7 para. 2(3)"


def test_feed_url_for_each_direction():
    assert changes_feed_url("affected", "uksi/2016/808") == (
        "https://www.legislation.gov.uk/changes/affected/uksi/2016/808/data.feed"
    )
    assert changes_feed_url("affecting", "uksi/2016/808", results_count=100) == (
        "https://www.legislation.gov.uk/changes/affecting/uksi/2016/808/data.feed?results-count=100"
    )
    with pytest.raises(ValueError):
        changes_feed_url("amended", "uksi/2016/808")


@pytest.mark.parametrize("path", ["../legislation/challenge.html", "truncated.xml"])
def test_challenge_page_and_truncated_feed_are_malformed(path):
    with pytest.raises(MalformedResponse):
        parse_changes_feed(fixture(path))


def test_a_legislation_listing_is_not_a_changes_feed():
    with pytest.raises(MalformedResponse, match="ukm:Effect"):
        parse_changes_feed(fixture("legislation-listing.xml"))


def test_xml_that_is_not_atom_is_malformed():
    with pytest.raises(MalformedResponse, match="not an Atom feed"):
        parse_changes_feed(b'<?xml version="1.0"?><Legislation/>')


def test_empty_body_is_malformed():
    with pytest.raises(MalformedResponse, match="empty"):
        parse_changes_feed(b"")
