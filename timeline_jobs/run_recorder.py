"""The run report: one `runs` row per source per run, written when the spider closes."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field

from scrapy import signals
from twisted.internet import task

from pipelines.schema import open_database
from pipelines.storage import utc_now


@dataclass
class SourceRun:
    """What one source did in one run; printed by `scrapy nightly` and stored in `runs`."""

    source: str
    job_id: str
    started_at: str
    finished_at: str = ""
    status: str = "running"
    finish_reason: str = ""
    requests: int = 0
    items_new: int = 0
    items_changed: int = 0
    items_unchanged: int = 0
    items_gone: int = 0
    items_stored: int = 0
    items_live: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "ok"

    def as_row(self) -> dict:
        row = asdict(self)
        row["errors"] = json.dumps(self.errors, ensure_ascii=False)
        row["errors_count"] = len(self.errors)
        return row


def monitor_problems(
    source: str, live_items: int, previous_live_items: int | None, max_drop: float
) -> list[str]:
    """Reasons to distrust a run that raised no errors, from its item counts.

    A source with no live items never worked; live items falling by more than
    `max_drop` (a fraction) since the last successful run means documents were marked
    gone in bulk, which is far likelier a broken source than a real mass withdrawal.
    """
    if live_items == 0:
        return [f"{source} has no items: the source returned nothing usable"]
    if previous_live_items and live_items < previous_live_items * (1 - max_drop):
        return [
            f"{source} items fell from {previous_live_items} to {live_items}, more than "
            f"{max_drop:.0%} (MONITOR_MAX_DROP)"
        ]
    return []


class RunRecorder:
    """Records each source's run in the `runs` table and says how it is going.

    A `running` row is written when the spider opens, so a run killed part-way shows
    as unfinished rather than vanishing. At the close the row gets its counts, its
    errors and its status. Errors come from the spider's own reports (HTTP errors,
    timeouts, malformed bodies), items the pipelines refused (odd dates), exceptions
    in callbacks, and the monitors on item counts. Any of them, or a crawl that did
    not finish normally, fails the source.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = settings.get("TIMELINE_DB")
        self.job_id = settings.get("TIMELINE_JOB_ID") or uuid.uuid4().hex[:12]
        self.max_drop = settings.getfloat("MONITOR_MAX_DROP")
        self.progress_interval = settings.getfloat("PROGRESS_INTERVAL")
        self.run: SourceRun | None = None
        self.run_id: int | None = None
        self.extra_errors: list[dict[str, str]] = []
        self.progress: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler) -> RunRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(recorder.spider_error, signal=signals.spider_error)
        crawler.signals.connect(recorder.request_dropped, signal=signals.request_dropped)
        crawler.run_recorder = recorder
        return recorder

    def spider_opened(self, spider) -> None:
        self.run = SourceRun(source=spider.source, job_id=self.job_id, started_at=utc_now())
        db = open_database(self.db_path)
        try:
            with db.conn:
                self.run_id = db["runs"].insert(self.run.as_row(), alter=False).last_pk
        finally:
            db.conn.close()
        if self.progress_interval > 0:
            self.progress = task.LoopingCall(self.log_progress, spider)
            self.progress.start(self.progress_interval, now=False)

    def log_progress(self, spider) -> None:
        stats = self.crawler.stats
        stored = sum(
            stats.get_value(f"timeline/items_{outcome}", 0)
            for outcome in ("new", "changed", "unchanged")
        )
        spider.logger.info(
            "%s: %d requests, %d items stored (%d new), %d errors so far",
            spider.source,
            stats.get_value("downloader/request_count", 0),
            stored,
            stats.get_value("timeline/items_new", 0),
            len(getattr(spider, "errors", [])) + len(self.extra_errors),
        )

    def item_dropped(self, item, response, exception, spider) -> None:
        self.extra_errors.append({"url": getattr(item, "url", ""), "reason": str(exception)})

    def spider_error(self, failure, response, spider) -> None:
        reason = f"{failure.type.__name__} while parsing: {failure.getErrorMessage()}"
        self.extra_errors.append({"url": spider.public_url(response.url), "reason": reason})

    def request_dropped(self, request, spider) -> None:
        """A redirect back to a URL already fetched is a loop that would vanish silently."""
        chain = request.meta.get("redirect_urls")
        if chain:
            reason = f"redirect loop: {' -> '.join([*chain, request.url])}"
            self.extra_errors.append({"url": spider.public_url(chain[0]), "reason": reason})

    def spider_closed(self, spider, reason: str) -> None:
        assert self.run is not None
        if self.progress is not None and self.progress.running:
            self.progress.stop()
        stats = self.crawler.stats
        run = self.run
        run.finished_at = utc_now()
        run.finish_reason = reason
        run.requests = stats.get_value("downloader/request_count", 0)
        run.items_new = stats.get_value("timeline/items_new", 0)
        run.items_changed = stats.get_value("timeline/items_changed", 0)
        run.items_unchanged = stats.get_value("timeline/items_unchanged", 0)
        run.items_gone = stats.get_value("timeline/items_gone", 0)
        run.errors = list(getattr(spider, "errors", [])) + self.extra_errors
        db = open_database(self.db_path)
        try:
            run.items_stored, run.items_live = db.execute(
                "select count(*), count(*) - count(gone_at) from items where source = ?",
                [run.source],
            ).fetchone()
            previous = db.execute(
                "select items_live from runs where source = ? and status = 'ok' "
                "order by id desc limit 1",
                [run.source],
            ).fetchone()
            for problem in monitor_problems(
                run.source, run.items_live, previous[0] if previous else None, self.max_drop
            ):
                run.errors.append({"url": "", "reason": problem})
            run.status = "ok" if reason == "finished" and not run.errors else "failed"
            with db.conn:
                db["runs"].update(self.run_id, run.as_row())
        finally:
            db.conn.close()
