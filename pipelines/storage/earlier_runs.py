"""Spiders' read-only view of what earlier runs stored (`timeline_spiders.context`)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from timeline_spiders.context import StoredItem


class StoredEarlierRuns:
    """Answers `EarlierRuns` questions from the timeline database, opened read-only for
    each question (a spider reads a few times per run; it never writes)."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)

    def _rows(self, sql: str, params: list[str]) -> list[tuple]:
        if not self.db_path.exists():
            return []  # the first run: nothing stored yet
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def last_success(self, source: str) -> datetime | None:
        rows = self._rows(
            "select max(started_at) from runs where source = ? and status = 'ok'", [source]
        )
        return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def item_ids(self, source: str) -> set[str]:
        rows = self._rows("select id from items where source = ?", [source])
        return {item_id for (item_id,) in rows}

    def live_items(self, source: str) -> list[StoredItem]:
        return self._items(
            "select id, title, metadata from items where source = ? and gone_at is null"
            " order by id",
            [source],
        )

    def items_with_event(self, source: str, kind: str) -> list[StoredItem]:
        return self._items(
            "select id, title, metadata from items where source = ? and exists ("
            " select 1 from events where events.item_id = items.id and events.kind = ?)"
            " order by id",
            [source, kind],
        )

    def feeds_read_since(self, since: datetime) -> set[str]:
        rows = self._rows(
            "select url from feeds where fetched_at >= ?", [since.isoformat(timespec="seconds")]
        )
        return {url for (url,) in rows}

    def _items(self, sql: str, params: list[str]) -> list[StoredItem]:
        return [
            StoredItem(item_id, title, json.loads(metadata or "{}"))
            for item_id, title, metadata in self._rows(sql, params)
        ]
