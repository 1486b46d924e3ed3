"""Statutory instruments' passage through Parliament, from Parliament's SI tracker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from functools import partial

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document
from timeline_spiders.parsers.si_api import (
    InstrumentRef,
    name_search_term,
    next_skip,
    parse_business_items,
    parse_instrument_search,
    search_path,
)
from timeline_spiders.sources import source_named

#: Parliament's tracker starts with instruments laid in June 2017.
FIRST_YEAR_COVERED = 2017


class SITrackerSpider(TimelineSpider):
    """Each statutory instrument's stages in Parliament: laid, committee consideration
    and reports, prayers and motions, debates, approval, procedure concluded.

    Source: UK Parliament's Statutory Instruments API v2,
    https://statutoryinstruments-api.parliament.uk (Open Parliament Licence v3.0); the
    public pages are on https://statutoryinstruments.parliament.uk. Format notes in
    `parsers/FORMAT-si-api.md`.

    For every UK SI the legislation spider stored (so it runs after that spider), the
    instrument is searched for by name (without a leading "The", which Parliament's
    data leaves out), matched on its year and number, and its business items become
    events on a `si_tracker:<id>` item that cites the instrument. The API covers
    instruments laid since June 2017; older ones are skipped, and their stages are known
    only from the Hansard debates and questions that cite them (the /si page says so).
    Incremental: an instrument whose procedure has concluded is not fetched again on a
    nightly run.
    """

    name = "si_tracker"
    source = source_named("si_tracker")

    async def start(self) -> AsyncIterator[Request]:
        await self.prerequisites_done()
        for legislation_id, title in self.instruments_to_follow():
            yield self.search(legislation_id, title, skip=0)

    def instruments_to_follow(self) -> list[tuple[str, str]]:
        """(legislation id, title) of stored UK SIs the tracker may know about."""
        earlier = self.context.earlier_runs
        concluded: set[str] = set()
        if self.search_since is not None:
            concluded = {
                str(item.metadata.get("legislation_id"))
                for item in earlier.items_with_event("si_tracker", "si_procedure_concluded")
            }
        instruments = []
        for item in earlier.live_items("legislation"):
            legislation_id = item.id.removeprefix("legislation:")
            if not legislation_id.startswith("uksi/") or legislation_id in concluded:
                continue
            if int(legislation_id.split("/")[1]) < FIRST_YEAR_COVERED:
                self.logger.info("%s predates the SI tracker: skipped", legislation_id)
                continue
            instruments.append((legislation_id, item.title))
        return instruments

    def search(self, legislation_id: str, title: str, skip: int) -> Request:
        return self.request(
            search_path(name_search_term(title), skip=skip),
            self.parse_search,
            cb_kwargs={"legislation_id": legislation_id, "title": title, "skip": skip},
        )

    def parse_search(
        self, response: Response, legislation_id: str, title: str, skip: int
    ) -> Iterator[Request]:
        page = self.parse_body(response, parse_instrument_search)
        if page is None:
            return
        for instrument in page.instruments:
            if instrument.is_instrument(legislation_id):
                yield self.request(
                    instrument.business_items_path,
                    self.parse_business_items,
                    cb_kwargs={"instrument": replace(instrument, legislation_id=legislation_id)},
                )
                return
        following = next_skip(page, skip)
        if following is not None:
            yield self.search(legislation_id, title, following)
        else:
            self.logger.info("%s is not in the SI tracker (searched %r)", legislation_id, title)

    def parse_business_items(
        self, response: Response, instrument: InstrumentRef
    ) -> Iterator[Document]:
        document = self.parse_body(response, partial(parse_business_items, instrument=instrument))
        if document is not None:
            yield document
