"""What the alerts read and record: the new events of a campaign or a saved search, and
which of them each destination has been told about.

A destination follows a subject (`campaign:<slug>` or `search:<name>`) from the first
run that sees it configured, so it hears about what is found from then on and never
the whole history. Each event it is told about is recorded twice: `sending` before the
message goes (so a run killed while sending never sends it again) and `sent` once the
destination accepted it. A message that failed is forgotten, so the next run sends it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pipelines.storage.store import utc_now

#: Events of a subject not yet told to a destination, found since it began following.
NEW_EVENTS_SQL = """
    select timeline.event_id, timeline.date, timeline.kind, timeline.source, timeline.title,
      timeline.summary, timeline.url, timeline.item_id, timeline.first_seen,
      items.doc_type, items.metadata
    from timeline join items on items.id = timeline.item_id
    where timeline.first_seen >= :since and {condition}
      and not exists (
        select 1 from alert_deliveries sent where sent.destination = :destination
          and sent.subject = :subject and sent.event_id = timeline.event_id)
    order by timeline.date, timeline.event_id
    limit :limit"""
CAMPAIGN_CONDITION = """timeline.item_id in (
    select item_id from item_tags where campaign = :campaign and shown = :shown)"""
SEARCH_CONDITION = """timeline.item_rowid in (
    select rowid from items_fts where items_fts match :match)"""


@dataclass(frozen=True)
class Subject:
    """What a destination follows: a campaign's shown tags (or, with `to_review`, its
    suggestions below the threshold), or the matches of a saved search."""

    key: str
    campaign: str = ""
    match: str = ""

    @property
    def review_key(self) -> str:
        """Suggestions are told apart from shown tags: a tag that later crosses the
        threshold is news again."""
        return f"{self.key}:to-review"

    def condition(self, to_review: bool = False) -> tuple[str, dict[str, Any]]:
        if self.campaign:
            return CAMPAIGN_CONDITION, {"campaign": self.campaign, "shown": not to_review}
        return SEARCH_CONDITION, {"match": self.match}


class AlertLog:
    """Reads new events and records deliveries, each write its own short transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def following_since(self, destination: str, subject: str, started_at: str) -> str:
        """When `destination` began following `subject`: the start of the first run that
        asks (so what that run found is news, and what was stored before is not)."""
        with self.db.atomic():
            self.db.execute(
                "insert or ignore into alert_subscriptions (destination, subject, since)"
                " values (?, ?, ?)",
                [destination, subject, started_at],
            )
        row = self.db.execute(
            "select since from alert_subscriptions where destination = ? and subject = ?",
            [destination, subject],
        ).fetchone()
        return str(row[0])

    def new_events(
        self,
        destination: str,
        subject: Subject,
        started_at: str,
        *,
        to_review: bool = False,
        subscribe: bool = True,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        """Events of `subject` found since `destination` began following it and not yet
        told to it, oldest first (at most `limit`; the rest go in the next message).
        Without `subscribe` (a destination not set up yet) nothing is recorded, and the
        events are those this run found."""
        condition, params = subject.condition(to_review)
        key = subject.review_key if to_review else subject.key
        since = self.following_since(destination, key, started_at) if subscribe else started_at
        cursor = self.db.execute(
            NEW_EVENTS_SQL.format(condition=condition),
            {
                **params,
                "since": since,
                "destination": destination,
                "subject": key,
                "limit": limit,
            },
        )
        names = [column[0] for column in cursor.description]
        events = [dict(zip(names, row, strict=True)) for row in cursor]
        for event in events:
            event["metadata"] = json.loads(event["metadata"] or "{}")
        return events

    def tags_of(self, item_ids: Iterable[str], campaign: str) -> dict[str, list[dict[str, Any]]]:
        """The campaign's tags on each item, for saying why it is there."""
        cursor = self.db.execute(
            "select * from item_tags where campaign = ?"
            " and item_id in (select value from json_each(?))",
            [campaign, json.dumps(sorted(set(item_ids)))],
        )
        names = [column[0] for column in cursor.description]
        tags: dict[str, list[dict[str, Any]]] = {}
        for row in cursor:
            tag = dict(zip(names, row, strict=True))
            tags.setdefault(tag["item_id"], []).append(tag)
        return tags

    def sending(self, destination: str, subject: str, event_ids: list[str], job_id: str) -> None:
        self._record(destination, subject, event_ids, job_id, "sending")

    def sent(self, destination: str, subject: str, event_ids: list[str], job_id: str) -> None:
        self._record(destination, subject, event_ids, job_id, "sent")

    def failed(self, destination: str, subject: str, event_ids: list[str]) -> None:
        """Forget a message the destination did not accept, so the next run sends it."""
        with self.db.atomic():
            self.db.conn.executemany(
                "delete from alert_deliveries where destination = ? and subject = ?"
                " and event_id = ? and status = 'sending'",
                [(destination, subject, event_id) for event_id in event_ids],
            )

    def interrupted(self, job_id: str) -> int:
        """Events of earlier runs that were killed while their message was on its way:
        not sent again (the destination may have it), only counted for the report."""
        row = self.db.execute(
            "select count(*) from alert_deliveries where status = 'sending' and job_id != ?",
            [job_id],
        ).fetchone()
        return int(row[0])

    def _record(
        self, destination: str, subject: str, event_ids: list[str], job_id: str, status: str
    ) -> None:
        now = utc_now()
        with self.db.atomic():
            self.db.conn.executemany(
                "insert into alert_deliveries (destination, subject, event_id, status, job_id, at)"
                " values (?, ?, ?, ?, ?, ?) on conflict (destination, subject, event_id)"
                " do update set status = excluded.status, at = excluded.at",
                [(destination, subject, event_id, status, job_id, now) for event_id in event_ids],
            )
