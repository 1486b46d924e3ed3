"""Written questions and written statements from the Written Questions and Statements API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

from scrapy.http import Request, Response

from pipelines.tagging import words
from pipelines.text import document_text
from timeline_spiders.items import Document
from timeline_spiders.parsers.questions import (
    ListPage,
    parse_question,
    parse_question_list,
    parse_statement,
    parse_statement_list,
)
from timeline_spiders.spiders.hansard import Paging, Search, WindowedSearchSpider

QUESTIONS = "/api/writtenquestions/questions"
STATEMENTS = "/api/writtenstatements/statements"

PARSERS: dict[str, tuple[Callable[[bytes], ListPage], Callable[[bytes], Document]]] = {
    QUESTIONS: (parse_question_list, parse_question),
    STATEMENTS: (parse_statement_list, parse_statement),
}


def mentions(text: str, phrases: list[str]) -> bool:
    """Whether `text` has one of `phrases` word for word, compared as the campaign rules
    compare text (case, accents and punctuation ignored: "Pupils: Nationality" has the
    phrase "pupils' nationality")."""
    padded = f" {' '.join(words(text))} "
    return any(f" {' '.join(words(phrase))} " in padded for phrase in phrases)


class QuestionsSpider(WindowedSearchSpider):
    """Written questions (dated when answered) and written statements (dated when made).

    Source: UK Parliament Written Questions and Statements,
    https://questions-statements.parliament.uk (Open Parliament Licence v3.0).
    API: https://questions-statements-api.parliament.uk/index.html (JSON; format notes in
    `parsers/FORMAT-parliament.md`).

    Each campaign search phrase is listed in yearly windows, paging with `skip`/`take`.
    `searchTerm` matches any word of the phrase and list entries truncate their text, so
    each result's detail is fetched (once, keyed by API id) and kept only if its full text
    has one of the campaign search phrases word for word. A question is re-fetched when a
    nightly search finds it again; its event id is stable, so storage moves the event from
    the tabled date to the answer date when it is answered, and takes a corrected answer.
    """

    name = "questions"
    source = "questions"
    base_url_setting = "QUESTIONS_API_URL"
    public_base = "https://questions-statements-api.parliament.uk"

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

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.requested = set()
        return spider

    #: (list endpoint, API id) of every detail requested in this run.
    requested: set[tuple[str, int]]

    async def start(self) -> AsyncIterator[Request]:
        kinds = self.backfill_kinds if self.search_since is None else tuple(self.date_searches)
        for window in self.search_windows():
            for phrase in self.rules.search_phrases():
                for kind in kinds:
                    yield self.first_page(Search(kind, phrase, window))

    def search_request(self, paging: Paging) -> Request:
        search = paging.search
        path, date_parameter = self.date_searches[search.kind]
        query = {
            "searchTerm": search.phrase,
            f"{date_parameter}From": search.window.start.isoformat(),
            f"{date_parameter}To": search.window.end.isoformat(),
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
                    f"{path}/{api_id}?expandMember=true",
                    self.parse_detail,
                    cb_kwargs={"path": path},
                )
        yield from self.after_page(paging, [str(i) for i in page.ids], page.count, page.total)

    def parse_detail(self, response: Response, path: str) -> Iterator[Document]:
        document = self.parse_body(response, PARSERS[path][1])
        if document is None:
            return
        text = document_text(document.title, document.summary, document.body)
        if mentions(text, self.rules.search_phrases()):
            yield document
        else:
            self.crawler.stats.inc_value("questions/without_a_search_phrase")
