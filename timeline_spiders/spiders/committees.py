"""Committee reports, evidence, correspondence and government responses from the
Committees API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document
from timeline_spiders.parsers.bills import bill_name
from timeline_spiders.parsers.committees import (
    COMMITTEES,
    PublicationPage,
    WrittenEvidencePage,
    next_skip,
    parse_publications_page,
    parse_written_evidence_page,
    publications_path,
    written_evidence_path,
)
from timeline_spiders.parsers.si_api import name_search_term
from timeline_spiders.sources import source_named

#: The committees that report on statutory instruments: an instrument is searched for
#: among their publications.
INSTRUMENT_COMMITTEES = (COMMITTEES["slsc"].id, COMMITTEES["jcsi"].id)
#: Committees whose inquiries a campaign phrase leads to: the inquiry's publications and
#: written evidence are read too.
FOLLOWED_COMMITTEES = frozenset(committee.id for committee in COMMITTEES.values())
_BILL_ITEM = re.compile(r"^bills:bill/\d+$")


@dataclass(frozen=True)
class Listing:
    """One list the spider pages through: publications or written evidence, asked for by
    search term, committee or inquiry. `follow_inquiries`: read the whole inquiry of what
    it finds (the committee's own publications found by a campaign phrase)."""

    endpoint: Literal["publications", "evidence"]
    search_term: str | None = None
    committee_id: int | None = None
    business_id: int | None = None
    follow_inquiries: bool = False


class CommitteesSpider(TimelineSpider):
    """Reports, written evidence, correspondence and government responses of
    Parliament's committees, the Secondary Legislation Scrutiny Committee, the Joint
    Committee on Statutory Instruments, the Education Committee and the Joint Committee
    on Human Rights above all.

    Source: UK Parliament Committees API, https://committees-api.parliament.uk (Open
    Parliament Licence v3.0); its documentation is
    https://committees-api.parliament.uk/index.html and its OpenAPI document
    /swagger/v1/swagger.json. Public pages are on https://committees.parliament.uk.
    Format notes in `parsers/FORMAT-committees.md`.

    Publications are found by each campaign search phrase; by each instrument the
    legislation spider stored, among the publications of the two committees that report
    on instruments (so it runs after that spider); and by each bill the bills spider
    stored. The inquiries of the four committees above that a phrase leads to, and every
    inquiry listed under `tracked: committee_business:`, are read whole: their
    publications and written evidence. The list pages hold everything a document needs,
    so nothing else is fetched; a publication found twice is yielded once.

    Incremental: every list asks only for what was published since the last success less
    the overlap (`StartDate`), or since BACKFILL_FROM on a back-fill.
    """

    name = "committees"
    source = source_named("committees")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Documents yielded and inquiries read in this run.
        self.yielded: set[str] = set()
        self.inquiries: set[int] = set()

    async def start(self) -> AsyncIterator[Request]:
        await self.prerequisites_done()
        for listing in self.listings():
            yield self.list_request(listing, skip=0)

    def listings(self) -> Iterator[Listing]:
        for phrase in self.plan.phrases:
            yield Listing("publications", search_term=phrase, follow_inquiries=True)
        earlier = self.context.earlier_runs
        for instrument in earlier.live_items("legislation"):
            for committee_id in INSTRUMENT_COMMITTEES:
                term = name_search_term(instrument.title)
                yield Listing("publications", search_term=term, committee_id=committee_id)
        for bill in earlier.live_items("bills"):
            if _BILL_ITEM.match(bill.id):
                yield Listing("publications", search_term=bill_name(bill.title))
        for business_id in self.plan.tracked_list("committee_business"):
            yield from self.inquiry(int(business_id))

    def inquiry(self, business_id: int) -> Iterator[Listing]:
        """An inquiry's publications and written evidence, once a run."""
        if business_id in self.inquiries:
            return
        self.inquiries.add(business_id)
        yield Listing("publications", business_id=business_id)
        yield Listing("evidence", business_id=business_id)

    @property
    def published_since(self) -> date:
        return self.search_since or date.fromisoformat(self.settings.get("BACKFILL_FROM"))

    def list_request(self, listing: Listing, skip: int) -> Request:
        make_path = (
            publications_path if listing.endpoint == "publications" else written_evidence_path
        )
        path = make_path(
            search_term=listing.search_term,
            committee_id=listing.committee_id,
            business_id=listing.business_id,
            start_date=self.published_since,
            skip=skip,
        )
        return self.request(path, self.parse_list, cb_kwargs={"listing": listing, "skip": skip})

    def parse_list(
        self, response: Response, listing: Listing, skip: int
    ) -> Iterator[Document | Request]:
        page: PublicationPage | WrittenEvidencePage | None
        if listing.endpoint == "publications":
            page = self.parse_body(response, parse_publications_page)
        else:
            page = self.parse_body(response, parse_written_evidence_page)
        if page is None:
            return
        for document in page.documents:
            if document.id not in self.yielded:
                self.yielded.add(document.id)
                yield document
            if listing.follow_inquiries:
                for business_id in inquiries_of(document):
                    for inquiry in self.inquiry(business_id):
                        yield self.list_request(inquiry, skip=0)
        following = next_skip(page, skip)
        if following is not None:
            yield self.list_request(listing, following)


def inquiries_of(document: Document) -> list[int]:
    """The inquiries (committee businesses) of a publication by one of the committees
    followed."""
    committee = document.metadata.get("committee") or {}
    if committee.get("id") not in FOLLOWED_COMMITTEES:
        return []
    businesses = document.metadata.get("businesses") or []
    return [business["id"] for business in businesses if business.get("id")]
