"""Writing the timeline: upsert each item by its stable key, never deleting an item.

An item whose content is unchanged writes nothing but `last_seen`. A changed item keeps
its `first_seen` and its events' `first_seen` (the "new since" feeds depend on them),
records a new version, and replaces what is derived from it (speeches, citations and
rule tags) with what the source says now; staff tag overrides are never touched
here. An event the source stops listing is kept, marked superseded and off the
timeline. Every write happens inside the caller's transaction, so a killed process
leaves each item either fully stored or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlite_utils

from pipelines.schema import tables_of_items
from timeline_spiders.items import AmendmentList, Contribution, Document, Event, Gone, Tag

Outcome = Literal["new", "changed", "unchanged"]

#: Key of the events storage itself adds when a page changed without a change note.
SILENT_CHANGE_KEY_PREFIX = "unannounced-"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(document: Document) -> str:
    """A hash of everything the source said about the document, and nothing we derived."""
    content = {
        "title": document.title,
        "summary": document.summary,
        "body": document.body,
        "url": document.url,
        "metadata": document.metadata,
        # vars() is asdict() for these flat dataclasses, at a tenth of the cost.
        "events": [vars(event) for event in document.events],
        "contributions": [vars(c) for c in document.contributions],
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_ids(document: Document) -> list[tuple[str, Event]]:
    """Each event of `document` with its stable id, `<item id>:<kind>[:<key>]`.

    An event with a key keeps it. Of the unkeyed events of one kind, the earliest takes
    the plain id and any later ones are keyed by their date: a second in-force date
    added years later gets an id of its own and the first keeps its id, and a single
    unkeyed event (a question's, dated when tabled and later when answered) keeps its id
    when its date moves. Events identical in kind, key and date are one event.
    """
    by_id: dict[str, Event] = {}
    unkeyed: dict[str, list[Event]] = {}
    for event in document.events:
        if event.key:
            by_id.setdefault(f"{document.id}:{event.kind}:{event.key}", event)
        else:
            unkeyed.setdefault(event.kind, []).append(event)
    for kind, events in unkeyed.items():
        first, *later = sorted(events, key=lambda event: event.date)
        by_id.setdefault(f"{document.id}:{kind}", first)
        for event in later:
            by_id.setdefault(f"{document.id}:{kind}:{event.date}", event)
    return list(by_id.items())


@dataclass(frozen=True)
class StoredText:
    """What re-tagging reads of one stored item."""

    rowid: int
    id: str
    source: str
    title: str
    summary: str
    body: str


class TimelineStore:
    """Writes documents into the timeline database, inside the caller's transaction."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    # --- documents ----------------------------------------------------------------------

    def save(self, document: Document, seen_at: str | None = None) -> Outcome:
        """Store `document` in a transaction of its own."""
        with self.db.atomic():
            return self.write(document, seen_at)

    def write(self, document: Document, seen_at: str | None = None) -> Outcome:
        """Store `document`; say whether it was new, changed or the same as before."""
        seen_at = seen_at or utc_now()
        digest = content_hash(document)
        stored = self.db.execute(
            "select content_hash from items where id = ?", [document.id]
        ).fetchone()
        if stored and stored[0] == digest:
            self.db.execute(
                "update items set last_seen = ?, gone_at = null where id = ?",
                [seen_at, document.id],
            )
            return "unchanged"
        self._write_item(document, digest, seen_at, is_new=stored is None)
        new_events = self._write_events(document, seen_at)
        self._write_contributions(document)
        self.write_citations(document.id, document.cites)
        self.write_rule_tags(document.id, document.campaigns)
        version = document.fingerprint or digest
        new_version = self._write_version(document.id, version, seen_at)
        if stored and new_version and not new_events and document.silent_change_kind:
            self._write_silent_change(document, version, seen_at)
        return "new" if stored is None else "changed"

    def write_gone(self, gone: Gone, seen_at: str | None = None) -> bool:
        """Mark a stored item as no longer served; True if it was stored and not yet gone."""
        cursor = self.db.execute(
            "update items set gone_at = ? where id = ? and gone_at is null",
            [seen_at or utc_now(), gone.id],
        )
        return cursor.rowcount == 1

    def write_amendments(self, listed: AmendmentList, seen_at: str | None = None) -> int:
        """Store the links a changes feed lists (never removed) and when the feed was read;
        return how many links were new."""
        seen_at = seen_at or utc_now()
        new = 0
        for amendment in listed.amendments:
            key = [
                amendment.affecting_id,
                amendment.affected_id,
                amendment.effect_type,
                amendment.affected_provisions,
                amendment.affecting_provisions,
            ]
            facts = [
                amendment.affecting_title,
                amendment.affected_title,
                json.dumps(list(amendment.in_force_dates)),
                amendment.applied,
            ]
            cursor = self.db.execute(
                "insert or ignore into amendments (affecting_id, affected_id, effect_type,"
                " affected_provisions, affecting_provisions, affecting_title, affected_title,"
                " in_force_dates, applied, first_seen) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*key, *facts, seen_at],
            )
            new += cursor.rowcount
            if not cursor.rowcount:  # known: it may have come into force or been applied
                self.db.execute(
                    "update amendments set affecting_title = ?, affected_title = ?,"
                    " in_force_dates = ?, applied = ? where affecting_id = ? and affected_id = ?"
                    " and effect_type = ? and affected_provisions = ? and affecting_provisions = ?",
                    [*facts, *key],
                )
        self.db.execute(
            "insert into feeds (url, fetched_at) values (?, ?)"
            " on conflict (url) do update set fetched_at = excluded.fetched_at",
            [listed.feed_url, seen_at],
        )
        return new

    def _write_item(self, document: Document, digest: str, seen_at: str, is_new: bool) -> None:
        row = {
            "id": document.id,
            "source": document.source,
            "doc_type": document.doc_type,
            "title": document.title,
            "summary": document.summary,
            "body": document.body,
            "url": document.url,
            "metadata": json.dumps(document.metadata, sort_keys=True, ensure_ascii=False),
            "content_hash": digest,
            "last_seen": seen_at,
            "last_changed": seen_at,
            "gone_at": None,
        }
        if is_new:
            self._insert("items", {**row, "first_seen": seen_at})
        else:
            self._update("items", "id", row)

    def _write_events(self, document: Document, seen_at: str) -> list[str]:
        """Insert new events and update changed ones; return the ids of new events.

        An event the source no longer lists (a rescheduled sitting, a corrected date) is
        kept but marked superseded, which takes it off the timeline; if the source lists
        it again it comes back with its first `first_seen`, so it is not announced as new
        twice. Storage's own notes of silent changes are never superseded.
        """
        identified = event_ids(document)
        current = [event_id for event_id, _ in identified]
        self.db.execute(
            "update events set superseded_at = ? where item_id = ? and superseded_at is null"
            " and id not in (select value from json_each(?)) and id not like ?",
            [seen_at, document.id, json.dumps(current), f"%:{SILENT_CHANGE_KEY_PREFIX}%"],
        )
        inserted = []
        for event_id, event in identified:
            row = {
                "id": event_id,
                "item_id": document.id,
                "kind": event.kind,
                "date": event.date,
                "title": event.title,
                "summary": event.summary,
                "url": event.url,
                "superseded_at": None,
            }
            existing = self.db.execute("select 1 from events where id = ?", [event_id]).fetchone()
            if existing:
                self._update("events", "id", row)
            else:
                self._insert("events", {**row, "first_seen": seen_at})
                inserted.append(event_id)
        return inserted

    def _write_contributions(self, document: Document) -> None:
        """Make the item's speeches those the document lists."""
        self.db.execute("delete from contributions where item_id = ?", [document.id])
        rows = [_contribution_row(document.id, c) for c in document.contributions]
        if rows:
            names = ", ".join(f"[{c}]" for c in rows[0])
            self.db.conn.executemany(
                f"insert or replace into contributions ({names})"
                f" values ({', '.join('?' * len(rows[0]))})",
                [list(row.values()) for row in rows],
            )

    def _write_version(self, item_id: str, version: str, seen_at: str) -> bool:
        cursor = self.db.execute(
            "insert or ignore into versions (item_id, content_hash, seen_at) values (?, ?, ?)",
            [item_id, version, seen_at],
        )
        return cursor.rowcount == 1

    def _write_silent_change(self, document: Document, version: str, seen_at: str) -> None:
        """Record a change the source did not announce, dated on the day we saw it."""
        key = f"{SILENT_CHANGE_KEY_PREFIX}{version[:12]}"
        self.db.execute(
            "insert or ignore into events (id, item_id, kind, date, title, summary, url,"
            " first_seen) values (?, ?, ?, ?, '', ?, '', ?)",
            [
                f"{document.id}:{document.silent_change_kind}:{key}",
                document.id,
                document.silent_change_kind,
                seen_at[:10],
                "Changed without a change note: the text or attachments differ from "
                "the version seen before.",
                seen_at,
            ],
        )

    # --- derived rows ------------------------------------------------------------------

    def write_citations(self, item_id: str, cites: dict[str, str]) -> None:
        """Replace the item's citations: they are derived from its text."""
        self.db.execute("delete from citations where item_id = ?", [item_id])
        if cites:
            self.db.conn.executemany(
                "insert into citations (item_id, legislation_id, matched_text) values (?, ?, ?)",
                [(item_id, legislation_id, text) for legislation_id, text in cites.items()],
            )

    def write_rule_tags(self, item_id: str, tags: list[Tag]) -> None:
        """Replace the tags the rules gave the item (staff overrides live elsewhere)."""
        self.db.execute("delete from item_campaigns where item_id = ?", [item_id])
        if tags:
            self.db.conn.executemany(
                "insert or ignore into item_campaigns (item_id, campaign, rule, terms, status,"
                " score, context) values (?, ?, ?, ?, ?, ?, ?)",
                [
                    (item_id, t.campaign, t.rule, json.dumps(list(t.terms)), t.status, t.score,
                     t.context)
                    for t in tags
                ],
            )  # fmt: skip

    # --- reading back what re-tagging and curation need --------------------------------

    def texts_after(self, rowid: int, limit: int) -> list[StoredText]:
        """Up to `limit` items after `rowid`, in rowid order: re-tagging reads the whole
        table a chunk at a time, so memory stays bounded at any size."""
        rows = self.db.execute(
            "select rowid, id, source, title, summary, body from items"
            " where rowid > ? order by rowid limit ?",
            [rowid, limit],
        ).fetchall()
        return [StoredText(*row) for row in rows]

    def rule_tags_of(self, item_ids: Iterable[str]) -> dict[str, set[tuple[Any, ...]]]:
        """Item id -> its rule tags as (campaign, rule, terms JSON, status, score, context)."""
        return self._grouped(
            "select item_id, campaign, rule, terms, status, score, context from item_campaigns",
            item_ids,
        )

    def citations_of(self, item_ids: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
        """Item id -> its citations as (legislation id, matched text)."""
        return self._grouped(
            "select item_id, legislation_id, matched_text from citations", item_ids
        )

    def _grouped(self, select: str, item_ids: Iterable[str]) -> dict[str, set[Any]]:
        grouped: dict[str, set[Any]] = {}
        rows = self.db.execute(
            f"{select} where item_id in (select value from json_each(?))",
            [json.dumps(list(item_ids))],
        )
        for item_id, *rest in rows:
            grouped.setdefault(item_id, set()).add(tuple(rest))
        return grouped

    def item_exists(self, item_id: str) -> bool:
        return self.db.execute("select 1 from items where id = ?", [item_id]).fetchone() is not None

    def item_ids_of_source(self, source: str) -> set[str]:
        rows = self.db.execute("select id from items where source = ?", [source])
        return {item_id for (item_id,) in rows}

    def titles_and_dates_of_source(self, source: str) -> dict[str, tuple[str, str]]:
        """Each stored item of `source`: its title and its first event's date."""
        rows = self.db.execute(
            "select items.id, items.title, (select min(date) from events"
            " where events.item_id = items.id) from items where source = ?",
            [source],
        )
        return {item_id: (title, day or "") for item_id, title, day in rows}

    def row_keys(self, table: str, columns: tuple[str, ...]) -> set[tuple[str, ...]]:
        """The keys (`columns`) of every row of a staff table."""
        names = ", ".join(f"[{column}]" for column in columns)
        return {tuple(row) for row in self.db.execute(f"select {names} from [{table}]")}

    def remove_items(self, item_ids: Iterable[str]) -> None:
        """Take items off the timeline with everything that belongs to them. Only the
        staff's own records (campaign events taken out of their file) are ever removed."""
        ids = [(item_id,) for item_id in item_ids]
        for table in tables_of_items():
            self.db.conn.executemany(f"delete from [{table}] where item_id = ?", ids)
        self.db.conn.executemany("delete from items where id = ?", ids)

    def replace_rows(self, table: str, rows: list[dict[str, str]]) -> None:
        """Make a staff table (overrides, notes) exactly `rows`."""
        self.db.execute(f"delete from [{table}]")
        for row in rows:
            self._insert(table, row)

    def state(self, key: str) -> str | None:
        row = self.db.execute("select value from state where key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        self.db.execute(
            "insert into state (key, value) values (?, ?)"
            " on conflict (key) do update set value = excluded.value",
            [key, value],
        )

    def sync_campaigns(self, campaigns: Iterable[dict[str, Any]]) -> None:
        """Make the `campaigns` table say what the rules file says (slugs never removed)."""
        for row in campaigns:
            self.db.execute(
                "insert into campaigns (slug, hashtag, title, description, show_suggested_from)"
                " values (:slug, :hashtag, :title, :description, :show_suggested_from)"
                " on conflict (slug) do update set hashtag = excluded.hashtag,"
                " title = excluded.title, description = excluded.description,"
                " show_suggested_from = excluded.show_suggested_from",
                {"show_suggested_from": 0.0, **row},
            )

    # Plain SQL rather than sqlite-utils' insert/update, which look the table up on every
    # call: storage writes several rows per item, and that look-up was most of its time.
    def _insert(self, table: str, row: dict[str, Any]) -> None:
        names = ", ".join(f"[{c}]" for c in row)
        self.db.execute(
            f"insert into [{table}] ({names}) values ({', '.join('?' * len(row))})",
            list(row.values()),
        )

    def _update(self, table: str, pk: str, row: dict[str, Any]) -> None:
        sets = ", ".join(f"[{c}] = ?" for c in row if c != pk)
        values = [v for c, v in row.items() if c != pk]
        self.db.execute(f"update [{table}] set {sets} where [{pk}] = ?", [*values, row[pk]])


def _contribution_row(item_id: str, contribution: Contribution) -> dict[str, Any]:
    return {
        "id": f"{item_id}:{contribution.external_id}",
        "item_id": item_id,
        "external_id": contribution.external_id,
        "position": contribution.order,
        "member_id": contribution.member_id,
        "member_name": contribution.member_name,
        "column_ref": contribution.column,
        "text": contribution.text,
        "url": contribution.url,
        "role": contribution.role,
        "party": contribution.party,
        "constituency": contribution.constituency,
    }
