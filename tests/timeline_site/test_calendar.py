"""A campaign's calendar of dates coming up (`/campaign/<slug>.ics`)."""

import icalendar

from tests.support.site import AP_CENSUS, CENSUS, get
from timeline_site.calendar import calendar


def test_upcoming_dates_are_in_the_calendar_and_past_ones_are_not(site_db):
    response = get(site_db, f"/campaign/{CENSUS}.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(events[0]["summary"]) == "Census day, spring 2030"
    assert events[0].decoded("dtstart").isoformat() == "2030-01-17"
    assert "Motion to Regret" not in response.text


def test_stored_text_cannot_add_lines_to_a_readers_calendar(site_db):
    """A link holding CR/LF once put a BEGIN:VALARM of its own into the feed, and a lone
    CR survived in DESCRIPTION."""
    body = get(site_db, f"/campaign/{CENSUS}.ics").content
    lines = body.split(b"\r\n")
    assert not any(
        line.startswith((b"BEGIN:VALARM", b"TRIGGER", b"DESCRIPTION:injected")) for line in lines
    )
    assert b"\r" not in body.replace(b"\r\n", b"")
    parsed = icalendar.Calendar.from_ical(body)
    assert parsed.walk("VALARM") == []
    hostile = next(e for e in parsed.walk("VEVENT") if "notes" in str(e["summary"]))
    assert "url" not in hostile  # a link with a line break in it is no link


def test_long_text_is_folded_as_rfc_5545_says():
    event = {
        "event_id": "e1",
        "date": "2030-01-17",
        "title": "A; b, c",
        "summary": "x" * 200,
        "safe_url": None,
    }
    text = calendar([event], {"hashtag": "#Tag"}, "https://example.org").decode()
    assert "SUMMARY:A\\; b\\, c" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_the_calendar_is_offered_only_where_there_are_dates_coming_up(site_db):
    assert f"/campaign/{CENSUS}.ics" in get(site_db, f"/campaign/{CENSUS}").text
    assert f"/campaign/{AP_CENSUS}.ics" not in get(site_db, f"/campaign/{AP_CENSUS}").text
