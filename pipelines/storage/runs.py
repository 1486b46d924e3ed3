"""The run report as stored: one `runs` row per source per run (shown on /status)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pipelines.database import open_database


class RunLog:
    """Writes and reads `runs` rows. Each call opens its own short connection: the run
    recorder writes twice per source per run, and must not hold the database open."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = db_path

    def started(self, row: dict[str, Any]) -> int:
        """Record a run as `running` (so a killed run stays visible); return its id."""
        db = open_database(self.db_path)
        try:
            with db.atomic():
                names = ", ".join(f"[{name}]" for name in row)
                cursor = db.execute(
                    f"insert into runs ({names}) values ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
            assert cursor.lastrowid is not None
            return cursor.lastrowid
        finally:
            db.conn.close()

    def finished(self, run_id: int, row: dict[str, Any]) -> None:
        db = open_database(self.db_path)
        try:
            with db.atomic():
                sets = ", ".join(f"[{name}] = ?" for name in row)
                db.execute(f"update runs set {sets} where id = ?", [*row.values(), run_id])
        finally:
            db.conn.close()

    def item_counts(self, source: str) -> tuple[int, int]:
        """(items stored, items still live) for `source`."""
        db = open_database(self.db_path)
        try:
            stored, live = db.execute(
                "select count(*), count(*) - count(gone_at) from items where source = ?",
                [source],
            ).fetchone()
            return stored, live
        finally:
            db.conn.close()

    def live_items_at_last_success(self, source: str) -> int | None:
        db = open_database(self.db_path)
        try:
            row = db.execute(
                "select items_live from runs where source = ? and status = 'ok'"
                " order by id desc limit 1",
                [source],
            ).fetchone()
            return row[0] if row else None
        finally:
            db.conn.close()

    def last_starts(self) -> dict[str, tuple[datetime | None, datetime]]:
        """For each source that ever ran: when its last successful run started (None if
        none did) and when its last run of any outcome started."""
        db = open_database(self.db_path)
        try:
            rows = db.execute(
                "select source, max(case when status = 'ok' then started_at end),"
                " max(started_at) from runs group by source"
            ).fetchall()
        finally:
            db.conn.close()
        return {
            source: (
                datetime.fromisoformat(success) if success else None,
                datetime.fromisoformat(attempt),
            )
            for source, success, attempt in rows
        }
