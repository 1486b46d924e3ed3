"""Statutory instruments from legislation.gov.uk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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
    """

    name = "legislation"
    source = "legislation"
    base_url_setting = "LEGISLATION_URL"
    public_base = "https://www.legislation.gov.uk"

    async def start(self) -> AsyncIterator[Request]:
        for legislation_id in self.rules.tracked_list("legislation"):
            yield self.document_request(legislation_id)
        for title in self.rules.tracked_list("legislation_title_searches"):
            yield self.request(f"/uksi/data.feed?{urlencode({'title': title})}", self.parse_feed)

    def document_request(self, legislation_id: str) -> Request:
        return self.request(f"/{legislation_id}/made/data.xml", self.parse_instrument)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        page = self.parse_body(response, parse_atom_feed)
        if page is None:
            return
        for legislation_id in page.legislation_ids:
            yield self.document_request(legislation_id)
        if page.next_url:
            yield self.request(self.follow_url(response, page.next_url), self.parse_feed)

    def parse_instrument(self, response: Response) -> Iterator[Document]:
        document = self.parse_body(response, parse_clml)
        if document is not None:
            yield document
