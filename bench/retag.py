"""Figure 7: re-tagging everything, as `scrapy retag --confirm` does after a rules change.

The real command runs on a copy of a generated database (its tags come from a "bench
rule", so a re-tag with data/campaigns.yml changes many of them, and `--confirm` lets it
remove them). While it runs, a probe in this process asks for the write lock every
50 ms (`BEGIN IMMEDIATE`, then rolls back), as the nightly job or a staff command would:
the longest it waits is the longest write transaction the re-tag held.

Baseline: reading every stored text the way the re-tag reads them (a chunk at a time,
`TimelineStore.texts_after`), on the same copy: what re-tagging costs before any tagging.
Targets: under 10 minutes per million items, no write transaction held over a second,
peak RSS under 300 MB (figure 5).
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import (
    PYTHON,
    ROOT,
    Figure,
    Scale,
    alternating,
    copy_on_disk,
    data_dir,
    from_runs,
    run_measured,
)
from bench.generate import DATABASE_VERSION, build_database
from pipelines.database import open_database
from pipelines.retag import CHUNK_SIZE
from pipelines.storage import TimelineStore

SECONDS_PER_MILLION = 600
LOCK_TARGET_SECONDS = 1.0
PROBE_EVERY = 0.05


def database(scale: Scale) -> Path:
    events = scale.retag_events
    name = f"timeline-v{DATABASE_VERSION}-{events}-{events * 3}"
    return build_database(data_dir(scale, name) / "timeline.db", events, events * 3)


class LockProbe:
    """Asks for the write lock every PROBE_EVERY seconds; remembers the longest wait."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.longest = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        try:
            while not self.stop.is_set():
                start = time.perf_counter()
                conn.execute("begin immediate")
                self.longest = max(self.longest, time.perf_counter() - start)
                conn.execute("rollback")
                self.stop.wait(PROBE_EVERY)
        finally:
            conn.close()

    def __enter__(self) -> LockProbe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def read_everything(path: Path) -> int:
    """The floor: every stored text, read as the re-tag reads them."""
    db = open_database(path)
    try:
        store = TimelineStore(db)
        after, items = 0, 0
        while chunk := store.texts_after(after, CHUNK_SIZE):
            items += len(chunk)
            after = chunk[-1].rowid
        return items
    finally:
        db.conn.close()


def measure(
    scale: Scale, runs: int | None = None, command: list[str] | None = None
) -> tuple[list[Figure], dict[str, Any]]:
    """Figure 7 (`command` plants a regression in the tests)."""
    source = database(scale)
    items = scale.retag_events + 1  # and the most-cited instrument
    command = command or [PYTHON, "-m", "scrapy.cmdline", "retag", "--confirm"]
    problems: list[str] = []
    longest: list[float] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-retag-", dir=source.parent) as tmp:
        copy = Path(tmp, "timeline.db")

        def retag_seconds() -> float:
            copy_on_disk(source, copy)
            env = {**os.environ, "TIMELINE_DB": str(copy)}
            with LockProbe(copy) as probe:
                code, output, peak, seconds = run_measured(command, cwd=ROOT, env=env)
            if code != 0:
                raise RuntimeError(f"retag failed ({code}):\n{output[-3000:]}")
            done = re.search(r"Re-tagged (\d+) items", output)
            if not done or int(done.group(1)) != items:
                problems.append(f"re-tagged {done.group(1) if done else 'no'} of {items} items")
            longest.append(probe.longest)
            peaks.append(peak)
            return seconds

        def read_seconds() -> float:
            copy_on_disk(source, copy)
            start = time.perf_counter()
            read = read_everything(copy)
            seconds = time.perf_counter() - start
            if read != items:
                problems.append(f"the floor read {read} of {items} items")
            return seconds

        values, baselines = alternating(retag_seconds, read_seconds, runs or scale.retag_runs)
    target = SECONDS_PER_MILLION * items / 1_000_000
    if max(longest) > LOCK_TARGET_SECONDS:
        problems.append(f"held the write lock for {max(longest):.1f} s at once")
    figure = from_runs(
        f"7 re-tag everything ({items:,} items; longest write transaction {max(longest):.2f} s)",
        values,
        baselines,
        unit="s",
        baseline_label="reading every text the same way, no tagging",
        target=f"< {target:.0f} s (10 min per million items), write lock <= 1 s at once",
        met=lambda value, _ratio: value < target,
        problems=list(dict.fromkeys(problems)),
    )
    return [figure], {
        "retag_rss_mb": max(peaks),
        "database_mb": source.stat().st_size / 1e6,
        "longest_lock_seconds": max(longest),
    }
