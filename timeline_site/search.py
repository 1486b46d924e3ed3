"""Search everything (`/search`), and follow a search as a feed (`/search.atom`).

The page reads any input (see pipelines/search_syntax.py), so quotes, brackets, a lone `-` or
nothing at all are never an error. Filters narrow by campaign, kind, source and dates;
results are newest first, a page at a time, with a count. The work one request can cause
is bounded: the query is cut at `MAX_QUERY_CHARS`, counting stops at `COUNT_LIMIT`, and
paging stops at `MAX_PAGE`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from datasette.utils.asgi import Request, Response

from pipelines.dates import UnreadableDate, normalise_date
from pipelines.search_syntax import Query, read_query
from timeline_site.addresses import public_url
from timeline_site.feeds import FEED_SIZE, atom_response, authority, feed_document
from timeline_site.formatting import KIND_LABELS, SOURCE_LABELS
from timeline_site.queries import (
    CURRENT_TEXT_CONDITION,
    INSTRUMENTS_CONDITION,
    MATCH_PROBE,
    Reader,
    add_snippets,
    events_by_id,
    read,
)
from timeline_site.suggestions import did_you_mean
from timeline_spiders.sources import versioned_kinds

if TYPE_CHECKING:
    from datasette.app import Datasette

PAGE_SIZE = 20
#: Pages past this are not offered: a reader narrows the search instead.
MAX_PAGE = 50
#: Counting stops here ("more than 1,000 results").
COUNT_LIMIT = 1000
MAX_QUERY_CHARS = 200
NEWEST_FIRST = "events.date desc, events.id"
FOUND_FIRST = "events.first_seen desc, events.date desc, events.id"


@dataclass(frozen=True)
class SearchForm:
    """The search form's fields, read from the query string: what cannot be read is
    left out and said in `messages`, never an error."""

    q: str = ""
    campaign: str = ""
    kind: str = ""
    source: str = ""
    start: str = ""
    end: str = ""
    page: int = 1
    messages: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_request(cls, request: Request, campaigns: dict[str, str]) -> SearchForm:
        args = request.args
        messages: list[str] = []
        campaign, kind, source = (
            args.get("campaign", ""),
            args.get("kind", ""),
            args.get("source", ""),
        )
        page = args.get("page", "1")
        return cls(
            q=" ".join(args.get("q", "").replace("\x00", " ").split())[:MAX_QUERY_CHARS],
            campaign=campaign if campaign in campaigns else "",
            kind=kind if kind in KIND_LABELS else "",
            source=source if source in SOURCE_LABELS else "",
            start=_read_date(args.get("from", ""), "from", messages),
            end=_read_date(args.get("to", ""), "to", messages),
            page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
            messages=tuple(messages),
        )

    @property
    def filtered(self) -> bool:
        return any((self.campaign, self.kind, self.source, self.start, self.end))

    def arguments(self, **changes: Any) -> str:
        """This search as a query string, with `changes` (page=2, q=...) applied."""
        form = replace(self, **changes)
        fields = {
            "q": form.q,
            "campaign": form.campaign,
            "kind": form.kind,
            "source": form.source,
            "from": form.start,
            "to": form.end,
            "page": str(form.page) if form.page > 1 else "",
        }
        return urlencode({name: value for name, value in fields.items() if value})


def _read_date(value: str, name: str, messages: list[str]) -> str:
    if not value.strip():
        return ""
    try:
        return normalise_date(value)
    except UnreadableDate:
        messages.append(f"“{value[:40]}” is not a date, so the {name} date was left out.")
        return ""


#: Walk when the matches, squared, reach this times the rows wanted times the items: a
#: walk passes about wanted x items / matches events, one probe each, while reading
#: every match costs about a row each and a sort. A probe costs 4 to 12 times a row read
#: (figure 3's five searches at 100,000 and 1,000,000 events, bench/README.md); at 2,
#: searches matching 2% of items walked at 100,000 events, four times slower than sorting.
WALK_FACTOR = 8


@dataclass(frozen=True)
class EventSearch:
    """The SQL for one search: conditions on `events` joined to `items`, and parameters.

    A search with words is read one of two ways, whichever reads fewer rows: from the
    full-text index (every match, then sorted), or along the date (or first_seen) index
    newest first, probing the full-text index for each event until enough are found.
    Frequent words ("minister" is in most documents) are walked, rare ones read from
    the index; either way the work no longer grows with the number of matches.
    """

    conditions: tuple[str, ...]
    params: dict[str, Any]

    @classmethod
    def of(cls, form: SearchForm, query: Query) -> EventSearch:
        conditions = ["events.superseded_at is null"]
        params: dict[str, Any] = {}
        if query.fts:
            conditions.append(CURRENT_TEXT_CONDITION)
            params.update(q=query.fts, versioned_kinds=json.dumps(versioned_kinds()))
        if query.instruments:
            conditions.append(INSTRUMENTS_CONDITION)
            params["instruments"] = json.dumps(list(query.instruments))
        filters = {
            "campaign": (
                "events.item_id in (select item_id from item_tags"
                " where campaign = :campaign and shown)"
            ),
            "kind": "events.kind = :kind",
            "source": "items.source = :source",
            "start": "events.date >= :start",
            "end": "events.date <= :end",
        }
        for name, condition in filters.items():
            if getattr(form, name):
                conditions.append(condition)
                params[name] = getattr(form, name)
        return cls(tuple(conditions), params)

    def from_clause(self, walk: bool = False) -> str:
        """The rows matched: from the full-text index, or (`walk`) from `events` with a
        probe of the index for each."""
        if "q" not in self.params:
            tables, conditions = "events join items on items.id = events.item_id", self.conditions
        elif walk:
            tables = "events join items on items.id = events.item_id"
            conditions = (MATCH_PROBE, *self.conditions)
        else:
            tables = (
                "items_fts join items on items.rowid = items_fts.rowid"
                " join events on events.item_id = items.id"
            )
            conditions = ("items_fts match :q", *self.conditions)
        return f"from {tables} where " + " and ".join(conditions)

    def walks(self, reader: Reader, wanted: int) -> bool:
        """Whether to walk for the first `wanted` rows: the words match many items."""
        if "q" not in self.params:
            return False
        items = reader.rows("select max(rowid) from items")[0][0] or 0
        enough = math.isqrt(WALK_FACTOR * wanted * items) + 1
        rows = reader.rows(
            "select count(*) from (select 1 from items_fts where items_fts match :q limit :most)",
            {"q": self.params["q"], "most": enough},
        )
        return bool(rows[0][0] >= enough)

    def event_ids(self, reader: Reader, order: str, limit: int, offset: int = 0) -> list[str]:
        walk = self.walks(reader, offset + limit)
        rows = reader.rows(
            f"select events.id {self.from_clause(walk)} order by {order}"
            " limit :limit offset :offset",
            {**self.params, "limit": limit, "offset": offset},
        )
        return [row[0] for row in rows]

    def count(self, reader: Reader) -> int:
        """How many events match, counting no further than one past COUNT_LIMIT (read
        from the full-text index, which stops there whatever the words)."""
        rows = reader.rows(
            f"select count(*) from (select 1 {self.from_clause()} limit :most)",
            {**self.params, "most": COUNT_LIMIT + 1},
        )
        return int(rows[0][0])


def campaign_names(reader: Reader) -> dict[str, str]:
    rows = reader.rows("select slug, hashtag from campaigns order by slug")
    return {row["slug"]: row["hashtag"] for row in rows}


async def search_page(datasette: Datasette, request: Request) -> Response:
    context = await read(datasette, partial(search_page_context, request=request))
    return Response.html(await datasette.render_template("search.html", context, request=request))


def search_page_context(reader: Reader, request: Request) -> dict[str, Any]:
    campaigns = campaign_names(reader)
    form = SearchForm.from_request(request, campaigns)
    query = read_query(form.q)
    results: list[dict[str, Any]] = []
    total = 0
    if not query.empty or form.filtered:
        search = EventSearch.of(form, query)
        total = search.count(reader)
        offset = (form.page - 1) * PAGE_SIZE
        results = events_by_id(reader, search.event_ids(reader, NEWEST_FIRST, PAGE_SIZE, offset))
        if query.fts and results:
            add_snippets(reader, results, query.fts)
    suggestion = did_you_mean(reader, form.q) if form.q else None
    last_page = min(MAX_PAGE, max(1, -(-min(total, COUNT_LIMIT) // PAGE_SIZE)))
    return {
        "form": form,
        "query": query,
        "searched": not query.empty or form.filtered,
        "only_excluded": query.empty and bool(query.excluded),
        "results": results,
        "total": total,
        "count_limit": COUNT_LIMIT,
        "first_shown": (form.page - 1) * PAGE_SIZE + 1,
        "newer": form.arguments(page=form.page - 1) if form.page > 1 else None,
        "older": form.arguments(page=form.page + 1) if form.page < last_page else None,
        "suggestion": suggestion,
        "suggestion_arguments": form.arguments(q=suggestion, page=1) if suggestion else "",
        "campaigns": campaigns,
        "kind_labels": KIND_LABELS,
        "source_labels": SOURCE_LABELS,
        "feed_arguments": form.arguments(page=1),
    }


async def search_feed(datasette: Datasette, request: Request) -> Response:
    """The newest-found events matching a search, as Atom."""
    form, events = await read(datasette, partial(search_feed_events, request=request))
    arguments = form.arguments(page=1)
    title = f"“{form.q}”" if form.q else "everything"
    body = feed_document(
        f"Pupil data timeline: search for {title}",
        public_url(datasette, f"/search.atom?{arguments}"),
        public_url(datasette, f"/search?{arguments}"),
        events,
        authority(datasette),
    )
    return atom_response(body)


def search_feed_events(reader: Reader, request: Request) -> tuple[SearchForm, list[dict[str, Any]]]:
    form = SearchForm.from_request(request, campaign_names(reader))
    query = read_query(form.q)
    ids: list[str] = []
    if not query.empty or form.filtered:
        ids = EventSearch.of(form, query).event_ids(reader, FOUND_FIRST, FEED_SIZE)
    return form, events_by_id(reader, ids)
