"""Bills in Parliament from the Bills API: their stages, amendments and publications."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document, KeepIf
from timeline_spiders.parsers.bills import (
    BillStage,
    bill_path,
    bill_publications_path,
    bill_search_path,
    bill_stages_path,
    next_skip,
    parse_amendments,
    parse_bill,
    parse_bill_document,
    parse_bill_list,
    parse_publications,
    parse_stage_page,
    stage_amendments_path,
)
from timeline_spiders.sources import source_named


@dataclass
class BillInHand:
    """What has been fetched of one bill so far: it is stored once its record, its
    publications and every page of its stages are in hand, with all its events at once."""

    bill_id: int
    keep_if: KeepIf
    record: bytes
    title: str
    publications: bytes = b""
    stages: list[BillStage] = field(default_factory=list)


class BillsSpider(TimelineSpider):
    """Bills: each stage in each House, the amendments a campaign rule tags, and the
    explanatory notes, impact assessments and other papers published with them.

    Source: UK Parliament Bills API, https://bills-api.parliament.uk (Open Parliament
    Licence v3.0); its documentation is https://bills-api.parliament.uk/index.html and
    its OpenAPI document /swagger/v1/swagger.json. Public pages are on
    https://bills.parliament.uk. Format notes in `parsers/FORMAT-bills.md`.

    Finds bills two ways: every bill listed under `tracked: bills:` in the campaign rules
    (always kept), and every bill a campaign search phrase finds in `/api/v1/Bills`,
    most recently updated first (kept only when a campaign rule tags it: the search is a
    word search). For each bill it fetches the record, its publications and its stages,
    stores the bill with a `bill_stage` event per sitting and a `bill_publication` event
    per publication, then reads every stage's amendments; each amendment is its own item,
    kept only when a campaign rule tags it (a bill has hundreds).

    Incremental: a nightly run fetches only bills updated (`lastUpdate`) since its last
    success less the overlap, stops paging a search at the first older bill (results
    are newest first), and drops a tracked bill after its record when it has not
    changed since then.
    """

    name = "bills"
    source = source_named("bills")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Bills whose record was requested in this run.
        self.requested: set[int] = set()
        #: Bills stored by earlier runs (a nightly run skips those unchanged since).
        self.known: set[str] = set()

    @property
    def tracked(self) -> set[int]:
        return {int(bill_id) for bill_id in self.plan.tracked_list("bills")}

    async def start(self) -> AsyncIterator[Request]:
        if self.search_since is not None:
            self.known = self.context.earlier_runs.item_ids(self.source.name)
        for bill_id in sorted(self.tracked):
            for request in self.bill_request(bill_id):
                yield request
        for phrase in self.plan.phrases:
            yield self.search_request(phrase, skip=0)

    def search_request(self, phrase: str, skip: int) -> Request:
        return self.request(
            bill_search_path(phrase, skip=skip),
            self.parse_search,
            cb_kwargs={"phrase": phrase, "skip": skip},
        )

    def bill_request(self, bill_id: int) -> Iterator[Request]:
        """The bill's record, unless this run has already asked for it."""
        if bill_id in self.requested:
            return
        self.requested.add(bill_id)
        yield self.request(bill_path(bill_id), self.parse_record, cb_kwargs={"bill_id": bill_id})

    def parse_search(self, response: Response, phrase: str, skip: int) -> Iterator[Request]:
        page = self.parse_body(response, parse_bill_list)
        if page is None:
            return
        since = self.search_since.isoformat() if self.search_since else None
        for bill in page.updated_since(since) if since else page.bills:
            yield from self.bill_request(bill.bill_id)
        following = next_skip(page, skip)
        if following is not None and not (since and page.reaches_before(since)):
            yield self.search_request(phrase, following)

    def parse_record(self, response: Response, bill_id: int) -> Iterator[Request]:
        keep_if: KeepIf = "always" if bill_id in self.tracked else "tagged"
        bill = self.parse_body(response, partial(parse_bill, keep_if=keep_if))
        if bill is None:
            return
        if self.unchanged(bill):
            self.logger.info("%s has not changed since the last run", bill.url)
            return
        in_hand = BillInHand(bill_id, keep_if, response.body, bill.title)
        yield self.request(
            bill_publications_path(bill_id), self.parse_publications, cb_kwargs={"bill": in_hand}
        )

    def unchanged(self, bill: Document) -> bool:
        """Whether a nightly run may skip the bill: stored before, and not updated since
        the run's window began."""
        updated = str(bill.metadata.get("last_update") or "")[:10]
        return (
            self.search_since is not None
            and bill.id in self.known
            and bool(updated)
            and updated < self.search_since.isoformat()
        )

    def parse_publications(self, response: Response, bill: BillInHand) -> Iterator[Request]:
        if self.parse_body(response, partial(parse_publications, bill_id=bill.bill_id)) is None:
            return
        bill.publications = response.body
        yield self.stages_request(bill, skip=0)

    def stages_request(self, bill: BillInHand, skip: int) -> Request:
        return self.request(
            bill_stages_path(bill.bill_id, skip=skip),
            self.parse_stages,
            cb_kwargs={"bill": bill, "skip": skip},
        )

    def parse_stages(
        self, response: Response, bill: BillInHand, skip: int
    ) -> Iterator[Document | Request]:
        page = self.parse_body(response, partial(parse_stage_page, bill_id=bill.bill_id))
        if page is None:
            return
        bill.stages.extend(page.stages)
        following = next_skip(page, skip)
        if following is not None:
            yield self.stages_request(bill, following)
            return
        yield parse_bill_document(bill.record, bill.publications, bill.stages, keep_if=bill.keep_if)
        for stage in bill.stages:
            yield self.amendments_request(bill, stage, skip=0)

    def amendments_request(self, bill: BillInHand, stage: BillStage, skip: int) -> Request:
        return self.request(
            stage_amendments_path(bill.bill_id, stage.bill_stage_id, skip=skip),
            self.parse_amendments,
            cb_kwargs={"bill": bill, "stage": stage, "skip": skip},
        )

    def parse_amendments(
        self, response: Response, bill: BillInHand, stage: BillStage, skip: int
    ) -> Iterator[Document | Request]:
        read = partial(parse_amendments, bill_id=bill.bill_id, stage=stage, bill_title=bill.title)
        page = self.parse_body(response, read)
        if page is None:
            return
        yield from page.amendments
        following = next_skip(page, skip)
        if following is not None:
            yield self.amendments_request(bill, stage, following)
