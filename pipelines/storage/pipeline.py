"""The item pipeline that stores what spiders found, in short batches."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Self

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines.database import open_database
from pipelines.schema import migrate
from pipelines.storage.store import TimelineStore, utc_now
from pipelines.tagging import load_rules
from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import AmendmentList, Document, Gone

Item = Document | Gone | AmendmentList
#: Called with (public URL, reason) for an item that could not be stored.
ErrorReporter = Callable[[str, str], None]


class StoragePipeline:
    """Store items in batches and count what happened to each in the crawl's stats.

    Items are buffered and written STORAGE_BATCH_SIZE at a time (or after
    STORAGE_BATCH_SECONDS) in one transaction, so no write transaction stays open long
    enough to keep readers or other writers waiting. If a batch fails, it is written
    again with a savepoint per item: an item that fails to store, for whatever reason, is
    rolled back alone and reported with its URL while the rest of its batch is stored
    (see `flush`). What happened to each
    item is counted only once its batch is committed, so the run report never counts an
    item that is not in the database. A killed process leaves every item whole or absent.
    """

    def __init__(
        self,
        db_path: str,
        rules_path: str,
        stats: StatsCollector,
        report_error: ErrorReporter,
        *,
        batch_size: int,
        batch_seconds: float,
    ) -> None:
        self.db_path = db_path
        self.rules_path = rules_path
        self.stats = stats
        self.report_error = report_error
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.store: TimelineStore | None = None
        self.pending: list[Item] = []
        self.batch_started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings

        def report(url: str, reason: str) -> None:
            spider = crawler.spider
            if isinstance(spider, TimelineSpider):
                spider.record_error(url, reason)

        assert crawler.stats is not None
        return cls(
            settings.get("TIMELINE_DB"),
            settings.get("CAMPAIGN_RULES"),
            crawler.stats,
            report,
            batch_size=settings.getint("STORAGE_BATCH_SIZE"),
            batch_seconds=settings.getfloat("STORAGE_BATCH_SECONDS"),
        )

    def open_spider(self) -> None:
        db = open_database(self.db_path, create=True)
        migrate(db)  # a no-op unless this code declares a newer schema than the file has
        self.store = TimelineStore(db)
        with db.atomic():
            self.store.sync_campaigns(load_rules(self.rules_path).campaign_rows())

    def close_spider(self) -> None:
        if self.store is not None:
            self.flush()
            self.store.db.conn.close()

    def process_item(self, item: Item) -> Item:
        if not self.pending:
            self.batch_started = time.monotonic()
        self.pending.append(item)
        waited = time.monotonic() - self.batch_started
        if len(self.pending) >= self.batch_size or waited >= self.batch_seconds:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the buffered items in one transaction. If one fails, the batch is
        written again an item at a time, each in a savepoint, so only that item is left
        out. Not a savepoint per item from the start: SQLite's full-text index writes out
        its pending terms at every savepoint, which made storing a third slower."""
        assert self.store is not None
        pending, self.pending = self.pending, []
        if not pending:
            return
        db, seen_at = self.store.db, utc_now()
        failures: list[tuple[Item, Exception]] = []
        try:
            with db.atomic():
                counts = sum((self._write(item, seen_at) for item in pending), Counter())
        except Exception:  # which item failed, and why, is found item by item below
            counts, failures = self._write_each(pending, seen_at)
        for name, value in counts.items():
            self.stats.inc_value(name, value)
        for item, failure in failures:
            url = item.feed_url if isinstance(item, AmendmentList) else item.url
            self.report_error(url, f"not stored: {type(failure).__name__}: {failure}")

    def _write_each(
        self, pending: list[Item], seen_at: str
    ) -> tuple[Counter[str], list[tuple[Item, Exception]]]:
        """Write `pending` in one transaction, each item in a savepoint of its own."""
        assert self.store is not None
        db = self.store.db
        counts: Counter[str] = Counter()
        failures: list[tuple[Item, Exception]] = []
        with db.atomic():
            for item in pending:
                try:
                    with db.atomic():  # a savepoint: this item alone is undone on failure
                        counts.update(self._write(item, seen_at))
                except Exception as error:  # reported with its URL; the batch goes on
                    failures.append((item, error))
        return counts, failures

    def _write(self, item: Item, seen_at: str) -> Counter[str]:
        """Store one item; return the stats it adds."""
        assert self.store is not None
        if isinstance(item, AmendmentList):
            return Counter({"timeline/amendments_new": self.store.write_amendments(item, seen_at)})
        if isinstance(item, Gone):
            return Counter({"timeline/items_gone": int(self.store.write_gone(item, seen_at))})
        return Counter({f"timeline/items_{self.store.write(item, seen_at)}": 1})
