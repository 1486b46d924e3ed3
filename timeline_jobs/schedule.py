"""Which sources a run asks, so that the job can run every hour and stay cheap.

Each source says how often it is worth asking (`Source.refresh_every`). A run asks a
source when that long has passed since its last success. Sources asked less often than
hourly are spread over the hours: a run asks at most one of them (the one asked longest
ago), so an hourly run where nothing changed costs the hourly sources plus one other.
Spreading never delays a source past `SPREAD_AT_MOST`: a source not asked successfully for
that long is asked whatever else is due, so a job run once a day asks every source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from timeline_spiders.sources import Source

#: Runs drift by minutes (cron start, the previous run's length): a source asked an hour
#: ago less this is due at the next hourly run.
EARLY_BY = timedelta(minutes=10)
#: The longest spreading may hold a due source back.
SPREAD_AT_MOST = timedelta(hours=12)
HOURLY = timedelta(hours=1)


@dataclass(frozen=True)
class SourceHistory:
    """When a source's runs last started: successfully, and at all."""

    last_success: datetime | None = None
    last_attempt: datetime | None = None


@dataclass
class Schedule:
    """The sources this run asks, and why each other source waits."""

    asked: list[str] = field(default_factory=list)
    waiting: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return "\n".join(
            f"Not asking {name} this run: {why}." for name, why in self.waiting.items()
        )


def schedule(
    sources: Iterable[Source], history: Mapping[str, SourceHistory], now: datetime
) -> Schedule:
    """The sources due at `now`, slow ones spread to one per run (see the module's doc)."""
    plan = Schedule()
    spreadable: list[Source] = []
    for source in sources:
        past = history.get(source.name, SourceHistory())
        if past.last_success is None or now - past.last_success >= SPREAD_AT_MOST:
            plan.asked.append(source.name)
        elif now - past.last_success < source.refresh_every - EARLY_BY:
            plan.waiting[source.name] = (
                f"asked {_ago(now - past.last_success)} ago, "
                f"and it is asked every {_ago(source.refresh_every)}"
            )
        elif source.refresh_every <= HOURLY:
            plan.asked.append(source.name)
        else:
            spreadable.append(source)
    spreadable.sort(
        key=lambda s: history[s.name].last_attempt or datetime.min.replace(tzinfo=now.tzinfo)
    )
    for index, source in enumerate(spreadable):
        if index == 0:
            plan.asked.append(source.name)
        else:
            plan.waiting[source.name] = (
                f"due, but {spreadable[0].name} is asked this run "
                "(one source refreshed less often than hourly per run keeps each run cheap)"
            )
    return plan


def _ago(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes / 60:.0f} h"
