"""A published copy of the timeline, swapped in whole: for serving a larger audience.

`python -m timeline_site.publish LIVE PUBLISHED` copies the database the nightly job
writes (LIVE) to a new file beside PUBLISHED with SQLite's backup API (a consistent
snapshot, even while the job writes), makes it a plain rollback-journal file (a copy
served immutable must not need a WAL), and renames it over PUBLISHED in one step
(`os.replace`): a reader opens either the old copy or the new one, never half of one.

`bin/serve` with `TIMELINE_IMMUTABLE=1` serves PUBLISHED as an immutable file (no
locking, no WAL reads; the copy can also go to `datasette publish` or `datasette
package` unchanged). `PublishedDatabase` notices the rename (the path's inode changes)
on the next query and opens the new copy: each SQL thread closes its connection to the
old copy and opens one to the new; a query already running on the old copy finishes on
it (the renamed-over file lives until its last connection closes).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasette.database import connections

from timeline_site.sql_threads import TimelineDatabase


def publish(live: str | Path, published: str | Path) -> Path:
    """Copy `live` to `published` and swap it in atomically; return `published`."""
    live, published = Path(live), Path(published)
    new = published.with_name(f".{published.name}.new")
    new.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{live}?mode=ro", uri=True)
    target = sqlite3.connect(new)
    try:
        source.backup(target)
        target.execute("pragma journal_mode = delete")
        target.commit()
    finally:
        target.close()
        source.close()
    with open(new, "rb") as copy:
        os.fsync(copy.fileno())
    os.replace(new, published)
    return published


class PublishedDatabase(TimelineDatabase):
    """A Datasette database over a file that may be replaced whole (by `publish`)."""

    def __init__(self, ds: Any, path: str, **kwargs: Any) -> None:
        super().__init__(ds, path=path, **kwargs)
        self.generation = 0
        self._inode = self._current_inode()
        self._lock = threading.Lock()

    def _current_inode(self) -> tuple[int, int]:
        stat = os.stat(self.path)
        return stat.st_dev, stat.st_ino

    def swapped(self) -> bool:
        """Whether a new copy was renamed over the path since it was last looked at."""
        try:
            inode = self._current_inode()
        except FileNotFoundError:
            return False  # mid-swap on a file system without atomic rename: keep the old
        with self._lock:
            if inode == self._inode:
                return False
            self._inode = inode
            self.generation += 1
            self.cached_hash = self.cached_size = self._cached_table_counts = None
            return True

    async def execute_fn(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        self.swapped()
        return await super().execute_fn(fn)

    def thread_connection(self) -> sqlite3.Connection:
        """The calling thread's connection to the current copy: one to an older copy is
        closed and a new one opened."""
        generation, key = self.generation, f"published:{self.name}"
        held = getattr(connections, key, None)
        if held is None or held[0] != generation:
            if held is not None:
                held[1].close()
            conn = self.connect()
            self.ds._prepare_connection(conn, self.name)
            held = (generation, conn)
            setattr(connections, key, held)
        connection: sqlite3.Connection = held[1]
        return connection


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: python -m timeline_site.publish LIVE.db PUBLISHED.db", file=sys.stderr)
        return 2
    print(f"Published {publish(sys.argv[1], sys.argv[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
