"""Statutory instruments from legislation.gov.uk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import AmendmentList, Document
from timeline_spiders.parsers.legislation import parse_atom_feed, parse_clml
from timeline_spiders.parsers.legislation_changes import (
    DIRECTIONS,
    changes_feed_url,
    parse_changes_feed,
)
from timeline_spiders.sources import source_named


class LegislationSpider(TimelineSpider):
    """UK statutory instruments, with their made, laid and in-force dates and amendments.

    Source: https://www.legislation.gov.uk (Open Government Licence v3.0).
    API: https://www.legislation.gov.uk/developer/formats (CLML XML at `.../data.xml`,
    Atom lists at `.../data.feed`, changes feeds at `/changes/affected|affecting/...`).

    Fetches every instrument listed under `tracked: legislation:` in the campaign rules,
    plus every UK statutory instrument whose title matches one of
    `tracked: legislation_title_searches:`, following the feed's `rel="next"` links; then
    each instrument's changes feeds: what it amends, and what later amends it.

    Incremental: the made version of an instrument never changes, so a nightly run
    fetches only instruments not stored yet, and searches only the feeds of the years
    since its window started (new instruments are numbered in the year they are made),
    and always last year's too: an instrument made late in a year is often registered,
    and listed, weeks later, when the window has moved into the next year.
    Changes feeds are read again after CHANGES_REFRESH_DAYS. A back-fill
    (`scrapy nightly --backfill`) reads everything again.
    """

    name = "legislation"
    source = source_named("legislation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Item ids stored by earlier runs, which a nightly run does not fetch again.
        self.known: set[str] = set()
        #: Changes feeds read recently enough, or already requested in this run.
        self.fresh_feeds: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        if self.search_since is not None:
            earlier = self.context.earlier_runs
            self.known = earlier.item_ids(self.source.name)
            refresh = timedelta(days=self.crawler.settings.getint("CHANGES_REFRESH_DAYS"))
            self.fresh_feeds = earlier.feeds_read_since(datetime.now(UTC) - refresh)
        for legislation_id in self.plan.tracked_list("legislation"):
            if f"legislation:{legislation_id}" not in self.known:
                yield self.document_request(legislation_id)
        for item_id in sorted(self.known):
            for request in self.changes_requests(item_id.removeprefix("legislation:")):
                yield request
        for title in self.plan.tracked_list("legislation_title_searches"):
            for feed in self.feed_paths(title):
                # A year with no matching instrument may answer 404: that is no result.
                yield self.request(feed, self.parse_feed, meta={"handle_httpstatus_list": [404]})

    def feed_paths(self, title: str) -> list[str]:
        query = urlencode({"title": title})
        if self.search_since is None:
            return [f"/uksi/data.feed?{query}"]
        this_year = date.today().year
        years = range(min(self.search_since.year, this_year - 1), this_year + 1)
        return [f"/uksi/{year}/data.feed?{query}" for year in years]

    def document_request(self, legislation_id: str) -> Request:
        return self.request(f"/{legislation_id}/made/data.xml", self.parse_instrument)

    def changes_requests(self, legislation_id: str) -> Iterator[Request]:
        for direction in DIRECTIONS:
            feed = changes_feed_url(direction, legislation_id)
            if feed not in self.fresh_feeds:
                self.fresh_feeds.add(feed)
                yield self.request(feed, self.parse_changes, cb_kwargs={"feed": feed})

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if response.status == 404:
            self.logger.info("No instruments in %s", self.public_url(response.url))
            return
        page = self.parse_body(response, parse_atom_feed)
        if page is None:
            return
        for legislation_id in page.legislation_ids:
            if f"legislation:{legislation_id}" not in self.known:
                yield self.document_request(legislation_id)
        if page.next_url:
            yield self.request(self.follow_url(response, page.next_url), self.parse_feed)

    def parse_instrument(self, response: Response) -> Iterator[Document | Request]:
        document = self.parse_body(response, parse_clml)
        if document is not None:
            yield document
            yield from self.changes_requests(document.id.removeprefix("legislation:"))

    def parse_changes(self, response: Response, feed: str) -> Iterator[AmendmentList | Request]:
        page = self.parse_body(response, parse_changes_feed)
        if page is None:
            return
        yield page.amendment_list(feed)
        if page.next_url:
            next_page = self.follow_url(response, page.next_url)
            yield self.request(next_page, self.parse_changes, cb_kwargs={"feed": feed})
