"""Searching a source by phrase in date windows, paging each search: what the Hansard and
written questions spiders share.

Windows run from the spider's `search_since` (incremental) or `BACKFILL_FROM` (back-fill)
to today. When a search ends with fewer results than its total, the window is split in
two and each half searched again: a capped endpoint returns everything for a narrow
enough window.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import ClassVar

from scrapy.http import Request

from timeline_spiders.base import TimelineSpider


@dataclass(frozen=True)
class Window:
    """A range of days searched as one query, both ends included."""

    start: date
    end: date

    def halves(self, shortest_days: int) -> tuple[Window, Window] | None:
        """The window cut in two, or None if either half would be under `shortest_days`."""
        if (self.end - self.start).days + 1 < 2 * shortest_days:
            return None
        middle = self.start + (self.end - self.start) // 2
        return Window(self.start, middle), Window(middle + timedelta(days=1), self.end)


def yearly_windows(start: date, end: date) -> list[Window]:
    """`start` to `end` cut at each 1 January: a year of one phrase is a small result set,
    and calendar years give the same windows on every run."""
    windows = []
    while start <= end:
        year_end = min(date(start.year, 12, 31), end)
        windows.append(Window(start, year_end))
        start = year_end + timedelta(days=1)
    return windows


@dataclass(frozen=True)
class Search:
    """One query: a phrase on one endpoint (or date field) within one window."""

    kind: str
    phrase: str
    window: Window


@dataclass
class Paging:
    """How far paging through one `Search` has got.

    No stop condition relies on one endpoint's word: paging ends on an empty page, on a
    page with nothing new (an endpoint that ignores `skip` sends the same page again) or
    once the total is in hand; it never stops on a short page, and it moves on by the
    results a page held, not the page size asked for, because an endpoint may cap that
    without saying so. `total` is the largest any page reported: a page past the end may
    say 0.
    """

    search: Search
    skip: int = 0
    seen: set[str] = field(default_factory=set)
    total: int | None = None

    def next_skip(self, keys: Sequence[str], count: int, total: int | None) -> int | None:
        """Record a page's result keys; the `skip` of the next page, or None to stop."""
        if total is not None:
            self.total = max(total, self.total or 0)
        new = set(keys) - self.seen
        self.seen |= new
        if count == 0 or not new or (self.total is not None and len(self.seen) >= self.total):
            return None
        self.skip += count
        return self.skip

    @property
    def short(self) -> bool:
        """Whether paging ended with fewer results than the total reported."""
        return self.total is not None and len(self.seen) < self.total


class WindowedSearchSpider(TimelineSpider):
    """A spider that searches by phrase in date windows and pages each search.

    Windows run from `search_since` (incremental) or `BACKFILL_FROM` (back-fill) to
    today. When a search ends with fewer results than its total, the window is split in
    two and each half searched again: a capped endpoint returns everything for a narrow
    enough window.
    """

    #: Don't split a window below a week: a phrase matching more than a capped page in a
    #: week is implausible, so a shortfall there means the API's total is wrong, and
    #: splitting further would only multiply requests.
    shortest_window_days: ClassVar[int] = 7

    def search_windows(self) -> list[Window]:
        start = self.search_since or date.fromisoformat(self.settings.get("BACKFILL_FROM"))
        return yearly_windows(start, date.today())

    def search_request(self, paging: Paging) -> Request:
        raise NotImplementedError

    def first_page(self, search: Search) -> Request:
        return self.search_request(Paging(search))

    def after_page(
        self, paging: Paging, keys: Sequence[str], count: int, total: int | None
    ) -> Iterator[Request]:
        """The next page of the search; or, if it ended short of its total, its halves."""
        if paging.next_skip(keys, count, total) is not None:
            yield self.search_request(paging)
            return
        if not paging.short:
            return
        search = paging.search
        halves = search.window.halves(self.shortest_window_days)
        if halves is None:
            self.logger.warning(
                "%s search for %r %s to %s gave %d of the %d results it reported",
                search.kind,
                search.phrase,
                search.window.start,
                search.window.end,
                len(paging.seen),
                paging.total,
            )
            return
        for half in halves:
            yield self.first_page(replace(search, window=half))
