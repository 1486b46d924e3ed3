"""Figure 1: pipeline throughput against a plain sqlite3 `executemany` of the same rows.

Synthetic contributions come as real debates: one `Document` per debate section with
`per_debate` contributions, exactly what `parse_debate` yields (a smoke test checks
that), because that is the unit the crawler hands to the pipelines and storage writes in
one go. Throughput is counted in contributions per second.

Measured: DatePipeline, CitationPipeline, TaggingPipeline (data/campaigns.yml) and
StoragePipeline (TimelineStore: batches of the crawl's STORAGE_BATCH_SIZE items, each
batch one transaction) over every document, into a new database.
Baseline: the rows storage would write (items, events, contributions) inserted with
`executemany` in one transaction into a new database with the same schema (indexes and
search index included): the fastest way SQLite can store those rows, so the ratio is
the cost of our code, not of SQLite. Both write the same rows (checked, or the figure
fails); the median of `runs` runs in alternating order is reported with min and max, and
the seconds each derivation stage takes alone are printed with it.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, cast

from scrapy.statscollectors import StatsCollector

from bench.common import ROOT, Figure, Scale, alternating, from_runs
from bench.generate import debate_document, debates
from pipelines.citations import CitationPipeline
from pipelines.database import open_database
from pipelines.dates import DatePipeline
from pipelines.schema import migrate
from pipelines.storage import content_hash
from pipelines.storage.pipeline import StoragePipeline
from pipelines.storage.store import event_ids
from pipelines.tagging import TaggingPipeline
from timeline_spiders.items import Document
from timeline_spiders.settings import STORAGE_BATCH_SECONDS, STORAGE_BATCH_SIZE

RULES = str(ROOT / "data" / "campaigns.yml")
TARGET = 1 / 3


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count


def run_pipelines(documents: list[Document], db_path: Path) -> Counter[str]:
    """Every document through the real pipelines, as the crawler runs them."""
    stats = Stats()
    stages: list[Any] = [DatePipeline(), CitationPipeline(), TaggingPipeline(RULES)]
    storage = StoragePipeline(
        str(db_path),
        RULES,
        cast(StatsCollector, stats),
        report_error=_fail,
        batch_size=STORAGE_BATCH_SIZE,
        batch_seconds=STORAGE_BATCH_SECONDS,
    )
    storage.open_spider()
    try:
        for document in documents:
            for stage in stages:
                document = stage.process_item(document)
            storage.process_item(document)
    finally:
        storage.close_spider()
    return stats.values


def _fail(url: str, reason: str) -> None:
    raise AssertionError(f"{url}: {reason}")


def rows_of(documents: list[Document], seen_at: str) -> dict[str, list[tuple]]:
    """The rows storage writes for each document (items, events, contributions)."""
    rows: dict[str, list[tuple]] = {"items": [], "events": [], "contributions": []}
    for d in documents:
        rows["items"].append(
            (d.id, d.source, d.doc_type, d.title, d.summary, d.body, d.url,
             json.dumps(d.metadata, sort_keys=True), content_hash(d), seen_at, seen_at, seen_at)
        )  # fmt: skip
        for event_id, e in event_ids(d):
            rows["events"].append(
                (event_id, d.id, e.kind, e.date, e.title, e.summary, e.url, seen_at)
            )
        for c in d.contributions:
            rows["contributions"].append(
                (f"{d.id}:{c.external_id}", d.id, c.external_id, c.order, c.member_id,
                 c.member_name, c.column, c.text, c.url)
            )  # fmt: skip
    return rows


def executemany_rows(rows: dict[str, list[tuple]], db_path: Path) -> None:
    _new_database(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            "insert into items (id, source, doc_type, title, summary, body, url, metadata,"
            " content_hash, first_seen, last_seen, last_changed) values (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows["items"],
        )
        conn.executemany(
            "insert into events (id, item_id, kind, date, title, summary, url, first_seen)"
            " values (?,?,?,?,?,?,?,?)",
            rows["events"],
        )
        conn.executemany(
            "insert into contributions (id, item_id, external_id, position, member_id,"
            " member_name, column_ref, text, url) values (?,?,?,?,?,?,?,?,?)",
            rows["contributions"],
        )
    conn.close()


def _new_database(path: Path) -> None:
    db = open_database(path, create=True)
    migrate(db)
    db.conn.close()


def stage_seconds(documents: list[Document]) -> dict[str, float]:
    """Seconds each derivation stage takes over `documents` (copies): where the
    pipeline's time goes, printed with the figure."""
    spent = {}
    for stage in (DatePipeline(), CitationPipeline(), TaggingPipeline(RULES)):
        start = time.perf_counter()
        for document in documents:
            stage.process_item(document)
        spent[type(stage).__name__] = time.perf_counter() - start
    return spent


def table_counts(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(db_path)
    try:
        return {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("items", "events", "contributions")
        }
    finally:
        conn.close()


def measure(scale: Scale, runs: int | None = None, write_rows=None) -> list[Figure]:
    """Figure 1: the pipelines and the baseline, `runs` times in alternating order.

    `write_rows` is the baseline (the tests plant a wrong one to see the check fail)."""
    write_rows = write_rows or executemany_rows
    count = max(1, scale.contributions // scale.per_debate)
    documents = [debate_document(d) for d in debates(count, scale.per_debate, seed=1)]
    contributions = sum(len(d.contributions) for d in documents)
    rows = rows_of(documents, "2025-01-01T02:00:00+00:00")
    problems: list[str] = []
    tagged = 0
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        turn = 0

        def pipelines_rate() -> float:
            nonlocal tagged, turn
            turn += 1
            fresh = copy.deepcopy(documents)
            path = Path(tmp, f"timeline-{turn}.db")
            start = time.perf_counter()
            stats = run_pipelines(fresh, path)
            seconds = time.perf_counter() - start
            if stats["timeline/items_new"] != len(documents):
                problems.append(f"stored {stats['timeline/items_new']} of {len(documents)} items")
            tagged = sum(1 for d in fresh if d.campaigns)
            check_same_rows(path)
            path.unlink()
            return contributions / seconds

        def baseline_rate() -> float:
            nonlocal turn
            turn += 1
            path = Path(tmp, f"baseline-{turn}.db")
            start = time.perf_counter()
            write_rows(rows, path)
            seconds = time.perf_counter() - start
            check_same_rows(path)
            path.unlink()
            return contributions / seconds

        expected = {table: len(rows[table]) for table in ("items", "events", "contributions")}

        def check_same_rows(path: Path) -> None:
            counts = table_counts(path)
            if counts != expected:
                problems.append(f"{path.stem.split('-')[0]} wrote {counts}, expected {expected}")

        values, baselines = alternating(pipelines_rate, baseline_rate, runs or scale.runs)
    stages = stage_seconds(copy.deepcopy(documents))
    spent = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items())
    return [
        from_runs(
            f"1 pipeline throughput ({contributions:,} contributions in {count:,} debates,"
            f" {tagged:,} tagged; derivation stages alone: {spent})",
            values,
            baselines,
            unit="contributions/s",
            baseline_label="sqlite3 executemany of the same rows, same schema",
            target=f">= {TARGET:.3f} of baseline",
            met=lambda _value, ratio: ratio >= TARGET,
            problems=list(dict.fromkeys(problems)),
        )
    ]
