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
import re
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
    DENSITY_WINDOW,
    INSTRUMENTS_CONDITION,
    MATCH_PROBE,
    NEWEST_MATCHES_SQL,
    Reader,
    add_snippets,
    events_by_id,
    read,
    share_of_newest,
)
from timeline_site.rendering import render_page
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
#: walk passes about wanted x items / matches events, while reading every match costs
#: about a row each and a sort. A step of a walk through the set of matches costs about
#: twice a row read (and making the set a third of one a match): at 100,000 events,
#: "home office pupil data" (2% of items) took 9 ms walked through the set and 15 ms
#: read and sorted. (Walks that probed for each event, before the set, were worth it
#: from 8: bench/README.md, figure 3.)
WALK_FACTOR = 2
#: A walk probes the full-text index for each event it passes when the matches, squared,
#: reach this times the search's words times the rows wanted times the items (the
#: matches estimated from the newest items, where a walk starts); below, it tests each
#: event against the set of matches, read from the index once. A probe costs some 10
#: to 25 us a word (FTS5 seeks each word's list to the row; a phrase's positions too)
#: and making the set some 0.5 us a match. At a million events: "home office pupil
#: data" (20,787 matches) took 100 ms probed and 39 ms through the set, "school census"
#: (57,864) 24-34 ms and 34-52 ms, "minister" (914,514) 7 ms and 318 ms.
SET_FACTOR = 10
#: How a search finds its newest rows (`EventSearch.way`): every match read from the
#: full-text index and sorted; or a walk along the date index, probing the index for
#: each event or testing it against the set of matches.
FROM_INDEX, PROBE_WALK, SET_WALK = "index", "probe", "set"
MATCHED_SET = "items.rowid in (select rowid from items_fts where items_fts match :q)"


@dataclass(frozen=True)
class EventSearch:
    """The SQL for one search: conditions on `events` joined to `items`, and parameters.

    A search with words is read one of three ways, whichever reads fewer rows (`way`):
    from the full-text index (every match, then sorted), or along the date (or
    first_seen) index newest first until enough are found, testing each event by a probe
    of the full-text index or against the set of matches read from it once. Frequent
    words ("minister" is in most documents) are walked with probes, rare ones read from
    the index, and those between walked through the set; the work no longer grows with
    the number of matches.
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

    def from_clause(self, way: str = FROM_INDEX) -> str:
        """The rows matched, read `way`: from the full-text index, or from `events` with a
        probe of the index for each, or with each tested against the set of matches (the
        cross join keeps `events` outside, so SQLite walks its date index rather than
        start from the set and sort)."""
        if "q" not in self.params:
            tables, conditions = "events join items on items.id = events.item_id", self.conditions
        elif way == PROBE_WALK:
            tables = "events join items on items.id = events.item_id"
            conditions = (MATCH_PROBE, *self.conditions)
        elif way == SET_WALK:
            tables = "events cross join items on items.id = events.item_id"
            conditions = (MATCHED_SET, *self.conditions)
        else:
            tables = (
                "items_fts join items on items.rowid = items_fts.rowid"
                " join events on events.item_id = items.id"
            )
            conditions = ("items_fts match :q", *self.conditions)
        return f"from {tables} where " + " and ".join(conditions)

    def way(self, reader: Reader, wanted: int) -> str:
        """How to find the first `wanted` rows (see WALK_FACTOR and SET_FACTOR): from how
        many items the words match, counted no further than the choice needs, and then,
        for a walk, how densely they match the newest items, where it starts (counting
        every match again would cost as much as the set it decides on)."""
        if "q" not in self.params:
            return FROM_INDEX
        items = reader.rows("select max(rowid) from items")[0][0] or 0
        walk_from = math.isqrt(WALK_FACTOR * wanted * items) + 1
        rows = reader.rows(
            "select count(*) from (select 1 from items_fts where items_fts match :q limit :most)",
            {"q": self.params["q"], "most": walk_from},
        )
        if rows[0][0] < walk_from:
            return FROM_INDEX
        newest = reader.rows(NEWEST_MATCHES_SQL, {"q": self.params["q"], "window": DENSITY_WINDOW})
        matches = share_of_newest(newest[0][0], items) * items
        words = search_words(self.params["q"])
        return PROBE_WALK if matches**2 >= SET_FACTOR * words * wanted * items else SET_WALK

    def event_ids(self, reader: Reader, order: str, limit: int, offset: int = 0) -> list[str]:
        way = self.way(reader, offset + limit)
        rows = reader.rows(
            f"select events.id {self.from_clause(way)} order by {order}"
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


#: A term of an FTS5 expression as `read_query` writes it: quoted, quotes doubled.
_QUOTED_TERM = re.compile(r'"((?:[^"]|"")*)"')


def search_words(fts: str) -> int:
    """The words of an FTS5 expression as `read_query` writes it (each term quoted,
    a phrase's words counted each): what a probe of the index seeks, word by word."""
    return max(1, sum(len(term.split()) for term in _QUOTED_TERM.findall(fts)))


def campaign_names(reader: Reader) -> dict[str, str]:
    rows = reader.rows("select slug, hashtag from campaigns order by slug")
    return {row["slug"]: row["hashtag"] for row in rows}


async def search_page(datasette: Datasette, request: Request) -> Response:
    context = await read(datasette, partial(search_page_context, request=request))
    return Response.html(await render_page(datasette, "search.html", context, request))


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
    return form, events_by_id(reader, ids, compact=True)
