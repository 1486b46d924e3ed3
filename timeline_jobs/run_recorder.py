"""The run report: one `runs` row per source per run, written as the spider opens and
closes."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.internet import task
from twisted.python.failure import Failure

from pipelines.relevance import NotRelevant
from pipelines.storage.runs import RunLog
from pipelines.storage.store import utc_now
from timeline_spiders.base import TimelineSpider


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

    def as_row(self) -> dict[str, Any]:
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
    timeouts, malformed bodies, items storage could not write), items the pipelines
    refused (odd dates) or failed on (an exception in a pipeline), exceptions in
    callbacks, and the monitors on item counts. Any of them, or a crawl that did not
    finish normally, fails the source. Items left out as not relevant are no error.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.log = RunLog(settings.get("TIMELINE_DB"))
        self.job_id = settings.get("TIMELINE_JOB_ID") or uuid.uuid4().hex[:12]
        self.max_drop = settings.getfloat("MONITOR_MAX_DROP")
        self.progress_interval = settings.getfloat("PROGRESS_INTERVAL")
        self.run: SourceRun | None = None
        self.run_id: int | None = None
        self.extra_errors: list[dict[str, str]] = []
        self.progress: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        recorder = cls(crawler)
        connect = crawler.signals.connect
        connect(recorder.spider_opened, signal=signals.spider_opened)
        connect(recorder.spider_closed, signal=signals.spider_closed)
        connect(recorder.item_dropped, signal=signals.item_dropped)
        connect(recorder.item_error, signal=signals.item_error)
        connect(recorder.spider_error, signal=signals.spider_error)
        connect(recorder.request_dropped, signal=signals.request_dropped)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        self.run = SourceRun(source=_source(spider), job_id=self.job_id, started_at=utc_now())
        self.run_id = self.log.started(self.run.as_row())
        if self.progress_interval > 0:
            self.progress = task.LoopingCall(self.log_progress, spider)
            self.progress.start(self.progress_interval, now=False)

    def log_progress(self, spider: Spider) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stored = sum(
            stats.get_value(f"timeline/items_{outcome}", 0)
            for outcome in ("new", "changed", "unchanged")
        )
        spider.logger.info(
            "%s: %d requests, %d items stored (%d new), %d errors so far",
            _source(spider),
            stats.get_value("downloader/request_count", 0),
            stored,
            stats.get_value("timeline/items_new", 0),
            len(_errors(spider)) + len(self.extra_errors),
        )

    def item_dropped(self, item: Any, response: Response | None, exception: Exception) -> None:
        if not isinstance(exception, NotRelevant):
            self.extra_errors.append({"url": getattr(item, "url", ""), "reason": str(exception)})

    def item_error(self, item: Any, response: Response | None, failure: Failure) -> None:
        """A pipeline raised on the item: it was not stored, and the run must say so."""
        error = type(failure.value).__name__
        reason = f"not stored: {error} in a pipeline: {failure.getErrorMessage()}"
        self.extra_errors.append({"url": getattr(item, "url", ""), "reason": reason})

    def spider_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        reason = f"{type(failure.value).__name__} while parsing: {failure.getErrorMessage()}"
        self.extra_errors.append({"url": _public_url(spider, response.url), "reason": reason})

    def request_dropped(self, request: Request, spider: Spider) -> None:
        """A redirect back to a URL already fetched is a loop that would vanish silently."""
        chain = request.meta.get("redirect_urls")
        if chain:
            reason = f"redirect loop: {' -> '.join([*chain, request.url])}"
            self.extra_errors.append({"url": _public_url(spider, chain[0]), "reason": reason})

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.run is not None and self.run_id is not None
        if self.progress is not None and self.progress.running:
            self.progress.stop()
        stats = self.crawler.stats
        assert stats is not None
        run = self.run
        run.finished_at = utc_now()
        run.finish_reason = reason
        run.requests = stats.get_value("downloader/request_count", 0)
        for outcome in ("new", "changed", "unchanged", "gone"):
            setattr(run, f"items_{outcome}", stats.get_value(f"timeline/items_{outcome}", 0))
        run.errors = _errors(spider) + self.extra_errors
        run.items_stored, run.items_live = self.log.item_counts(run.source)
        previous = self.log.live_items_at_last_success(run.source)
        for problem in monitor_problems(run.source, run.items_live, previous, self.max_drop):
            run.errors.append({"url": "", "reason": problem})
        run.status = "ok" if reason == "finished" and not run.errors else "failed"
        self.log.finished(self.run_id, run.as_row())


def _source(spider: Spider) -> str:
    return spider.source.name if isinstance(spider, TimelineSpider) else spider.name


def _errors(spider: Spider) -> list[dict[str, str]]:
    return list(spider.errors) if isinstance(spider, TimelineSpider) else []


def _public_url(spider: Spider, url: str) -> str:
    return spider.public_url(url) if isinstance(spider, TimelineSpider) else url
