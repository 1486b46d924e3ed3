"""Debates in both Houses from the Hansard API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Request, Response

from timeline_spiders.items import Document
from timeline_spiders.parsers.hansard import parse_debate, parse_search_page
from timeline_spiders.sources import source_named
from timeline_spiders.windowed_search import Paging, Search, WindowedSearchSpider


class HansardSpider(WindowedSearchSpider):
    """Debates in the Commons, the Lords and Westminster Hall that use a campaign phrase.

    Source: Hansard, https://hansard.parliament.uk (Open Parliament Licence v3.0).
    API: https://hansard-api.parliament.uk/swagger/ui/index (JSON; format notes in
    `parsers/FORMAT-parliament.md`).

    Each campaign search phrase is searched on its own (the API rejects Boolean queries)
    in both `/search/contributions/Spoken.json` (single speeches, naming the contribution)
    and `/search/debates.json` (section titles), in yearly windows. Each matching section
    is fetched from `/debates/debate/{ExtId}.json` as soon as a search finds it, once, so
    a back-fill stopped part-way keeps every debate fetched so far. The summary leads
    with the first speech that uses a search phrase (see `parse_debate`), which does not
    depend on the order the searches happened to run in.
    """

    name = "hansard"
    source = source_named("hansard")

    #: The search endpoint of each search kind.
    endpoints: ClassVar[dict[str, str]] = {
        "spoken": "/search/contributions/Spoken.json",
        "debates": "/search/debates.json",
    }
    #: The API documents no maximum; 20 is what hansard.parliament.uk itself asks for.
    page_size: ClassVar[int] = 20

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Debate sections requested in this run.
        self.requested: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for window in self.search_windows():
            for phrase in self.plan.phrases:
                for kind in self.endpoints:
                    yield self.first_page(Search(kind, phrase, window))

    def search_request(self, paging: Paging) -> Request:
        search = paging.search
        query = {
            "queryParameters.searchTerm": search.phrase,
            "queryParameters.startDate": search.window.start.isoformat(),
            "queryParameters.endDate": search.window.end.isoformat(),
            "queryParameters.orderBy": "SittingDateAsc",
            "queryParameters.skip": paging.skip,
            "queryParameters.take": self.page_size,
        }
        return self.request(
            f"{self.endpoints[search.kind]}?{urlencode(query)}",
            self.parse_search,
            cb_kwargs={"paging": paging},
        )

    def parse_search(self, response: Response, paging: Paging) -> Iterator[Request]:
        page = self.parse_body(response, parse_search_page)
        if page is None:
            return
        for debate_id in page.debate_ext_ids:
            if debate_id not in self.requested:
                self.requested.add(debate_id)
                yield self.request(f"/debates/debate/{debate_id}.json", self.parse_debate)
        # A speech search pages through speeches (several may share a section).
        spoken = paging.search.kind == "spoken" and page.contribution_ext_ids
        keys = page.contribution_ext_ids if spoken else page.debate_ext_ids
        yield from self.after_page(paging, keys, page.count, page.total)

    def parse_debate(self, response: Response) -> Iterator[Document]:
        documents = self.parse_body(response, partial(parse_debate, phrases=self.plan.phrases))
        yield from documents or ()
