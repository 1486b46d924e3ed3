"""The DfE guidance spider's requests and callbacks, without a network or a crawl."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from timeline_spiders.items import Document, Gone
from timeline_spiders.parsers.govuk import content_fingerprint
from timeline_spiders.spiders.dfe_guidance import DfeGuidanceSpider

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "govuk"
LOCAL = "http://127.0.0.1:8123"
CENSUS = "/government/publications/school-census-2016-to-2017-guide-for-schools-and-las"
AP_CENSUS = "/government/publications/alternative-provision-census-2018-guide"
OLD_GUIDE = "/government/publications/school-census-guide-2017-to-2018"
NEW_GUIDE = "/government/publications/school-census-2017-to-2018-guide-for-schools-and-las"


@pytest.fixture
def spider(tmp_path) -> DfeGuidanceSpider:
    crawler = get_crawler(
        DfeGuidanceSpider,
        {
            "GOVUK_URL": LOCAL,
            "CAMPAIGN_RULES": str(ROOT / "data" / "campaigns.yml"),
            "TIMELINE_DB": str(tmp_path / "no-runs-yet.db"),
            "SPIDER_CONTEXT": "pipelines.spider_context.spider_context",
        },
    )
    return DfeGuidanceSpider.from_crawler(crawler)


def start_requests(spider: DfeGuidanceSpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    return asyncio.run(collect())


def respond(request: Request, fixture: str = "", *, body: bytes = b"", status: int = 200):
    body = (FIXTURES / fixture).read_bytes() if fixture else body
    return TextResponse(url=request.url, body=body, status=status, request=request)


def content_request(spider: DfeGuidanceSpider, base_path: str) -> Request:
    (request,) = spider.fetch_document(base_path)
    return request


def query(request: Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def paths(requests) -> list[str]:
    return [urlsplit(r.url).path for r in requests if isinstance(r, Request)]


def test_the_spider_is_dfe_guidance_on_the_govuk_source(spider):
    assert (spider.name, spider.source.name) == ("dfe_guidance", "govuk")


def test_start_fetches_the_tracked_paths_then_searches_dfe_for_each_phrase(spider):
    requests = start_requests(spider)

    tracked = spider.plan.tracked_list("govuk_paths")
    assert [r.url for r in requests[: len(tracked)]] == [
        f"{LOCAL}/api/content{path}" for path in tracked
    ]
    assert all(r.meta["handle_httpstatus_list"] == [404, 410] for r in requests[: len(tracked)])
    searches = requests[len(tracked) :]
    assert [query(r)["q"] for r in searches] == [[p] for p in spider.plan.phrases]
    assert query(searches[0]) == {
        "q": ["pupil nationality"],
        "filter_organisations": ["department-for-education"],
        "order": ["-public_timestamp"],
        "start": ["0"],
        "count": ["100"],
        "fields": ["link", "public_timestamp"],
    }
    assert all(r.url.startswith(f"{LOCAL}/api/search.json?") for r in searches)


def test_search_results_are_fetched_once_each_and_the_next_page_is_asked_for(spider):
    content_request(spider, CENSUS)  # already asked for, as a tracked path would be
    search = spider.search_request("pupil nationality", start=0)

    requests = list(spider.parse_search(respond(search, "search-page-1.json"), "pupil nationality"))

    assert paths(requests) == [
        "/api/content/government/publications/dfe-external-data-shares",
        "/api/content/government/news/census-2021-how-schools-can-help",
        "/api/search.json",
    ]
    assert query(requests[-1])["start"] == ["3"]
    again = spider.parse_search(respond(search, "search-page-1.json"), "pupil nationality")
    assert paths(again) == ["/api/search.json"]


def test_the_last_search_page_asks_for_no_more(spider):
    search = spider.search_request("pupil nationality", start=3)

    requests = list(spider.parse_search(respond(search, "search-page-2.json"), "pupil nationality"))

    assert "/api/search.json" not in paths(requests)
    assert len(requests) == 2


@pytest.mark.parametrize(
    ("since", "pages_on"),
    [(date(2022, 1, 1), False), (date(2021, 1, 1), True), (None, True)],
)
def test_a_nightly_stops_paging_once_results_are_older_than_its_start_day(spider, since, pages_on):
    # search-page-1.json runs from 2023-06-29 down to 2021-02-15.
    spider.search_since = since
    search = spider.search_request("pupil nationality", start=0)

    requests = list(spider.parse_search(respond(search, "search-page-1.json"), "pupil nationality"))

    assert ("/api/search.json" in paths(requests)) is pages_on
    assert len([p for p in paths(requests) if p.startswith("/api/content/")]) == 3


def test_a_content_item_is_a_document_fingerprinted_for_silent_changes(spider):
    request = content_request(spider, CENSUS)

    (document,) = spider.parse_content(respond(request, "school-census-guide-2018.json"))

    assert isinstance(document, Document)
    assert document.id == f"govuk:{CENSUS}"
    assert document.url == f"https://www.gov.uk{CENSUS}"
    assert document.fingerprint == content_fingerprint(document)
    assert document.silent_change_kind == "guidance_updated"
    assert "redirected_from" not in document.metadata


@pytest.mark.parametrize("status", [404, 410])
def test_a_removed_page_is_gone_with_its_public_url(spider, status):
    request = content_request(spider, AP_CENSUS)

    (gone,) = spider.parse_content(respond(request, "gone.json", status=status))

    assert gone == Gone(f"govuk:{AP_CENSUS}", f"https://www.gov.uk{AP_CENSUS}", status)


def test_a_redirect_item_is_followed_and_the_destination_says_where_from(spider):
    request = content_request(spider, OLD_GUIDE)

    (follow,) = spider.parse_content(respond(request, "redirect.json"))
    (document,) = spider.parse_content(respond(follow, "school-census-guide-2017-to-2018.json"))

    assert follow.url == f"{LOCAL}/api/content{NEW_GUIDE}"
    assert follow.meta["handle_httpstatus_list"] == [404, 410]
    assert document.id == f"govuk:{NEW_GUIDE}"
    assert document.metadata["redirected_from"] == f"https://www.gov.uk{OLD_GUIDE}"


def test_a_redirect_to_a_page_already_fetched_is_not_fetched_again(spider):
    content_request(spider, NEW_GUIDE)

    assert (
        list(spider.parse_content(respond(content_request(spider, OLD_GUIDE), "redirect.json")))
        == []
    )


def test_a_redirect_off_govuk_is_not_followed(spider):
    body = json.dumps(
        {
            "base_path": OLD_GUIDE,
            "schema_name": "redirect",
            "redirects": [
                {"path": OLD_GUIDE, "type": "exact", "destination": "https://example.org/x"}
            ],
        }
    ).encode()

    assert list(spider.parse_content(respond(content_request(spider, OLD_GUIDE), body=body))) == []


def test_an_http_redirect_is_recorded_on_the_destination(spider):
    request = content_request(spider, AP_CENSUS)
    request.meta["redirect_urls"] = [f"{LOCAL}/api/content/government/publications/ap-census-route"]

    (document,) = spider.parse_content(respond(request, "ap-census-2018-guide.json"))

    assert document.metadata["redirected_from"] == (
        "https://www.gov.uk/government/publications/ap-census-route"
    )
