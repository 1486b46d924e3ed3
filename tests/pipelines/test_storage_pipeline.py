"""The storage pipeline's batches: one bad item is reported alone, the rest are stored,
and the run's counts are only of what was stored."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, cast

from scrapy.statscollectors import StatsCollector

from pipelines.storage.pipeline import StoragePipeline
from tests.support.database import ROOT, new_database
from timeline_spiders.items import Document, Event


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] += count


def document(number: int, **changes: Any) -> Document:
    doc = Document(
        id=f"legislation:uksi/2016/{number}",
        source="legislation",
        doc_type="statutory_instrument",
        title=f"Regulations {number}",
        url=f"https://www.legislation.gov.uk/uksi/2016/{number}",
        events=[Event("si_made", "2016-07-18")],
    )
    for name, value in changes.items():
        setattr(doc, name, value)
    return doc


def stored_ids(path: Path) -> set[str]:
    with new_database(path, campaigns=False) as db:
        return {row[0] for row in db.execute("select id from items")}


def test_one_item_that_cannot_be_stored_is_reported_and_the_rest_of_its_batch_stored(tmp_path):
    path = tmp_path / "timeline.db"
    new_database(path).conn.close()
    stats, errors = Stats(), []
    pipeline = StoragePipeline(
        str(path),
        str(ROOT / "data" / "campaigns.yml"),
        cast(StatsCollector, stats),
        lambda url, reason: errors.append((url, reason)),
        batch_size=50,
        batch_seconds=60.0,
    )
    pipeline.open_spider()
    # A value json.dumps cannot write: a TypeError, not a SQLite error.
    bad = document(2, metadata={"when": object()})
    for item in (document(1), bad, document(3)):
        pipeline.process_item(item)
    pipeline.close_spider()

    assert stored_ids(path) == {"legislation:uksi/2016/1", "legislation:uksi/2016/3"}
    assert stats.values["timeline/items_new"] == 2
    ((url, reason),) = errors
    assert url == bad.url
    assert reason.startswith("not stored: TypeError")


def test_a_batch_without_a_bad_item_is_written_without_a_savepoint_per_item(tmp_path):
    """The full-text index writes out its pending terms at every savepoint: a savepoint
    per item made storing a third slower, so savepoints are only used to find a bad
    item once a batch has failed."""
    path = tmp_path / "timeline.db"
    new_database(path).conn.close()
    stats = Stats()
    pipeline = StoragePipeline(
        str(path),
        str(ROOT / "data" / "campaigns.yml"),
        cast(StatsCollector, stats),
        lambda url, reason: None,
        batch_size=50,
        batch_seconds=60.0,
    )
    pipeline.open_spider()
    assert pipeline.store is not None
    statements: list[str] = []
    pipeline.store.db.conn.set_trace_callback(statements.append)
    for number in range(1, 11):
        pipeline.process_item(document(number))
    pipeline.close_spider()

    assert stats.values["timeline/items_new"] == 10
    assert len(stored_ids(path)) == 10
    assert not [sql for sql in statements if sql.upper().startswith("SAVEPOINT")]
