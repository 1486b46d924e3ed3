"""Opening the timeline database, and saying plainly when it cannot be used.

The database is the published record: a missing, empty, corrupt or read-only file is
never quietly replaced by a new empty one. Each of those is a `DatabaseUnusable` error
whose message is one sentence a person can act on. Only a command that is meant to
start a timeline (the nightly job) may create the file, and only where nothing is.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

#: Seconds a writer waits for another writer's transaction before giving up: the nightly
#: job's batches are short, so this only runs out when something holds a lock for long.
BUSY_TIMEOUT = 30


class DatabaseUnusable(Exception):
    """The timeline database cannot be opened as asked; the message says why and what
    to do, in one sentence."""


def open_database(path: str | Path, *, create: bool = False) -> sqlite_utils.Database:
    """Open the timeline database to write to it (WAL, foreign keys on).

    With `create`, a file that does not exist yet is created (its folder must exist).
    The schema is never touched here: see `pipelines.schema.migrate`.
    """
    path = Path(path)
    check_file(path, create=create)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)
        db = sqlite_utils.Database(conn)
        db.execute("pragma journal_mode = wal")
        db.execute("pragma synchronous = normal")
        db.execute("pragma foreign_keys = on")
        db.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise DatabaseUnusable(_unusable(path, error)) from None
    return db


def check_file(path: Path, *, create: bool = False) -> None:
    """Raise DatabaseUnusable unless `path` is a file the timeline can be kept in."""
    if not path.exists():
        if not create:
            raise DatabaseUnusable(
                f"There is no timeline database at {path}: run the nightly job "
                "(make nightly) to create it, or set TIMELINE_DB to the right file."
            )
        if not path.parent.is_dir():
            raise DatabaseUnusable(
                f"Cannot create the timeline database {path}: the folder {path.parent} "
                "does not exist (check TIMELINE_DB)."
            )
        return
    if path.is_dir():
        raise DatabaseUnusable(f"{path} is a folder, not a database file (check TIMELINE_DB).")
    if path.stat().st_size == 0:
        raise DatabaseUnusable(
            f"{path} is empty (0 bytes), so it is not a timeline database: restore it from "
            "a backup, or delete it to start a new timeline."
        )
    if not os.access(path, os.W_OK):
        raise DatabaseUnusable(
            f"{path} is read-only, so nothing can be stored in it: make it writable by the "
            "user that runs the job."
        )


def _unusable(path: Path, error: sqlite3.DatabaseError) -> str:
    if "not a database" in str(error) or "malformed" in str(error):
        return (
            f"{path} is not a readable SQLite database ({error}): restore it from a backup, "
            "or move it aside to start a new timeline."
        )
    if "readonly" in str(error) or "read-only" in str(error):
        return f"{path} cannot be written ({error}): check the file's and its folder's permissions."
    return f"{path} cannot be opened as the timeline database: {error}."
