"""Downloader middlewares: how we behave towards the sites we crawl."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import Request, Response
from scrapy.utils.misc import load_object
from scrapy.utils.response import response_status_message
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError

from timeline_spiders.base import TimelineSpider

logger = logging.getLogger(__name__)


def retry_after_seconds(header: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a `Retry-After` header (delta-seconds or an HTTP date).

    Returns None when the header is absent or unreadable, so the caller falls back to
    its own backoff rather than hammering the server.
    """
    if not header:
        return None
    value = header.decode("latin-1") if isinstance(header, bytes) else header
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


#: Failures that mean the host could not be reached at all, rather than answered badly.
CONNECTION_FAILURES = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    DNSLookupError,
    ConnectError,
    TimeoutError,
)


class RespectfulRetryMiddleware:
    """Retries that slow down the whole host, not just the request that failed.

    Scrapy's own RetryMiddleware retries at once. A server that answers 429 or 503 is
    asking us to slow down, so we wait what its `Retry-After` says (capped by
    RETRY_BACKOFF_MAX), and for other transient failures back off exponentially from
    RETRY_BACKOFF_BASE. The wait is put on the host's download slot, as AutoThrottle
    does, as soon as the response arrives and before the slot takes its next request:
    every request to that host waits, not only the retried one. The slot's own delay is
    restored by the host's next answer that needs no retry.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.retry_http_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.exceptions_to_retry = tuple(
            load_object(path) if isinstance(path, str) else path
            for path in settings.getlist("RETRY_EXCEPTIONS")
        )
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX")
        self.unreachable_after = settings.getint("UNREACHABLE_AFTER")
        self.connection_failures = 0
        self.gave_up = False
        self.closing: asyncio.Future[None] | None = None
        #: Download slot key -> its delay and jitter before we paused it.
        self.paused: dict[str, tuple[float, float]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def backoff_for(self, request: Request, response: Response | None = None) -> float:
        attempt = request.meta.get("retry_times", 0)
        delay = self.backoff_base * (2**attempt)
        if response is not None and response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:
                delay = asked
        return min(delay, self.backoff_max)

    # --- pausing a host ----------------------------------------------------------------

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        """Pause or resume the host as its answer says, before it takes its next request."""
        if self.wants_retry(request, response):
            self.pause_host(request, self.backoff_for(request, response))
        else:
            self.resume_host(request)

    def pause_host(self, request: Request, seconds: float) -> None:
        slot = self._slot_of(request)
        if slot is None or seconds <= 0:
            return
        key, slot_state = slot
        delay, _ = self.paused.setdefault(key, (slot_state.delay, slot_state.jitter))
        slot_state.delay = max(delay, seconds)
        slot_state.jitter = 0  # randomising the wait could make it shorter than asked
        slot_state.lastseen = time.monotonic()
        logger.info("Pausing %s for %.1f s before the next request", key, seconds)

    def resume_host(self, request: Request) -> None:
        slot = self._slot_of(request)
        if slot is not None and slot[0] in self.paused:
            slot[1].delay, slot[1].jitter = self.paused.pop(slot[0])

    def _slot_of(self, request: Request) -> tuple[str, Slot] | None:
        engine = self.crawler.engine
        key = request.meta.get("download_slot")
        if engine is None or key is None or key not in engine.downloader.slots:
            return None
        return key, engine.downloader.slots[key]

    # --- retrying ----------------------------------------------------------------------

    def wants_retry(self, request: Request, response: Response) -> bool:
        return response.status in self.retry_http_codes and not request.meta.get("dont_retry")

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        self.connection_failures = 0  # any answer, even an error page, means it is reachable
        if not self.wants_retry(request, response):
            return response
        reason = response_status_message(response.status)
        retry = get_retry_request(request, spider=self._spider(), reason=reason)
        return retry or response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | None:
        if isinstance(exception, CONNECTION_FAILURES):
            self.connection_failures += 1
            if self.gave_up or self.connection_failures >= self.unreachable_after:
                self._give_up(exception)
                return None  # no retry: the request fails now, with its own error
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = get_retry_request(request, spider=self._spider(), reason=exception)
        if retry is not None:
            self.pause_host(request, self.backoff_for(request))
        return retry

    def _spider(self) -> Spider:
        assert self.crawler.spider is not None
        return self.crawler.spider

    def _give_up(self, exception: Exception) -> None:
        """Stop a source whose host cannot be reached: report it once and close the crawl.

        Scrapy makes every first attempt before any retry, so waiting for requests to
        exhaust their retries would take minutes per source when a site (or the network)
        is down; UNREACHABLE_AFTER failed attempts in a row are evidence enough.
        """
        if self.gave_up:
            return
        self.gave_up = True
        spider = self.crawler.spider
        if isinstance(spider, TimelineSpider):
            spider.record_error(
                spider.fetch_base,
                f"unreachable: {self.connection_failures} connection failures in a row "
                f"({type(exception).__name__}); stopped trying for this run",
            )
        assert self.crawler.engine is not None
        # Scheduled, not awaited: closing waits for downloads in progress, this one included.
        self.closing = asyncio.ensure_future(
            self.crawler.engine.close_spider_async(reason="unreachable")
        )
