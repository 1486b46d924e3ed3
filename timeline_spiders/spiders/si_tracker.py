"""Statutory instruments' passage through Parliament, from Parliament's SI tracker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import partial

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document
from timeline_spiders.parsers.si_api import (
    InstrumentRef,
    annulment_deadline,
    next_skip,
    parse_business_items,
    parse_instrument_search,
    search_url,
)


class SITrackerSpider(TimelineSpider):
    """Each statutory instrument's stages in Parliament: laid, committee consideration
    and reports, prayers and motions, debates, approval, procedure concluded.

    Source: UK Parliament's Statutory Instruments API v2,
    https://statutoryinstruments-api.parliament.uk (Open Parliament Licence v3.0); the
    public pages are on https://statutoryinstruments.parliament.uk.

    For every UK SI the legislation spider stored (so it runs after that spider), the
    instrument is found by name, matched on its year and number, and its business items
    become events on a `si_tracker:<id>` item that cites the instrument. The API covers
    instruments laid since June 2017; older ones are skipped, and their stages are known
    only from the Hansard debates and questions that cite them (the /si page says so).
    Incremental: an instrument whose procedure has concluded is not fetched again on a
    nightly run.
    """

    name = "si_tracker"
    source = "si_tracker"
    base_url_setting = "SI_API_URL"
    public_base = "https://statutoryinstruments-api.parliament.uk"
    runs_after = ("legislation",)
    #: Parliament's tracker starts with instruments laid in June 2017.
    first_year_covered = 2017

    async def start(self) -> AsyncIterator[Request]:
        await self.prerequisites_done()
        for legislation_id, title in self.instruments_to_follow():
            yield self.search(legislation_id, title, skip=0)

    def instruments_to_follow(self) -> list[tuple[str, str]]:
        """(legislation id, title) of stored UK SIs the tracker may know about."""
        concluded = set() if self.search_since is None else self.concluded()
        rows = self.read_stored(
            "select id, title from items where source = 'legislation'"
            " and id like 'legislation:uksi/%' and gone_at is null order by id"
        )
        instruments = []
        for item_id, title in rows:
            legislation_id = item_id.removeprefix("legislation:")
            if int(legislation_id.split("/")[1]) < self.first_year_covered:
                self.logger.info("%s predates the SI tracker: skipped", legislation_id)
            elif legislation_id not in concluded:
                instruments.append((legislation_id, title))
        return instruments

    def concluded(self) -> set[str]:
        """Instruments whose stored tracker item has a 'procedure concluded' event."""
        rows = self.read_stored(
            "select json_extract(items.metadata, '$.legislation_id') from items"
            " join events on events.item_id = items.id"
            " where items.source = 'si_tracker' and events.kind = 'si_procedure_concluded'"
        )
        return {legislation_id for (legislation_id,) in rows}

    def search(self, legislation_id: str, title: str, skip: int) -> Request:
        return self.request(
            search_url(title, skip=skip),
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
            if instrument.legislation_id == legislation_id:
                yield self.request(
                    instrument.business_items_url,
                    self.parse_business_items,
                    cb_kwargs={"instrument": instrument},
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
        assert instrument.legislation_id is not None
        parser = partial(
            parse_business_items,
            legislation_id=instrument.legislation_id,
            public_url=instrument.public_url,
        )
        events = self.parse_body(response, parser)
        if events is None:
            return
        _, year, number = instrument.legislation_id.split("/")
        deadline = annulment_deadline(instrument.procedure, events)
        summary = f"{instrument.procedure} procedure in Parliament."
        if deadline:
            summary += f" Objection period ends {deadline}."
        yield Document(
            id=f"si_tracker:{instrument.api_id}",
            source=self.source,
            doc_type="si_procedure",
            title=f"{instrument.name}: in Parliament",
            url=instrument.public_url,
            summary=summary,
            # Naming the instrument in the text is what makes the citation pipeline link
            # this item to it, as for every other source.
            body=f"{instrument.name} (S.I. {year}/{number}).",
            events=events,
            metadata={
                "api_id": instrument.api_id,
                "legislation_id": instrument.legislation_id,
                "procedure": instrument.procedure,
                "made_date": instrument.made_date,
                "commons_laid_date": instrument.commons_laid_date,
                "lords_laid_date": instrument.lords_laid_date,
                "annulment_deadline": deadline,
            },
        )
