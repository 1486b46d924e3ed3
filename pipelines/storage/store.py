"""Storage: upsert each item by its stable key, in one transaction, never deleting.

An item whose content is unchanged writes nothing but `last_seen`. A changed item
keeps its `first_seen` and its events' `first_seen` (the "new since" feeds depend on
them), records a new version, and replaces its derived rows (citations and rule tags);
staff tag overrides are never touched here. A killed process leaves each item either
fully stored or not at all.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from datetime import UTC, datetime
from typing import Literal

import sqlite_utils

from pipelines.schema import open_database
from pipelines.tagging import CampaignRules, load_rules
from timeline_spiders.items import AmendmentList, Document, Event, Gone, Tag

Outcome = Literal["new", "changed", "unchanged"]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def event_id(item_id: str, event: Event) -> str:
    return ":".join(part for part in (item_id, event.kind, event.key) if part)


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


class TimelineStore:
    """Writes documents into the timeline database."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: str) -> TimelineStore:
        return cls(open_database(path))

    def sync_campaigns(self, rules: CampaignRules) -> None:
        """Make the `campaigns` table say what the rules file says (slugs are never removed)."""
        with self.db.conn:
            self.db["campaigns"].upsert_all(
                (
                    {
                        "slug": c.slug,
                        "hashtag": c.hashtag,
                        "title": c.title,
                        "description": c.description,
                    }
                    for c in rules.campaigns
                ),
                pk="slug",
            )

    def save(self, document: Document, seen_at: str | None = None) -> Outcome:
        """Store `document` in a transaction of its own; say if it was new, changed or not."""
        with self.db.conn:
            return self.write(document, seen_at)

    def write(self, document: Document, seen_at: str | None = None) -> Outcome:
        """Store `document` inside the caller's transaction."""
        seen_at = seen_at or utc_now()
        digest = content_hash(document)
        version = document.fingerprint or digest
        stored = self.db.execute(
            "select content_hash, gone_at from items where id = ?", [document.id]
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
        new_version = self._write_version(document.id, version, seen_at)
        if stored and new_version and not new_events and document.silent_change_kind:
            self._write_silent_change(document, version, seen_at)
        return "new" if stored is None else "changed"

    def mark_gone(self, gone: Gone, seen_at: str | None = None) -> bool:
        """Mark a stored item as no longer served; True if it was stored and not yet gone."""
        with self.db.conn:
            return self.write_gone(gone, seen_at)

    def write_gone(self, gone: Gone, seen_at: str | None = None) -> bool:
        cursor = self.db.execute(
            "update items set gone_at = ? where id = ? and gone_at is null",
            [seen_at or utc_now(), gone.id],
        )
        return cursor.rowcount == 1

    def write_amendments(self, listed: AmendmentList, seen_at: str | None = None) -> int:
        """Store the links a changes feed lists (never removed) and when the feed was read,
        inside the caller's transaction; return how many links were new."""
        seen_at = seen_at or utc_now()
        new = 0
        for amendment in listed.amendments:
            cursor = self.db.execute(
                "insert or ignore into amendments (affecting_id, affected_id, effect_type,"
                " affected_provisions, affecting_title, affected_title, first_seen)"
                " values (?, ?, ?, ?, ?, ?, ?)",
                [
                    amendment.affecting_id,
                    amendment.affected_id,
                    amendment.effect_type,
                    amendment.affected_provisions,
                    amendment.affecting_title,
                    amendment.affected_title,
                    seen_at,
                ],
            )
            new += cursor.rowcount
        self.db.execute(
            "insert into feeds (url, fetched_at) values (?, ?)"
            " on conflict (url) do update set fetched_at = excluded.fetched_at",
            [listed.feed_url, seen_at],
        )
        return new

    def _write_version(self, item_id: str, version: str, seen_at: str) -> bool:
        cursor = self.db.execute(
            "insert or ignore into versions (item_id, content_hash, seen_at) values (?, ?, ?)",
            [item_id, version, seen_at],
        )
        return cursor.rowcount == 1

    def _write_silent_change(self, document: Document, version: str, seen_at: str) -> None:
        """Record a change the source did not announce, dated on the day we saw it."""
        event = Event(
            kind=document.silent_change_kind,
            date=seen_at[:10],
            key=f"unannounced-{version[:12]}",
            summary="Changed without a change note: the text or attachments differ from "
            "the version seen before.",
        )
        self.db.execute(
            "insert or ignore into events (id, item_id, kind, date, title, summary, url,"
            " first_seen) values (?, ?, ?, ?, '', ?, '', ?)",
            [
                event_id(document.id, event),
                document.id,
                event.kind,
                event.date,
                event.summary,
                seen_at,
            ],
        )

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
        """Insert new events, update changed ones; return the ids of new events."""
        inserted = []
        for event in document.events:
            row = {
                "id": event_id(document.id, event),
                "item_id": document.id,
                "kind": event.kind,
                "date": event.date,
                "title": event.title,
                "summary": event.summary,
                "url": event.url,
            }
            existing = self.db.execute("select 1 from events where id = ?", [row["id"]]).fetchone()
            if existing:
                self._update("events", "id", row)
            else:
                self._insert("events", {**row, "first_seen": seen_at})
                inserted.append(row["id"])
        return inserted

    def _write_contributions(self, document: Document) -> None:
        rows = [
            {
                "id": f"{document.id}:{c.external_id}",
                "item_id": document.id,
                "external_id": c.external_id,
                "position": c.order,
                "member_id": c.member_id,
                "member_name": c.member_name,
                "column_ref": c.column,
                "text": c.text,
                "url": c.url,
            }
            for c in document.contributions
        ]
        if rows:
            columns = list(rows[0])
            updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != "id")
            self.db.conn.executemany(
                f"insert into contributions ({', '.join(f'[{c}]' for c in columns)})"
                f" values ({', '.join('?' * len(columns))})"
                f" on conflict (id) do update set {updates}",
                [list(row.values()) for row in rows],
            )

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
                "insert or ignore into item_campaigns (item_id, campaign, rule, terms)"
                " values (?, ?, ?, ?)",
                [(item_id, t.campaign, t.rule, json.dumps(list(t.terms))) for t in tags],
            )

    # Plain SQL rather than sqlite-utils' insert/update, which look the table up on every
    # call: storage writes several rows per item, and that look-up was most of its time.
    def _insert(self, table: str, row: dict) -> None:
        names = ", ".join(f"[{c}]" for c in row)
        self.db.execute(
            f"insert into [{table}] ({names}) values ({', '.join('?' * len(row))})",
            list(row.values()),
        )

    def _update(self, table: str, pk: str, row: dict) -> None:
        sets = ", ".join(f"[{c}] = ?" for c in row if c != pk)
        values = [v for c, v in row.items() if c != pk]
        self.db.execute(f"update [{table}] set {sets} where [{pk}] = ?", [*values, row[pk]])


