"""What a spider may know besides what it fetches, handed to it by the crawl.

Spiders never open the database or read the rules file. Before a spider starts, the
crawl gives it a `SpiderContext`: what the campaign rules ask it to look for, and a
read-only view of what earlier runs stored (to search only since the last success, to
skip what cannot have changed, to look up another source's items). The setting
`SPIDER_CONTEXT` names the function that builds it; the project's builds it from the
rules file and the timeline database, and tests can hand a spider anything with the
same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from scrapy.crawler import Crawler


@dataclass(frozen=True)
class SearchPlan:
    """What the campaign rules ask spiders to find: search phrases, one request each,
    and documents to fetch whatever searches find (`tracked`: list name -> entries,
    such as `legislation` -> `uksi/2016/808`)."""

    phrases: tuple[str, ...] = ()
    tracked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def tracked_list(self, name: str) -> list[str]:
        return list(self.tracked.get(name, ()))


@dataclass(frozen=True)
class StoredItem:
    """An item an earlier run stored, as much of it as a spider needs to decide what to
    fetch."""

    id: str
    title: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


class EarlierRuns(Protocol):
    """Read-only answers about what earlier runs stored. Before the first run every
    answer is empty."""

    def last_success(self, source: str) -> datetime | None:
        """When `source` last finished a run that succeeded (UTC), or None."""
        ...

    def item_ids(self, source: str) -> set[str]:
        """Ids of every item of `source`, gone ones included."""
        ...

    def live_items(self, source: str) -> list[StoredItem]:
        """Items of `source` its site still serves, in id order."""
        ...

    def items_with_event(self, source: str, kind: str) -> list[StoredItem]:
        """Items of `source` that have an event of `kind`."""
        ...

    def feeds_read_since(self, since: datetime) -> set[str]:
        """Public URLs of the feeds read (and stored) at or after `since`."""
        ...


@dataclass(frozen=True)
class SpiderContext:
    plan: SearchPlan
    earlier_runs: EarlierRuns


#: The shape of the function the SPIDER_CONTEXT setting names.
ContextBuilder = Callable[[Crawler], SpiderContext]
