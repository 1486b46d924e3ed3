"""The run report: one `runs` row per source per run, written when the spider closes."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field

from scrapy import signals

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
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "ok"

    def as_row(self) -> dict:
        row = asdict(self)
        row["errors"] = json.dumps(self.errors, ensure_ascii=False)
        row["errors_count"] = len(self.errors)
        return row


class RunRecorder:
    """Collects each spider's errors and counts and stores them as a `runs` row.

    Errors come from three places: the spider's own reports (HTTP errors, timeouts,
    malformed bodies), items the pipelines refused (odd dates), and exceptions in
    callbacks. Any of them, or a crawl that did not finish normally, fails the source.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("TIMELINE_DB")
        self.job_id = crawler.settings.get("TIMELINE_JOB_ID") or uuid.uuid4().hex[:12]
        self.run: SourceRun | None = None
        self.extra_errors: list[dict[str, str]] = []

    @classmethod
    def from_crawler(cls, crawler) -> RunRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(recorder.spider_error, signal=signals.spider_error)
        crawler.run_recorder = recorder
        return recorder

    def spider_opened(self, spider) -> None:
        self.run = SourceRun(source=spider.source, job_id=self.job_id, started_at=utc_now())

    def item_dropped(self, item, response, exception, spider) -> None:
        self.extra_errors.append({"url": getattr(item, "url", ""), "reason": str(exception)})

    def spider_error(self, failure, response, spider) -> None:
        reason = f"{failure.type.__name__} while parsing: {failure.getErrorMessage()}"
        self.extra_errors.append({"url": spider.public_url(response.url), "reason": reason})

    def spider_closed(self, spider, reason: str) -> None:
        assert self.run is not None
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
        run.status = "ok" if reason == "finished" and not run.errors else "failed"
        db = open_database(self.db_path)
        try:
            run.items_stored = db.execute(
                "select count(*) from items where source = ?", [run.source]
            ).fetchone()[0]
            with db.conn:
                db["runs"].insert(run.as_row(), alter=False)
        finally:
            db.conn.close()
