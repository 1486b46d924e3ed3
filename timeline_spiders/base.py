"""What every timeline spider shares: where to fetch from, and how to report failure.

A spider fetches from its source's configured base URL (a setting, so tests can point it
at a local server) but every URL it stores is the public one. Any failure, whether an
HTTP error, a timeout or a body that is not the format asked for, is recorded with its
URL so the run report can say exactly what went wrong; a malformed body is retried
first, since a challenge page or a truncated response is often transient.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from datetime import date, timedelta
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from timeline_spiders.context import ContextBuilder, SearchPlan, SpiderContext
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.sources import Source

Parsed = TypeVar("Parsed")

#: Hosts that serve the same documents as a source's official host under another name:
#: links to them are fetched from the configured base and stored on the official host.
#: legislation.gov.uk's older Atom feeds link `http://legislation.data.gov.uk/...`.
HOST_ALIASES: dict[str, tuple[str, ...]] = {
    "www.legislation.gov.uk": ("legislation.gov.uk", "legislation.data.gov.uk"),
}


def rebase(url: str, from_base: str, to_base: str) -> str:
    """Move `url` from one host[:port] to another base, keeping path, query and fragment.

    Hosts are compared without the scheme because official documents link to their own
    host over http:// as often as https://; aliases of the host (`HOST_ALIASES`) count as
    the host. URLs on any other host are left alone.
    """
    parts = urlsplit(url)
    source_host = urlsplit(from_base).netloc.lower()
    if parts.netloc.lower() not in (source_host, *HOST_ALIASES.get(source_host, ())):
        return url
    target = urlsplit(to_base)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


class TimelineSpider(scrapy.Spider):
    """Base for the spiders: one declared source each (`timeline_spiders.sources`)."""

    #: This spider's source, from the registry.
    source: ClassVar[Source]

    fetch_base: str
    official_base: str
    context: SpiderContext
    #: Search only for what appeared on or after this day (None: search everything).
    search_since: date | None

    def __init__(self, *args: Any, prerequisites: Iterable[Awaitable[Any]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.prerequisites = list(prerequisites)
        #: Every failure of this run, with the public URL it concerns.
        self.errors: list[dict[str, str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        assert cls.source.base_url_setting and cls.source.official_base_url
        spider.fetch_base = settings.get(cls.source.base_url_setting).rstrip("/")
        spider.official_base = cls.source.official_base_url
        build: ContextBuilder = load_object(settings.get("SPIDER_CONTEXT"))
        spider.context = build(crawler)
        spider.search_since = None
        if not settings.getbool("TIMELINE_BACKFILL"):
            last = spider.context.earlier_runs.last_success(cls.source.name)
            if last is not None:
                overlap = timedelta(days=settings.getint("INCREMENTAL_OVERLAP_DAYS"))
                spider.search_since = last.date() - overlap
        return spider

    @property
    def plan(self) -> SearchPlan:
        """What the campaign rules ask this run to find."""
        return self.context.plan

    async def prerequisites_done(self) -> None:
        """Wait for the crawls of the sources this one reads (when the nightly job runs
        them together), so their items are stored before this spider reads them."""
        for prerequisite in self.prerequisites:
            with suppress(Exception):  # a failed prerequisite is reported by its own run
                await prerequisite

    # --- URLs ---------------------------------------------------------------------------

    def fetch_url(self, url_or_path: str) -> str:
        """The URL to request for an official URL, or for a path on the source's host."""
        if url_or_path.startswith("/"):
            return self.fetch_base + url_or_path
        return rebase(url_or_path, self.official_base, self.fetch_base)

    def public_url(self, url: str) -> str:
        """The official URL for one we fetched from the configured base."""
        return rebase(url, self.fetch_base, self.official_base)

    def follow_url(self, response: Response, link: str) -> str:
        """A link found in a response, resolved and pointed at the configured base."""
        return self.fetch_url(urljoin(self.public_url(response.url), link))

    # --- Failure ------------------------------------------------------------------------

    def request(self, url_or_path: str, callback: Callable[..., Any], **kwargs: Any) -> Request:
        """A request to the source, whose failures are recorded in the run report."""
        return Request(
            self.fetch_url(url_or_path), callback=callback, errback=self.on_error, **kwargs
        )

    def record_error(self, url: str, reason: str) -> None:
        """Count a failure against this run, with the public URL it concerns."""
        self.logger.error("%s: %s", url, reason)
        self.errors.append({"url": self.public_url(url), "reason": reason})
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("timeline/errors")

    def on_error(self, failure: Failure) -> None:
        if isinstance(failure.value, HttpError):
            response = failure.value.response
            self.record_error(response.url, f"HTTP {response.status}")
            return
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "(unknown URL)"
        self.record_error(url, f"{type(failure.value).__name__}: {failure.getErrorMessage()}")

    def parse_body(self, response: Response, parser: Callable[[bytes], Parsed]) -> Parsed | None:
        """Parse the body, or return None having retried or reported a malformed one."""
        try:
            return parser(response.body)
        except MalformedResponse as error:
            reason = f"malformed response: {error}"
            assert response.request is not None
            retry = get_retry_request(response.request, spider=self, reason=reason)
            if retry is not None:
                assert self.crawler.engine is not None
                self.crawler.engine.crawl(retry)
            else:
                self.record_error(response.url, reason)
            return None
