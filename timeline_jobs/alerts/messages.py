"""An alert in words: one message per campaign (or saved search) per run, listing each new
event with its date in words, kind, title, who, why it is tagged, and links to the
official source and to the event on the timeline; suggestions waiting for review apart.

The same message is plain text and simple HTML for e-mail, and a JSON payload for a
webhook (`text` is what Slack, Mattermost and Matrix bridges show).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from pipelines.describing import event_anchor, who, why
from timeline_spiders.sources import event_kind_labels, source_labels
from timeline_spiders.text import date_in_words

KIND_LABELS = event_kind_labels()
SOURCE_LABELS = source_labels()


@dataclass
class AlertEvent:
    """One new event as an alert tells it."""

    event_id: str
    lines: list[str]
    official_url: str
    timeline_url: str
    title: str


@dataclass
class AlertMessage:
    subject: str
    heading: str
    events: list[AlertEvent]
    to_review: list[AlertEvent] = field(default_factory=list)
    review_url: str = ""

    @property
    def event_ids(self) -> list[str]:
        return [event.event_id for event in (*self.events, *self.to_review)]

    def text(self) -> str:
        parts = [self.heading, ""]
        for event in self.events:
            parts += [
                *event.lines,
                f"Source: {event.official_url}",
                f"On the timeline: {event.timeline_url}",
                "",
            ]
        if self.to_review:
            parts += [
                f"To review ({len(self.to_review)}), not public yet: {self.review_url}",
                "",
            ]
            for event in self.to_review:
                parts += [*event.lines, f"Source: {event.official_url}", ""]
        return "\n".join(parts).rstrip() + "\n"

    def html(self) -> str:
        body = [f"<p>{escape(self.heading)}</p>", "<ul>"]
        body += [_html_item(event) for event in self.events]
        body.append("</ul>")
        if self.to_review:
            review = escape(self.review_url)
            body.append(
                f'<p>To review, not on the public pages yet: <a href="{review}">'
                f"{len(self.to_review)} suggested</a></p><ul>"
            )
            body += [_html_item(event) for event in self.to_review]
            body.append("</ul>")
        return '<!doctype html><html lang="en"><body>' + "".join(body) + "</body></html>"

    def payload(self) -> dict[str, Any]:
        """For a webhook: `text` for chat tools, and the events as data."""
        return {
            "text": self.text(),
            "subject": self.subject,
            "events": [_event_data(event) for event in self.events],
            "to_review": [_event_data(event) for event in self.to_review],
        }


def _html_item(event: AlertEvent) -> str:
    lines = "<br>".join(escape(line) for line in event.lines[1:])
    return (
        f"<li><p><strong>{escape(event.lines[0])}</strong><br>{lines}<br>"
        f'<a href="{escape(event.official_url)}">Source</a> · '
        f'<a href="{escape(event.timeline_url)}">On the timeline</a></p></li>'
    )


def _event_data(event: AlertEvent) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "title": event.title,
        "lines": event.lines,
        "url": event.official_url,
        "timeline_url": event.timeline_url,
    }


def describe(
    row: dict[str, Any], site_url: str, campaign: str = "", tags: list[dict[str, Any]] | None = None
) -> AlertEvent:
    """A new event (a row of AlertLog.new_events) as lines of an alert."""
    kind = KIND_LABELS.get(row["kind"], row["kind"])
    source = SOURCE_LABELS.get(row["source"], row["source"])
    lines = [f"{date_in_words(row['date'])} · {kind} · {source}", row["title"] or ""]
    said_by = who(row["source"], row["doc_type"], row["metadata"])
    if said_by:
        lines.append(said_by)
    lines += [f"Why: {why(tag)}" for tag in tags or []]
    return AlertEvent(
        event_id=row["event_id"],
        lines=lines,
        official_url=row["url"] or timeline_link(row, site_url, campaign),
        timeline_url=timeline_link(row, site_url, campaign),
        title=row["title"] or "",
    )


def timeline_link(row: dict[str, Any], site_url: str, campaign: str) -> str:
    """Where the event is on our site: an instrument's own page, or the campaign's page
    from the event's date back, at the event."""
    if row["item_id"].startswith("legislation:"):
        return f"{site_url}/si/{row['item_id'].split(':', 1)[1]}"
    if not campaign:
        return f"{site_url}/search?{urlencode({'q': row['title'] or ''})}"
    after = (date.fromisoformat(row["date"]) + timedelta(days=1)).isoformat()
    return f"{site_url}/campaign/{quote(campaign)}?before={after}#{event_anchor(row['event_id'])}"