class StoragePipeline:
    """Store items in batches and count what happened to each in the crawl's stats.

    Items are buffered and written STORAGE_BATCH_SIZE at a time (or after
    STORAGE_BATCH_SECONDS) in one transaction, synchronously, so no transaction stays
    open while other spiders in the same process write. Each item has a savepoint of its
    own: an item that fails to store is rolled back alone and reported with its URL, and
    a killed process leaves every item either whole or absent. Committing per batch
    rather than per item is most of the difference between this and a bare executemany.
    """

    def __init__(
        self,
        db_path: str,
        rules_path: str,
        stats,
        *,
        batch_size: int = 50,
        batch_seconds: float = 1.0,
        on_error=None,
    ) -> None:
        self.db_path = db_path
        self.rules_path = rules_path
        self.stats = stats
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.on_error = on_error
        self.store: TimelineStore | None = None
        self.pending: list[Document | Gone | AmendmentList] = []
        self.batch_started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler) -> StoragePipeline:
        settings = crawler.settings

        def report(url: str, reason: str) -> None:
            crawler.spider.record_error(url, reason)

        return cls(
            settings.get("TIMELINE_DB"),
            settings.get("CAMPAIGN_RULES"),
            crawler.stats,
            batch_size=settings.getint("STORAGE_BATCH_SIZE"),
            batch_seconds=settings.getfloat("STORAGE_BATCH_SECONDS"),
            on_error=report,
        )

    def open_spider(self) -> None:
        self.store = TimelineStore.open(self.db_path)
        self.store.sync_campaigns(load_rules(self.rules_path))

    def close_spider(self) -> None:
        if self.store is not None:
            self.flush()
            self.store.db.conn.close()

    def process_item(
        self, item: Document | Gone | AmendmentList
    ) -> Document | Gone | AmendmentList:
        if not self.pending:
            self.batch_started = time.monotonic()
        self.pending.append(item)
        waited = time.monotonic() - self.batch_started
        if len(self.pending) >= self.batch_size or waited >= self.batch_seconds:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the buffered items in one transaction, one savepoint per item."""
        assert self.store is not None
        pending, self.pending = self.pending, []
        if not pending:
            return
        db, seen_at = self.store.db, utc_now()
        db.execute("begin")
        try:
            for item in pending:
                db.execute("savepoint item")
                try:
                    self._write(item, seen_at)
                except sqlite3.Error as error:
                    db.execute("rollback to item")
                    self._report(item, error)
                finally:
                    db.execute("release item")
            db.conn.commit()
        except BaseException:
            db.conn.rollback()
            raise

    def _write(self, item: Document | Gone | AmendmentList, seen_at: str) -> None:
        assert self.store is not None
        if isinstance(item, AmendmentList):
            new = self.store.write_amendments(item, seen_at)
            self.stats.inc_value("timeline/amendments_new", new)
        elif isinstance(item, Gone):
            if self.store.write_gone(item, seen_at):
                self.stats.inc_value("timeline/items_gone")
        else:
            outcome = self.store.write(item, seen_at)
            self.stats.inc_value(f"timeline/items_{outcome}")

    def _report(self, item: Document | Gone | AmendmentList, error: Exception) -> None:
        url = getattr(item, "url", "") or getattr(item, "feed_url", "")
        reason = f"not stored: {type(error).__name__}: {error}"
        if self.on_error is not None:
            self.on_error(url, reason)
        else:
            raise error
