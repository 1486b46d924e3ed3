"""A campaign's upcoming dates as an iCalendar feed (`/campaign/<slug>.ics`).

Written with the `icalendar` library, which escapes, folds and encodes every value as
RFC 5545 requires, so no stored text (a title with a line break, a link with CR/LF in
it) can add lines of its own to a reader's calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import icalendar
from datasette.utils.asgi import Request, Response

from timeline_site.addresses import public_url
from timeline_site.queries import Reader, campaign_events, campaign_or_404, read, upcoming_query

if TYPE_CHECKING:
    from datasette.app import Datasette


def calendar(events: list[dict[str, Any]], campaign: dict[str, Any], site_url: str) -> bytes:
    """An iCalendar document of `events` (all-day, on their dates)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Pupil data timeline//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{campaign['hashtag']}: dates coming up")
    host = urlsplit(site_url).hostname or "pupil-data-timeline"
    stamp = datetime.now(UTC)
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"{event['event_id']}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", date.fromisoformat(event["date"]))
        entry.add("summary", _one_line(event["title"]))
        if event["summary"]:
            entry.add("description", event["summary"].replace("\r\n", "\n").replace("\r", "\n"))
        if event["safe_url"]:
            entry.add("url", event["safe_url"])
        cal.add_component(entry)
    return bytes(cal.to_ical())


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


async def campaign_calendar(datasette: Datasette, request: Request) -> Response:
    slug = request.url_vars["slug"]
    campaign, events = await read(datasette, partial(upcoming_of_campaign, slug=slug))
    return Response(
        calendar(events, campaign, public_url(datasette)),
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{slug}.ics"'},
    )


def upcoming_of_campaign(reader: Reader, slug: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return (
        campaign_or_404(reader, slug),
        campaign_events(reader, slug, upcoming_query(limit=200), compact=True),
    )
