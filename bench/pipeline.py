"""Figure 1: pipeline throughput against a plain sqlite3 `executemany` of the same rows.

Synthetic contributions come as real debates: one `Document` per debate section with
`per_debate` contributions, exactly what `parse_debate` yields (a smoke test checks
that), because that is the unit the crawler hands to the pipelines and storage writes in
one go. Throughput is counted in contributions per second.

Measured: DatePipeline, CitationPipeline, TaggingPipeline (data/campaigns.yml) and
StoragePipeline (TimelineStore) over every document, into a new database.
Baseline: the rows storage would write (items, events, contributions) inserted with
`executemany` in one transaction into a new database with the same schema (indexes and
search index included), so the ratio is the cost of our code, not of SQLite.
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

from bench.common import ROOT, Figure, Scale
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
    storage = StoragePipeline(str(db_path), RULES, cast(StatsCollector, stats), report_error=_fail)
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


def measure(scale: Scale) -> list[Figure]:
    count = max(1, scale.contributions // scale.per_debate)
    documents = [debate_document(d) for d in debates(count, scale.per_debate, seed=1)]
    contributions = sum(len(d.contributions) for d in documents)
    rows = rows_of(documents, "2025-01-01T02:00:00+00:00")
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        start = time.perf_counter()
        executemany_rows(rows, Path(tmp, "baseline.db"))
        baseline_seconds = time.perf_counter() - start

        fresh = copy.deepcopy(documents)
        start = time.perf_counter()
        stats = run_pipelines(fresh, Path(tmp, "timeline.db"))
        seconds = time.perf_counter() - start
        assert stats["timeline/items_new"] == len(documents), stats
        tagged = sum(1 for d in fresh if d.campaigns)

    rate, baseline_rate = contributions / seconds, contributions / baseline_seconds
    ratio = rate / baseline_rate
    return [
        Figure(
            name=f"1 pipeline throughput ({contributions:,} contributions in {count:,} debates,"
            f" {tagged:,} tagged)",
            value=rate,
            baseline=baseline_rate,
            unit="contributions/s",
            baseline_label="sqlite3 executemany of the same rows",
            target=">= 0.333 of baseline",
            met=ratio >= TARGET,
            ratio=ratio,
        )
    ]
