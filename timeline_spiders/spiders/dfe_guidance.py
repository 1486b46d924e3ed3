"""Department for Education guidance from GOV.UK, with every published change."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from scrapy.http import Request, Response

from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document, Gone
from timeline_spiders.parsers.govuk import (
    Redirect,
    canonical_url,
    document_id,
    gone_alternative,
    parse_content_response,
    parse_search_page,
)
from timeline_spiders.sources import source_named

SEARCH_PATH = "/api/search.json"
CONTENT_PATH = "/api/content"
#: Results per search page (the API's default is 10, its maximum 1500).
PAGE_SIZE = 100
#: Statuses that mean the page was removed; the callback receives them, not the errback.
GONE_STATUSES = [404, 410]


class DfeGuidanceSpider(TimelineSpider):
    """DfE publications on GOV.UK: first publication, each change note, withdrawal.

    Source: https://www.gov.uk (Open Government Licence v3.0).
    APIs: the Search API, https://docs.publishing.service.gov.uk/repos/search-api.html
    (`/api/search.json`), and the Content API,
    https://docs.publishing.service.gov.uk/repos/content-store/content-api.html
    (`/api/content<base_path>`). Formats: `parsers/FORMAT-govuk.md`.

    Discovery: a search restricted to the Department for Education for each campaign
    search phrase, newest first, paged to the end (a nightly run stops paging once a
    page reaches results older than its start day), plus every path listed under
    `tracked: govuk_paths:` in the campaign rules, fetched on every run. Each path is
    fetched once per run. A 404 or 410 yields `Gone`, and the page GOV.UK sends readers
    to instead (`alternative_path`) is followed; a redirect item, or an HTTP
    redirect such as the 303 served for a route of another item, is followed and the
    destination records the public URL it was reached from (`redirected_from`).

    Politeness: GOV.UK asks API clients for at most 10 requests per second. The project
    defaults (one request at a time per host, a 1 s delay, AutoThrottle) stay well under
    that, so this spider sets no `custom_settings`.
    """

    name = "dfe_guidance"
    source = source_named("govuk")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Base paths already requested in this run.
        self.requested: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for base_path in self.plan.tracked_list("govuk_paths"):
            for request in self.fetch_document(base_path):
                yield request
        for phrase in self.plan.phrases:
            yield self.search_request(phrase, start=0)

    def search_request(self, phrase: str, start: int) -> Request:
        query = {
            "q": phrase,
            "filter_organisations": "department-for-education",
            "order": "-public_timestamp",
            "start": start,
            "count": PAGE_SIZE,
            "fields": ["link", "public_timestamp"],
        }
        return self.request(
            f"{SEARCH_PATH}?{urlencode(query, doseq=True)}",
            self.parse_search,
            cb_kwargs={"phrase": phrase},
        )

    def fetch_document(self, base_path: str, redirected_from: str = "") -> Iterator[Request]:
        """The Content API request for `base_path`, unless this run has already made it."""
        if base_path in self.requested:
            return
        self.requested.add(base_path)
        yield self.request(
            CONTENT_PATH + base_path,
            self.parse_content,
            meta={"handle_httpstatus_list": GONE_STATUSES, "redirected_from": redirected_from},
        )

    def parse_search(self, response: Response, phrase: str) -> Iterator[Request]:
        page = self.parse_body(response, parse_search_page)
        if page is None:
            return
        for base_path in page.base_paths:
            yield from self.fetch_document(base_path)
        if page.next_start is None:
            return
        if self.search_since and page.oldest and page.oldest < self.search_since:
            return  # newest first: every later page is older still
        yield self.search_request(phrase, page.next_start)

    def parse_content(self, response: Response) -> Iterator[Document | Gone | Request]:
        base_path = content_base_path(response.url)
        if response.status in GONE_STATUSES:
            yield Gone(document_id(base_path), canonical_url(base_path), response.status)
            alternative = gone_alternative(response.body)
            if alternative:
                yield from self.fetch_document(alternative, canonical_url(base_path))
            return
        parsed = self.parse_body(response, parse_content_response)
        if isinstance(parsed, Redirect):
            if parsed.destination.startswith("/"):
                yield from self.fetch_document(parsed.destination, canonical_url(base_path))
            else:
                self.logger.info(
                    "%s redirects off GOV.UK to %s", canonical_url(base_path), parsed.destination
                )
            return
        if parsed is None:
            return
        redirected_from = reached_from(response)
        if redirected_from:
            parsed.metadata["redirected_from"] = redirected_from
        yield parsed


def content_base_path(url: str) -> str:
    """The base path a Content API URL asks for."""
    return urlsplit(url).path.removeprefix(CONTENT_PATH)


def reached_from(response: Response) -> str:
    """The public URL of the page that redirected here, or "" if none did.

    A redirect item passes it on in the request's meta; for an HTTP redirect Scrapy
    lists the URLs it came through in `redirect_urls`, the one first asked for first.
    """
    if response.meta["redirected_from"]:
        return response.meta["redirected_from"]
    http_redirects = response.meta.get("redirect_urls")
    return canonical_url(content_base_path(http_redirects[0])) if http_redirects else ""
