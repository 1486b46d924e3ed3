"""House of Commons early day motions from the Oral Questions and Motions API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document
from timeline_spiders.parsers.motions import (
    MAX_TAKE,
    MotionSummary,
    motion_document_id,
    motion_path,
    motions_list_path,
    next_skip,
    parse_motion,
    parse_motion_list,
)
from timeline_spiders.sources import source_named


@dataclass(frozen=True)
class MotionList:
    """One list the spider pages through: motions whose title has a phrase, prayers
    against instruments, or the motions earlier runs stored (by id)."""

    search_term: str | None = None
    prayers: bool = False
    edm_ids: tuple[int, ...] = ()
    tabled_since: date | None = None
    skip: int = 0


class MotionsSpider(TimelineSpider):
    """Early day motions: when each was tabled, by whom, and how many members signed it,
    updated as signatures come in; prayers against the instruments the timeline follows
    among them.

    Source: UK Parliament Oral Questions and Motions API,
    https://oralquestionsandmotions-api.parliament.uk (Open Parliament Licence v3.0); its
    documentation is https://oralquestionsandmotions-api.parliament.uk/swagger/ui/index
    (Swagger document /swagger/docs/v1). Public pages are on https://edm.parliament.uk.
    Format notes in `parsers/FORMAT-motions.md`.

    Lists `/EarlyDayMotions/list` for each campaign search phrase (the API matches
    titles only), and lists the prayers against negative instruments, fetching only
    those against an instrument the legislation spider stored or the rules track (so it
    runs after that spider). The list lacks the other signatories and the amendments,
    so each motion's detail (`/EarlyDayMotion/{id}`) is fetched, once per run.

    Incremental: a nightly run lists only motions tabled since the last success less the
    overlap (`tabledStartDate`; BACKFILL_FROM on a back-fill), and lists the motions
    stored before by id, a hundred a request, to fetch again only those whose signature
    count moved.
    """

    name = "motions"
    source = source_named("motions")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Motion ids whose detail was requested in this run.
        self.requested: set[int] = set()
        #: Signature counts of the motions earlier runs stored, by motion id.
        self.stored_counts: dict[int, int | None] = {}
        #: Legislation ids of the instruments whose prayers are fetched.
        self.instruments: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        await self.prerequisites_done()
        earlier = self.context.earlier_runs
        self.instruments = set(self.plan.tracked_list("legislation")) | {
            item.id.removeprefix("legislation:") for item in earlier.live_items("legislation")
        }
        if self.search_since is not None:
            self.stored_counts = {
                int(item.metadata["api_id"]): item.metadata.get("signature_count")
                for item in earlier.live_items(self.source.name)
                if isinstance(item.metadata.get("api_id"), int)
            }
        since = self.search_since or date.fromisoformat(self.settings.get("BACKFILL_FROM"))
        for phrase in self.plan.phrases:
            yield self.list_request(MotionList(search_term=phrase, tabled_since=since))
        yield self.list_request(MotionList(prayers=True, tabled_since=since))
        stored = sorted(self.stored_counts)
        for first in range(0, len(stored), MAX_TAKE):
            yield self.list_request(MotionList(edm_ids=tuple(stored[first : first + MAX_TAKE])))

    def list_request(self, motions: MotionList) -> Request:
        path = motions_list_path(
            motions.search_term,
            tabled_start_date=motions.tabled_since,
            is_prayer=True if motions.prayers else None,
            edm_ids=motions.edm_ids,
            skip=motions.skip,
        )
        return self.request(path, self.parse_list, cb_kwargs={"motions": motions})

    def parse_list(self, response: Response, motions: MotionList) -> Iterator[Request]:
        page = self.parse_body(response, parse_motion_list)
        if page is None:
            return
        for motion in page.motions:
            if motions.prayers and motion.instrument not in self.instruments:
                continue
            if self.worth_fetching(motion):
                self.requested.add(motion.id)
                yield self.request(motion_path(motion.id), self.parse_motion)
        following = next_skip(page, motions.skip)
        if following is not None:
            yield self.list_request(replace(motions, skip=following))

    def worth_fetching(self, motion: MotionSummary) -> bool:
        """Not yet fetched in this run, and new or signed (or unsigned) since stored."""
        if motion.id in self.requested:
            return False
        if motion.id not in self.stored_counts:
            return True
        changed = self.stored_counts[motion.id] != motion.signature_count
        if not changed:
            self.logger.debug("%s: signatures unchanged", motion_document_id(motion.id))
        return changed

    def parse_motion(self, response: Response) -> Iterator[Document]:
        document = self.parse_body(response, parse_motion)
        if document is not None:
            yield document
