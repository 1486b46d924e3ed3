"""Written questions and written statements from the Written Questions and Statements API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Request, Response

from timeline_spiders.items import Document
from timeline_spiders.parsers.questions import (
    ListPage,
    parse_question,
    parse_question_list,
    parse_statement,
    parse_statement_list,
)
from timeline_spiders.sources import source_named
from timeline_spiders.windowed_search import Paging, Search, WindowedSearchSpider

QUESTIONS = "/api/writtenquestions/questions"
STATEMENTS = "/api/writtenstatements/statements"

PARSERS: dict[str, tuple[Callable[[bytes], ListPage], Callable[[bytes], Document]]] = {
    QUESTIONS: (parse_question_list, parse_question),
    STATEMENTS: (parse_statement_list, parse_statement),
}


class QuestionsSpider(WindowedSearchSpider):
    """Written questions (dated when answered) and written statements (dated when made).

    Source: UK Parliament Written Questions and Statements,
    https://questions-statements.parliament.uk (Open Parliament Licence v3.0).
    API: https://questions-statements-api.parliament.uk/index.html (JSON; format notes in
    `parsers/FORMAT-parliament.md`).

    Each campaign search phrase is listed in yearly windows, paging with `skip`/`take`,
    with `sessionStatus=Any`: the API's default is the current session only, which would
    make every search of an earlier year come back empty. List entries truncate their
    text, so each result's detail is fetched (once per run, keyed by API id). `searchTerm`
    matches any word of the phrase, so the parser marks each document to be kept only if
    its full text has a search phrase word for word (the relevance pipeline checks). A
    question is found again by a nightly search when it is answered or corrected; its
    event id is stable, so storage moves the event from the tabled date to the answer.
    """

    name = "questions"
    source = source_named("questions")

    #: Search kind -> (list endpoint, date parameter prefix: `{prefix}From`/`{prefix}To`).
    date_searches: ClassVar[dict[str, tuple[str, str]]] = {
        "tabled": (QUESTIONS, "tabledWhen"),
        "made": (STATEMENTS, "madeWhen"),
        "answered": (QUESTIONS, "answeredWhen"),
        "corrected": (QUESTIONS, "correctedWhen"),
    }
    #: A back-fill finds every question by when it was tabled. A nightly run must also ask
    #: what was answered or corrected lately, since those questions were tabled earlier.
    backfill_kinds: ClassVar[tuple[str, ...]] = ("tabled", "made")
    #: The API's default is 20; it serves far larger pages (Commons Library clients ask
    #: for 1000), and a bigger page means fewer requests.
    page_size: ClassVar[int] = 100

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: (list endpoint, API id) of every detail requested in this run.
        self.requested: set[tuple[str, int]] = set()

    async def start(self) -> AsyncIterator[Request]:
        kinds = self.backfill_kinds if self.search_since is None else tuple(self.date_searches)
        for window in self.search_windows():
            for phrase in self.plan.phrases:
                for kind in kinds:
                    yield self.first_page(Search(kind, phrase, window))

    def search_request(self, paging: Paging) -> Request:
        search = paging.search
        path, date_parameter = self.date_searches[search.kind]
        query = {
            "searchTerm": search.phrase,
            f"{date_parameter}From": search.window.start.isoformat(),
            f"{date_parameter}To": search.window.end.isoformat(),
            "sessionStatus": "Any",
            "skip": paging.skip,
            "take": self.page_size,
        }
        return self.request(
            f"{path}?{urlencode(query)}", self.parse_list, cb_kwargs={"paging": paging}
        )

    def parse_list(self, response: Response, paging: Paging) -> Iterator[Request]:
        path, _ = self.date_searches[paging.search.kind]
        page = self.parse_body(response, PARSERS[path][0])
        if page is None:
            return
        for api_id in page.ids:
            if (path, api_id) not in self.requested:
                self.requested.add((path, api_id))
                yield self.request(
                    f"{path}/{api_id}?expandMember=true&sessionStatus=Any",
                    self.parse_detail,
                    cb_kwargs={"path": path},
                )
        yield from self.after_page(paging, [str(i) for i in page.ids], page.count, page.total)

    def parse_detail(self, response: Response, path: str) -> Iterator[Document]:
        document = self.parse_body(response, PARSERS[path][1])
        if document is not None:
            yield document
