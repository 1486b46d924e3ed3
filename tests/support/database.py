"""A timeline database as the nightly job leaves it before its first crawl."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from pipelines.database import open_database
from pipelines.schema import migrate
from pipelines.storage import TimelineStore
from pipelines.tagging import load_rules

ROOT = Path(__file__).resolve().parents[2]


def new_database(path: Path, *, campaigns: bool = True) -> sqlite_utils.Database:
    """A new database with the current schema (and the campaigns from the rules file)."""
    db = open_database(path, create=True)
    migrate(db)
    if campaigns:
        rules = load_rules(ROOT / "data" / "campaigns.yml")
        with db.atomic():
            TimelineStore(db).sync_campaigns(rules.campaign_rows())
    return db
