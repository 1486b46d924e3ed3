"""A spider built as a crawl builds it, told whatever a test needs about earlier runs, and
fed responses by hand: no network, no crawl, no database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from timeline_spiders.base import TimelineSpider
from timeline_spiders.context import SearchPlan, SpiderContext, StoredItem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LOCAL = "http://127.0.0.1:8123"
OVERLAP_DAYS = 14

Spider = TypeVar("Spider", bound=TimelineSpider)


@dataclass
class StubEarlierRuns:
    """What earlier runs stored, as a test says: the last success, and items by source."""

    last: datetime | None = None
    items: Mapping[str, list[StoredItem]] = field(default_factory=dict)

    def last_success(self, source: str) -> datetime | None:
        return self.last

    def item_ids(self, source: str) -> set[str]:
        return {item.id for item in self.items.get(source, [])}

    def live_items(self, source: str) -> list[StoredItem]:
        return list(self.items.get(source, []))

    def items_with_event(self, source: str, kind: str) -> list[StoredItem]:
        return []

    def feeds_read_since(self, since: datetime) -> set[str]:
        return set()


def stub_context(crawler: Crawler) -> SpiderContext:
    """The SPIDER_CONTEXT for these tests: the context the test put in the settings."""
    return crawler.settings["TEST_SPIDER_CONTEXT"]


def build_spider(
    spider_class: type[Spider],
    *,
    phrases: Iterable[str] = ("pupil nationality",),
    tracked: Mapping[str, tuple[str, ...]] | None = None,
    earlier: StubEarlierRuns | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Spider:
    """`spider_class` as a crawl would make it, its source fetched from LOCAL."""
    context = SpiderContext(
        plan=SearchPlan(phrases=tuple(phrases), tracked=dict(tracked or {})),
        earlier_runs=earlier or StubEarlierRuns(),
    )
    setting = spider_class.source.base_url_setting
    assert setting is not None
    crawler = get_crawler(
        spider_class,
        {
            setting: LOCAL,
            "SPIDER_CONTEXT": f"{__name__}.stub_context",
            "TEST_SPIDER_CONTEXT": context,
            "BACKFILL_FROM": "2010-01-01",
            "INCREMENTAL_OVERLAP_DAYS": OVERLAP_DAYS,
            **(settings or {}),
        },
    )
    spider = spider_class.from_crawler(crawler)
    return spider


def ran_yesterday() -> StubEarlierRuns:
    """Earlier runs with a success yesterday: a nightly run searches from here."""
    return StubEarlierRuns(last=datetime.now(UTC) - timedelta(days=1))


def nightly_start() -> str:
    """Where a nightly run after yesterday's success starts (the default overlap)."""
    return (date.today() - timedelta(days=1 + OVERLAP_DAYS)).isoformat()


def start_requests(spider: TimelineSpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    return asyncio.run(collect())


def respond(request: Request, fixture: str = "", *, body: bytes = b"", status: int = 200):
    """The response to `request`: a fixture file (path under tests/fixtures) or a body."""
    body = (FIXTURES / fixture).read_bytes() if fixture else body
    return TextResponse(url=request.url, body=body, status=status, request=request)


def callback_output(request: Request, fixture: str = "", **kwargs: Any) -> list[Any]:
    """Everything `request`'s callback yields for the response."""
    assert request.callback is not None
    return list(request.callback(respond(request, fixture, **kwargs), **request.cb_kwargs) or [])


def requests_in(output: Iterable[Any]) -> list[Request]:
    return [thing for thing in output if isinstance(thing, Request)]


def path_of(request: Request) -> str:
    return urlsplit(request.url).path


def query_of(request: Request) -> dict[str, str]:
    """The request's query (the last value of a repeated parameter)."""
    return dict(parse_qsl(urlsplit(request.url).query))


def query_lists(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(request.url).query)
