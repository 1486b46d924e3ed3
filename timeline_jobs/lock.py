"""One writing job at a time per database.

Two nightly runs at once (a cron overlap, a manual run during the scheduled one) would
interleave their writes and their run reports. Every job that writes takes an exclusive
lock on `<database>.lock` first; a second job finds it held, says who holds it, and
stops without writing. The operating system releases the lock when its holder exits,
however it exits, so a killed job never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.database import check_file


class JobLocked(Exception):
    """Another job holds the database's lock; the message says which."""


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def exclusive_job(db_path: str | Path, command: str) -> Iterator[None]:
    """Hold the database's job lock for the block, or raise JobLocked at once.

    The lock file sits beside the database, so a database path in a folder that does not
    exist is refused first (DatabaseUnusable), never a traceback or a new folder."""
    check_file(Path(db_path), create=True)
    path = lock_path(db_path)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise JobLocked(_held_by(handle.read(), path)) from None
        handle.seek(0)
        handle.truncate()
        holder = {
            "command": command,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        handle.write(json.dumps(holder))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _held_by(text: str, path: Path) -> str:
    try:
        holder = json.loads(text)
        who = (
            f"`{holder['command']}` (process {holder['pid']} on {holder['host']}, "
            f"started {holder['started_at']})"
        )
    except (ValueError, KeyError, TypeError):
        who = "another job"
    return f"{who} is already writing to this timeline ({path} is locked); not starting."
