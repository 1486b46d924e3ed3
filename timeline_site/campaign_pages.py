"""A campaign's timeline (`/campaign/<slug>`) and its embeddable form (`/embed/<slug>`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from pipelines.dates import UnreadableDate, normalise_date
from timeline_site.addresses import public_url
from timeline_site.formatting import KIND_LABELS, SOURCE_LABELS
from timeline_site.queries import (
    Reader,
    campaign_events,
    campaign_or_404,
    date_page,
    past_query,
    read,
    timeline_years,
    upcoming_query,
)
from timeline_site.rendering import render_page

if TYPE_CHECKING:
    from datasette.app import Datasette

PAGE_SIZE = 100
EMBED_DEFAULT, EMBED_MAX = 10, 50
EMBED_UPCOMING = 3
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A search longer than this is cut: no one types more, and FTS work grows with it.
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Filters:
    """What a reader asked for in the query string, checked and normalised."""

    kind: str = ""
    source: str = ""
    year: str = ""
    since: str = ""
    q: str = ""
    before: str = ""

    @classmethod
    def from_request(cls, request: Request) -> Filters:
        args = request.args
        kind, source, year = args.get("kind", ""), args.get("source", ""), args.get("year", "")
        since, before = args.get("since", ""), args.get("before", "")
        return cls(
            kind=kind if kind in KIND_LABELS else "",
            source=source if source in SOURCE_LABELS else "",
            year=year if re.fullmatch(r"\d{4}", year) else "",
            since=since if ISO_DAY.match(since) else "",
            q=args.get("q", "").strip()[:MAX_QUERY_CHARS],
            before=before if ISO_DAY.match(before) else "",
        )

    def where(self) -> tuple[list[str], dict[str, str]]:
        """Conditions on `events` (joined to `items`) for the filters that are set."""
        conditions = {
            "kind": "events.kind = :kind",
            "source": "items.source = :source",
            # A range, so the date index can be used: dates are YYYY-MM-DD.
            "year": "events.date between :year || '-01-01' and :year || '-12-31'",
            "since": "events.date >= :since",
            "before": "events.date < :before",
        }
        clauses, params = [], {}
        for name, condition in conditions.items():
            value = getattr(self, name)
            if value:
                clauses.append(condition)
                params[name] = value
        return clauses, params


def by_month(events: Iterable[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Group events (newest first) under headings such as 'October 2016'."""
    grouped = groupby(events, key=lambda event: event["date"][:7])
    return [
        (datetime.strptime(month, "%Y-%m").strftime("%B %Y"), list(rows)) for month, rows in grouped
    ]


async def campaign_page(datasette: Datasette, request: Request) -> Response:
    slug, filters = request.url_vars["slug"], Filters.from_request(request)
    context = await read(datasette, partial(campaign_page_context, slug=slug, filters=filters))
    return Response.html(await render_page(datasette, "campaign.html", context, request))


def campaign_page_context(reader: Reader, slug: str, filters: Filters) -> dict[str, Any]:
    campaign = campaign_or_404(reader, slug)
    clauses, params = filters.where()
    events = campaign_events(reader, slug, past_query(clauses, params, filters.q, PAGE_SIZE + 1))
    events, older = date_page(events, PAGE_SIZE)
    # Upcoming events only on the unfiltered first page, so filters read true; other
    # pages need only know whether there are any (for the calendar link): one event,
    # compact, not twenty read whole (2 of the oldest page's 11 ms of SQL at a million
    # events).
    shows_upcoming = filters == Filters()
    upcoming = campaign_events(
        reader,
        slug,
        upcoming_query() if shows_upcoming else upcoming_query(limit=1),
        compact=not shows_upcoming,
    )
    return {
        "campaign": campaign,
        "filters": filters,
        "choices": {
            "kind": list(KIND_LABELS),
            "source": list(SOURCE_LABELS),
            "year": timeline_years(reader),
        },
        "upcoming": upcoming if shows_upcoming else [],
        "has_upcoming": bool(upcoming),
        "months": by_month(events),
        "older": older,
        "kind_labels": KIND_LABELS,
        "source_labels": SOURCE_LABELS,
    }


@dataclass
class EmbedOptions:
    """The embed's query string, read kindly: a kind may be given by its label
    ("Debate"), a date the UK way ("31/10/2016"); what cannot be read is said, in the
    embed itself, rather than ignored."""

    limit: int = EMBED_DEFAULT
    kind: str = ""
    since: str = ""
    messages: list[str] = field(default_factory=list)

    @classmethod
    def from_request(cls, request: Request) -> EmbedOptions:
        options = cls()
        options.read_limit(request.args.get("limit", ""))
        options.read_kind(request.args.get("kind", ""))
        options.read_since(request.args.get("since", ""))
        return options

    def read_limit(self, value: str) -> None:
        if not value:
            return
        if value.isdigit() and 1 <= int(value) <= EMBED_MAX:
            self.limit = int(value)
        else:
            self.messages.append(
                f"limit={value!r} is not a number from 1 to {EMBED_MAX}: showing {EMBED_DEFAULT}."
            )

    def read_kind(self, value: str) -> None:
        by_label = {label.lower(): kind for kind, label in KIND_LABELS.items()}
        kind = value if value in KIND_LABELS else by_label.get(value.strip().lower(), "")
        if value and not kind:
            self.messages.append(f"kind={value!r} is not a kind of event: showing every kind.")
        self.kind = kind

    def read_since(self, value: str) -> None:
        if not value:
            return
        try:
            self.since = normalise_date(value)
        except UnreadableDate:
            self.messages.append(f"since={value!r} is not a date: showing every date.")


async def embed_page(datasette: Datasette, request: Request) -> Response:
    slug, options = request.url_vars["slug"], EmbedOptions.from_request(request)
    context = await read(datasette, partial(embed_context, slug=slug, options=options))
    context["full_page"] = public_url(datasette, f"/campaign/{slug}")
    return Response.html(await render_page(datasette, "embed.html", context, request))


def embed_context(reader: Reader, slug: str, options: EmbedOptions) -> dict[str, Any]:
    clauses, params = Filters(kind=options.kind, since=options.since).where()
    return {
        "campaign": campaign_or_404(reader, slug),
        "messages": options.messages,
        "upcoming": campaign_events(
            reader, slug, upcoming_query(limit=EMBED_UPCOMING), compact=True
        ),
        "events": campaign_events(
            reader, slug, past_query(clauses, params, "", options.limit), compact=True
        ),
    }
