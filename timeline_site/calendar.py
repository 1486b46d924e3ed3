"""A campaign's upcoming dates as an iCalendar feed (`/campaign/<slug>.ics`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from timeline_site.queries import DATABASE, campaign_events, campaign_or_404, upcoming_query

if TYPE_CHECKING:
    from datasette.app import Datasette


def ical_text(value: str) -> str:
    """Escape text for an iCalendar property value (RFC 5545, section 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r?\n", "\\\\n", value)


def ical_fold(line: str) -> str:
    """Fold a content line at 75 octets, as calendar clients require."""
    if len(line.encode("utf-8")) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def calendar(events: list[dict[str, Any]], campaign: dict[str, Any], host: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pupil data timeline//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ical_text(campaign['hashtag'] + ' upcoming')}",
    ]
    for event in events:
        day = event["date"].replace("-", "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ical_text(event['event_id'])}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day}",
            f"SUMMARY:{ical_text(event['title'] or '')}",
        ]
        if event["summary"]:
            lines.append(f"DESCRIPTION:{ical_text(event['summary'])}")
        if event["safe_url"]:
            lines.append(f"URL:{event['safe_url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(ical_fold(line) for line in lines) + "\r\n"


async def campaign_calendar(datasette: Datasette, request: Request) -> Response:
    db = datasette.get_database(DATABASE)
    slug = request.url_vars["slug"]
    campaign = await campaign_or_404(db, slug)
    events = await campaign_events(db, slug, upcoming_query(limit=200))
    body = calendar(events, campaign, request.host or "pupil-data-timeline")
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{slug}.ics"'},
    )
