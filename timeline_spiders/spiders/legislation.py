"""Statutory instruments from legislation.gov.uk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from urllib.parse import urlencode

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document
from timeline_spiders.parsers.legislation import parse_atom_feed, parse_clml


class LegislationSpider(TimelineSpider):
    """UK statutory instruments, with their made, laid and in-force dates.

    Source: https://www.legislation.gov.uk (Open Government Licence v3.0).
    API: https://www.legislation.gov.uk/developer/formats (CLML XML at `.../data.xml`,
    Atom lists at `.../data.feed`).

    Fetches every instrument listed under `tracked: legislation:` in the campaign rules,
    plus every UK statutory instrument whose title matches one of
    `tracked: legislation_title_searches:`, following the feed's `rel="next"` links.

    Incremental: the made version of an instrument never changes, so a nightly run
    fetches only instruments not stored yet, and searches only the feeds of the years
    since its window started (new instruments are numbered in the year they are made).
    A back-fill (`scrapy nightly --backfill`) searches and fetches everything again.
    """

    name = "legislation"
    source = "legislation"
    base_url_setting = "LEGISLATION_URL"
    public_base = "https://www.legislation.gov.uk"

    async def start(self) -> AsyncIterator[Request]:
        self.known = set() if self.search_since is None else self.stored_ids()
        for legislation_id in self.rules.tracked_list("legislation"):
            if f"legislation:{legislation_id}" not in self.known:
                yield self.document_request(legislation_id)
        for title in self.rules.tracked_list("legislation_title_searches"):
            for feed in self.feed_paths(title):
                # A year with no matching instrument may answer 404: that is no result.
                yield self.request(feed, self.parse_feed, meta={"handle_httpstatus_list": [404]})

    def feed_paths(self, title: str) -> list[str]:
        query = urlencode({"title": title})
        if self.search_since is None:
            return [f"/uksi/data.feed?{query}"]
        years = range(self.search_since.year, date.today().year + 1)
        return [f"/uksi/{year}/data.feed?{query}" for year in years]

    def document_request(self, legislation_id: str) -> Request:
        return self.request(f"/{legislation_id}/made/data.xml", self.parse_instrument)

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

    def parse_instrument(self, response: Response) -> Iterator[Document]:
        document = self.parse_body(response, parse_clml)
        if document is not None:
            yield document
