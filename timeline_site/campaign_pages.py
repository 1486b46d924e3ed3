"""A campaign's timeline (`/campaign/<slug>`) and its embeddable form (`/embed/<slug>`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from timeline_site.formatting import KIND_LABELS, SOURCE_LABELS
from timeline_site.queries import (
    DATABASE,
    campaign_events,
    campaign_or_404,
    past_query,
    timeline_years,
    upcoming_query,
)

if TYPE_CHECKING:
    from datasette.app import Datasette

PAGE_SIZE = 100
EMBED_DEFAULT, EMBED_MAX = 10, 50
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
            "year": "substr(events.date, 1, 4) = :year",
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
    db = datasette.get_database(DATABASE)
    slug = request.url_vars["slug"]
    campaign = await campaign_or_404(db, slug)
    filters = Filters.from_request(request)
    clauses, params = filters.where()
    events = await campaign_events(db, slug, past_query(clauses, params, filters.q, PAGE_SIZE + 1))
    older = events[PAGE_SIZE]["date"] if len(events) > PAGE_SIZE else None
    events = events[:PAGE_SIZE]
    # Show upcoming events only on the unfiltered first page, so filters read true.
    show_upcoming = filters == Filters()
    context = {
        "campaign": campaign,
        "filters": filters,
        "choices": {
            "kind": list(KIND_LABELS),
            "source": list(SOURCE_LABELS),
            "year": await timeline_years(db),
        },
        "upcoming": await campaign_events(db, slug, upcoming_query()) if show_upcoming else [],
        "months": by_month(events),
        "count": len(events),
        "older": older,
        "kind_labels": KIND_LABELS,
        "source_labels": SOURCE_LABELS,
    }
    return Response.html(await datasette.render_template("campaign.html", context, request=request))


async def embed_page(datasette: Datasette, request: Request) -> Response:
    db = datasette.get_database(DATABASE)
    slug = request.url_vars["slug"]
    campaign = await campaign_or_404(db, slug)
    try:
        limit = min(max(int(request.args.get("limit", EMBED_DEFAULT)), 1), EMBED_MAX)
    except ValueError:
        limit = EMBED_DEFAULT
    filters = Filters.from_request(request)
    clauses, params = Filters(kind=filters.kind, since=filters.since).where()
    context = {
        "campaign": campaign,
        "events": await campaign_events(db, slug, past_query(clauses, params, "", limit)),
        "full_page": datasette.absolute_url(request, datasette.urls.path(f"/campaign/{slug}")),
    }
    return Response.html(await datasette.render_template("embed.html", context, request=request))
