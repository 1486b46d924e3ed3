"""Petitions to Parliament and the Government from petition.parliament.uk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document
from timeline_spiders.parsers.petitions import (
    MAX_COUNT,
    next_page_path,
    parse_petition,
    parse_petition_list,
    petition_path,
    petitions_search_path,
)
from timeline_spiders.sources import source_named


class PetitionsSpider(TimelineSpider):
    """Petitions: when each opened, the Government's response, the debate in Parliament
    (linked to its Hansard transcript) or the one scheduled, and the signatures so far.

    Source: UK Government and Parliament Petitions, https://petition.parliament.uk (Open
    Parliament Licence v3.0). Its JSON has no published specification: it is what the
    site's own code renders, https://github.com/alphagov/e-petitions (the `.json`
    views of `/petitions` and `/archived/petitions`). Format notes in
    `parsers/FORMAT-petitions.md`.

    Searches `/petitions.json` for each campaign search phrase in every state, following
    the site's `next` links; a list page already holds every petition in full, so no
    petition page is fetched for what a search finds. Every petition listed under
    `tracked: petitions:` is fetched from its own page (the site redirects an archived
    one). A petition found twice is yielded once.

    Incremental: the site cannot be asked what changed since a date, and petitions keep
    changing (signatures, responses, debates), so a nightly run reads the current
    searches again, in pages of 50; petitions of earlier Parliaments
    (`/archived/petitions.json`, the latest earlier Parliament) no longer change and are
    searched only on the first run and on a back-fill.
    """

    name = "petitions"
    source = source_named("petitions")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Documents yielded in this run.
        self.yielded: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for petition_id in self.plan.tracked_list("petitions"):
            yield self.request(petition_path(int(petition_id)), self.parse_petition)
        archived = (False, True) if self.search_since is None else (False,)
        for phrase in self.plan.phrases:
            for in_archive in archived:
                path = petitions_search_path(phrase, archived=in_archive, count=MAX_COUNT)
                yield self.request(path, self.parse_list)

    def parse_list(self, response: Response) -> Iterator[Document | Request]:
        page = self.parse_body(response, parse_petition_list)
        if page is None:
            return
        yield from self.once(page.documents)
        following = next_page_path(page)
        if following:
            yield self.request(following, self.parse_list)

    def parse_petition(self, response: Response) -> Iterator[Document]:
        document = self.parse_body(response, parse_petition)
        if document is not None:
            yield from self.once([document])

    def once(self, documents: list[Document]) -> Iterator[Document]:
        for document in documents:
            if document.id not in self.yielded:
                self.yielded.add(document.id)
                yield document
