"""What every timeline spider shares: where to fetch from, and how to report failure.

A spider fetches from its configured base URL (a setting, so tests can point it at a
local server) but every URL it stores is the public one. Any failure, whether an HTTP
error, a timeout or a body that is not the format asked for, is recorded with its URL
so the run report can say exactly what went wrong; a malformed body is retried first,
since a challenge page or a truncated response is often transient.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pipelines.schema import open_database
from pipelines.tagging import CampaignRules, load_rules
from timeline_spiders.parsers import MalformedResponse

Parsed = TypeVar("Parsed")


def rebase(url: str, from_base: str, to_base: str) -> str:
    """Move `url` from one host[:port] to another base, keeping path, query and fragment.

    Hosts are compared without the scheme because official documents link to their own
    host over http:// as often as https://. URLs on any other host are left alone.
    """
    parts = urlsplit(url)
    if parts.netloc.lower() != urlsplit(from_base).netloc.lower():
        return url
    target = urlsplit(to_base)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def read_stored(db_path: str, sql: str, params: Iterable = ()) -> list[tuple]:
    """Rows from the timeline database, or none before it exists (a first run).

    Spiders read what earlier runs stored to decide what to fetch; they never write
    (storage is the pipelines' job), so each read opens and closes its own connection.
    """
    if not Path(db_path).exists():
        return []
    db = open_database(db_path)
    try:
        return db.execute(sql, list(params)).fetchall()
    finally:
        db.conn.close()


def last_success_minus_overlap(db_path: str, source: str, overlap_days: int) -> date | None:
    """The day a nightly search can start from: the last successful run, less an overlap.

    The overlap catches what a source published late or back-dated (Hansard's daily
    parts are revised for days after a sitting). With no successful run yet, None: search
    everything.
    """
    rows = read_stored(
        db_path, "select max(started_at) from runs where source = ? and status = 'ok'", [source]
    )
    if not rows or not rows[0][0]:
        return None
    return datetime.fromisoformat(rows[0][0]).date() - timedelta(days=overlap_days)


class TimelineSpider(scrapy.Spider):
    """Base for the spiders: one source each, identified by `source`."""

    #: The timeline's name for this source (`legislation`, `hansard`, ...).
    source: ClassVar[str]
    #: The setting that holds the base URL to fetch from.
    base_url_setting: ClassVar[str]
    #: The official public base URL, used for every stored URL.
    public_base: ClassVar[str]
    #: Spiders whose results this one reads from the database; the nightly job starts
    #: this spider's requests only once those have finished.
    runs_after: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, prerequisites: Iterable[Awaitable] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.prerequisites = list(prerequisites)

    async def prerequisites_done(self) -> None:
        """Wait for the crawls named in `runs_after` (when run together by the nightly job)."""
        for prerequisite in self.prerequisites:
            with suppress(Exception):  # a failed prerequisite is reported by its own run
                await prerequisite

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.fetch_base = crawler.settings.get(cls.base_url_setting).rstrip("/")
        spider.rules = load_rules(crawler.settings.get("CAMPAIGN_RULES"))
        spider.errors = []
        spider.search_since = None
        if not crawler.settings.getbool("TIMELINE_BACKFILL"):
            spider.search_since = last_success_minus_overlap(
                crawler.settings.get("TIMELINE_DB"),
                cls.source,
                crawler.settings.getint("INCREMENTAL_OVERLAP_DAYS"),
            )
        return spider

    fetch_base: str
    rules: CampaignRules
    errors: list[dict[str, str]]
    #: Search only for what appeared on or after this day (None: search everything).
    search_since: date | None

    def read_stored(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """Rows from the timeline database (none on a first run)."""
        return read_stored(self.crawler.settings.get("TIMELINE_DB"), sql, params)

    def stored_ids(self) -> set[str]:
        """Ids of this source's items already in the database (read once, at the start)."""
        rows = self.read_stored("select id from items where source = ?", [self.source])
        return {item_id for (item_id,) in rows}

    def feeds_read_since(self, days: int) -> set[str]:
        """Public URLs of feeds stored in the last `days` days (see the feeds table)."""
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        rows = self.read_stored("select url from feeds where fetched_at >= ?", [since])
        return {url for (url,) in rows}

    # --- URLs ---------------------------------------------------------------------------

    def fetch_url(self, url_or_path: str) -> str:
        """The URL to request for a public URL, or for a path on the source's host."""
        if url_or_path.startswith("/"):
            return self.fetch_base + url_or_path
        return rebase(url_or_path, self.public_base, self.fetch_base)

    def public_url(self, url: str) -> str:
        """The public URL for one we fetched from the configured base."""
        return rebase(url, self.fetch_base, self.public_base)

    def follow_url(self, response: Response, link: str) -> str:
        """A link found in a response, resolved and pointed at the configured base."""
        return self.fetch_url(urljoin(response.url, link))

    # --- Failure ------------------------------------------------------------------------

    def request(self, url_or_path: str, callback: Callable, **kwargs: Any) -> Request:
        """A request to the source, whose failures are recorded in the run report."""
        return Request(
            self.fetch_url(url_or_path), callback=callback, errback=self.on_error, **kwargs
        )

    def record_error(self, url: str, reason: str) -> None:
        self.logger.error("%s: %s", url, reason)
        self.errors.append({"url": self.public_url(url), "reason": reason})
        self.crawler.stats.inc_value("timeline/errors")

    def on_error(self, failure: Failure) -> None:
        request = failure.request if hasattr(failure, "request") else None
        if failure.check(HttpError):
            response = failure.value.response
            self.record_error(response.url, f"HTTP {response.status}")
            return
        url = request.url if request is not None else "(unknown URL)"
        self.record_error(url, f"{failure.type.__name__}: {failure.getErrorMessage()}")

    def parse_body(self, response: Response, parser: Callable[[bytes], Parsed]) -> Parsed | None:
        """Parse the body, or return None having retried or reported a malformed one."""
        try:
            return parser(response.body)
        except MalformedResponse as error:
            reason = f"malformed response: {error}"
            retry = get_retry_request(response.request, spider=self, reason=reason)
            if retry is not None:
                self.crawler.engine.crawl(retry)
            else:
                self.record_error(response.url, reason)
            return None
