"""Atom feeds: what a subscriber's reader gets, whatever the stored text says."""

import xml.etree.ElementTree as ElementTree

from tests.support.site import AP_CENSUS, CENSUS, PUBLIC_URL, get
from timeline_site.feeds import xml_document

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(site_db, path, **headers):
    response = get(site_db, path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def entries(document):
    return document.findall(f"{ATOM}entry")


def text(element, name):
    return element.find(f"{ATOM}{name}").text


def test_a_campaign_feed_is_titled_in_words(site_db):
    document = feed(site_db, f"/timeline/campaign_feed.atom?campaign={CENSUS}")
    assert text(document, "title") == "#BoycottSchoolCensus: new on the pupil data timeline"
    titles = [text(entry, "title") for entry in entries(document)]
    assert "Debate: Pupil Information Regulations: Motion to Regret" in titles
    content = next(
        text(entry, "content") for entry in entries(document) if "Regret" in text(entry, "title")
    )
    assert content.startswith("31 October 2016 · Debate · Hansard")
    assert "Speakers: Lord Storey (Liberal Democrat), Lord Nash (Conservative)" in content


def test_entries_are_newest_found_first_and_updated_when_found(site_db):
    """An old item found last night must reach subscribers: `updated` is when it was
    found, and the feed is ordered by that, not by the event's own date."""
    document = feed(site_db, f"/timeline/campaign_feed.atom?campaign={CENSUS}")
    found = [text(entry, "updated") for entry in entries(document)]
    assert found == sorted(found, reverse=True)
    assert found[0] == "2026-11-03T02:00:00+00:00"  # the census day, found last
    assert text(document, "updated") == "2026-11-03T02:00:00+00:00"


def test_stored_text_xml_cannot_hold_does_not_break_the_feed(site_db):
    """A title with vertical tab and form feed characters was a 500 for the whole feed."""
    document = feed(site_db, f"/timeline/campaign_feed.atom?campaign={CENSUS}")
    titles = [text(entry, "title") for entry in entries(document)]
    assert "Campaign event: Census  day  notes <script>alert(1)</script>" in titles


def test_every_character_xml_cannot_hold_becomes_a_space_and_nothing_else_changes():
    cannot = [chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"]
    cannot += ["\ufffe", "\uffff"]
    kept = "<t>tab\t line\n return\r · é Ω 🙂 \u00a0 \u2028 \ufffd</t>"
    document = xml_document(kept[:-4] + "".join(cannot) + "</t>")
    assert document == (kept[:-4] + " " * len(cannot) + "</t>").encode("utf-8")
    ElementTree.fromstring(document)


def test_an_event_without_a_link_links_to_its_campaign_page(site_db):
    document = feed(site_db, f"/timeline/campaign_feed.atom?campaign={CENSUS}")
    launch = next(e for e in entries(document) if "Campaign launched" in text(e, "title"))
    assert launch.find(f"{ATOM}link").get("href") == f"{PUBLIC_URL}/campaign/{CENSUS}"


def test_a_campaign_with_nothing_yet_has_an_empty_feed(site_db):
    document = feed(site_db, f"/timeline/campaign_feed.atom?campaign={AP_CENSUS}")
    assert entries(document) == []
    assert text(document, "updated")


def test_an_unknown_campaign_is_a_404_not_an_error(site_db):
    assert get(site_db, "/timeline/campaign_feed.atom?campaign=nope").status_code == 404
    assert get(site_db, "/timeline/campaign_feed.atom").status_code == 404


def test_ids_and_links_come_from_the_public_address_never_the_host_header(site_db):
    response = get(
        site_db,
        f"/timeline/campaign_feed.atom?campaign={CENSUS}",
        headers={"Host": "attacker.test", "X-Forwarded-Host": "attacker.test"},
    )
    assert "attacker.test" not in response.text
    document = ElementTree.fromstring(response.content)
    assert text(document, "id").startswith("tag:timeline.example.org,2016:feed:")
    self_link = document.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"{PUBLIC_URL}/timeline/campaign_feed.atom?campaign={CENSUS}"


def test_new_since_is_by_when_the_timeline_found_each_event(site_db):
    document = feed(site_db, "/timeline/new_since.atom?since=2026-11-02")
    titles = [text(entry, "title") for entry in entries(document)]
    assert titles[0] == "Campaign event: Census day, spring 2030"
    assert not any("Regret" in title for title in titles)


def test_new_since_without_a_date_is_the_last_week(site_db):
    assert get(site_db, "/timeline/new_since.atom").status_code == 200
    assert get(site_db, "/timeline/new_since.atom?since=last%20week").status_code == 400


def test_a_search_can_be_followed_as_a_feed(site_db):
    document = feed(site_db, "/search.atom?q=nationality&kind=written_question")
    assert [text(entry, "title") for entry in entries(document)] == [
        "Written question: Pupils: Nationality"
    ]
    assert "nationality" in text(document, "title")
