"""Downloader middlewares: how we behave towards the sites we crawl."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError

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


class RespectfulRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, plus waiting before each retry.

    Scrapy retries at once. A server that answers 429 or 503 is asking us to slow down,
    so we wait what its `Retry-After` says (capped by RETRY_BACKOFF_MAX), and for other
    transient failures back off exponentially from RETRY_BACKOFF_BASE. With one request
    per host at a time, waiting here pauses the whole host, which is what a polite
    client should do.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX")
        self.unreachable_after = settings.getint("UNREACHABLE_AFTER")
        self.connection_failures = 0
        self.gave_up = False
        self.closing: asyncio.Future | None = None

    def backoff_for(self, request: Request, response: Response | None = None) -> float:
        attempt = request.meta.get("retry_times", 0)
        delay = self.backoff_base * (2**attempt)
        if response is not None and response.status in (429, 503):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:
                delay = asked
        return min(delay, self.backoff_max)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        self.connection_failures = 0  # any answer, even an error page, means it is reachable
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(self.backoff_for(request, response), request.url)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, CONNECTION_FAILURES):
            self.connection_failures += 1
            if self.gave_up or self.connection_failures >= self.unreachable_after:
                self._give_up(exception)
                return None  # no retry: the request fails now, with its own error
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(self.backoff_for(request), request.url)
        return retry

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
        spider.record_error(
            getattr(spider, "fetch_base", ""),
            f"unreachable: {self.connection_failures} connection failures in a row "
            f"({type(exception).__name__}); stopped trying for this run",
        )
        # Scheduled, not awaited: closing waits for downloads in progress, this one included.
        self.closing = asyncio.ensure_future(
            self.crawler.engine.close_spider_async(reason="unreachable")
        )

    @staticmethod
    async def _wait(seconds: float, url: str) -> None:
        if seconds > 0:
            logger.info("Waiting %.1f s before retrying %s", seconds, url)
            await asyncio.sleep(seconds)
