"""Datasette plugin: the pages campaign staff and the campaign's own website use.

- `/campaign/<slug>`: a campaign's timeline, newest first, grouped by month, with
  upcoming events on top, filters and search.
- `/embed/<slug>`: a compact version for an iframe on another site.
- `/campaign/<slug>.ics`: upcoming dated events as an iCalendar feed.
- `/si/<type>/<year>/<number>`: the life of one statutory instrument on one page.
- `/status`: when each source last succeeded, item counts, errors of the last run.
- `/robots.txt`: keeps crawlers off facet, filter and query pages.

Scraped text is only ever rendered through Jinja's autoescaping, and links only when
they are http(s), so nothing a source publishes can run in a reader's browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby

from datasette import hookimpl
from datasette.utils import escape_fts
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

DATABASE = "timeline"
PAGE_SIZE = 100
EMBED_DEFAULT, EMBED_MAX = 10, 50
HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"
SLUG = r"(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

KIND_LABELS = {
    "debate": "Debate",
    "written_question": "Written question",
    "written_statement": "Written statement",
    "si_made": "SI made",
    "si_laid": "SI laid",
    "si_in_force": "SI in force",
    "guidance_published": "Guidance published",
    "guidance_updated": "Guidance updated",
    "guidance_withdrawn": "Guidance withdrawn",
    "si_committee": "Committee",
    "si_motion": "Motion",
    "si_debate": "SI debated",
    "si_approved": "Approved",
    "si_scrutiny_period_end": "Objection period ends",
    "si_procedure_concluded": "Procedure concluded",
    "si_stage": "Stage in Parliament",
    "campaign_event": "Campaign event",
}
SOURCE_LABELS = {
    "legislation": "legislation.gov.uk",
    "si_tracker": "Parliament's SI tracker",
    "hansard": "Hansard",
    "questions": "Written questions",
    "govuk": "GOV.UK",
    "campaign": "Campaign's own record",
}
#: Events that show a stage of an instrument in Parliament when found by citation alone.
PARLIAMENT_KINDS = ("debate", "written_question", "written_statement")
EVENT_COLUMNS = "event_id, date, kind, source, title, summary, url, cites, item_id, note, upcoming"


# --- Reading the timeline --------------------------------------------------------------


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
    def from_request(cls, request) -> Filters:
        args = request.args
        kind = args.get("kind", "")
        source = args.get("source", "")
        year = args.get("year", "")
        since = args.get("since", "")
        before = args.get("before", "")
        return cls(
            kind=kind if kind in KIND_LABELS else "",
            source=source if source in SOURCE_LABELS else "",
            year=year if re.fullmatch(r"\d{4}", year) else "",
            since=since if ISO_DAY.match(since) else "",
            q=args.get("q", "").strip()[:200],
            before=before if ISO_DAY.match(before) else "",
        )

    def where(self) -> tuple[list[str], dict[str, str]]:
        """Conditions on `events` (joined to `items`) for the filters that are set."""
        clauses, params = [], {}
        conditions = {
            "kind": "events.kind = :kind",
            "source": "items.source = :source",
            "year": "substr(events.date, 1, 4) = :year",
            "since": "events.date >= :since",
            "before": "events.date < :before",
        }
        for name, condition in conditions.items():
            value = getattr(self, name)
            if value:
                clauses.append(condition)
                params[name] = value
        if self.q:
            clauses.append("items.rowid in (select rowid from items_fts where items_fts match :q)")
            params["q"] = escape_fts(self.q)
        return clauses, params


def event_ids_sql(clauses: list[str], order: str, *, few_by_date: bool = False) -> str:
    """The ids of a campaign's events matching `clauses`, in `order`, up to :limit.

    With `few_by_date` (upcoming events: a handful in the whole timeline) the campaign
    condition is written `+events.item_id`, which stops SQLite using the item index and
    lets it walk the date index instead of every event of the campaign.
    """
    column = "+events.item_id" if few_by_date else "events.item_id"
    where = " and ".join(
        [f"{column} in (select item_id from item_tags where campaign = :campaign)", *clauses]
    )
    return f"""
        select events.id from events join items on items.id = events.item_id
        where {where} order by {order} limit :limit"""


#: Whole timeline rows for chosen event ids (:ids is a JSON array).
EVENT_ROWS_SQL = f"""
    select {EVENT_COLUMNS}, item_rowid from timeline
    where event_id in (select value from json_each(:ids))"""
#: The span of the timeline, for the year filter.
#: Two subqueries: SQLite answers min() or max() alone from the index, but not both at once.
TIMELINE_SPAN_SQL = "select (select min(date) from events), (select max(date) from events)"
PAST_ORDER, UPCOMING_ORDER = "events.date desc, events.id", "events.date, events.id"


async def campaign_events(
    db, slug: str, clauses: list[str], params: dict, order: str, limit: int, **sql_options
) -> list[dict]:
    """A campaign's events, chosen by id first and only then read from the timeline view.

    The view computes each row's campaigns, citations and note; asking it to sort a
    campaign's tens of thousands of events would compute them all before the LIMIT.
    Choosing the ids from `events` alone keeps a page at a million events fast.
    """
    params = {**params, "campaign": slug, "limit": limit}
    ids_sql = event_ids_sql(clauses, order, **sql_options)
    ids = [row[0] for row in (await db.execute(ids_sql, params)).rows]
    if not ids:
        return []
    rows = (await db.execute(EVENT_ROWS_SQL, {"ids": json.dumps(ids)})).rows
    by_id = {row["event_id"]: _event(row) for row in rows}
    return [by_id[event_id] for event_id in ids if event_id in by_id]


async def past_events(db, slug: str, filters: Filters, limit: int) -> list[dict]:
    """Events on or before today, newest first; with `q`, only items matching the search,
    each with a snippet of the matching words."""
    clauses, params = filters.where()
    clauses.append("events.date <= :today")
    params["today"] = date.today().isoformat()
    events = await campaign_events(db, slug, clauses, params, "events.date desc, events.id", limit)
    if filters.q and events:
        rowids = json.dumps(sorted({event["item_rowid"] for event in events}))
        snippets = await db.execute(
            f"""select rowid, snippet(items_fts, -1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}',
                  '…', 24) from items_fts
                where items_fts match :q and rowid in (select value from json_each(:rowids))""",
            {"q": params["q"], "rowids": rowids},
        )
        by_rowid = dict(snippets.rows)
        for event in events:
            event["snippet"] = by_rowid.get(event["item_rowid"])
    return events


async def upcoming_events(db, slug: str, limit: int = 20) -> list[dict]:
    params = {"today": date.today().isoformat()}
    return await campaign_events(
        db, slug, ["events.date > :today"], params, UPCOMING_ORDER, limit, few_by_date=True
    )


def _event(row) -> dict:
    event = dict(row)
    event.setdefault("snippet", None)
    event["kind_label"] = KIND_LABELS.get(event["kind"], event["kind"])
    event["source_label"] = SOURCE_LABELS.get(event["source"], event["source"])
    event["cites"] = json.loads(event["cites"] or "[]")
    event["safe_url"] = safe_url(event["url"])
    event["display_date"] = display_date(event["date"])
    return event


async def campaign_or_404(db, slug: str) -> dict:
    rows = (
        await db.execute(
            "select slug, hashtag, title, description from campaigns where slug = :slug",
            {"slug": slug},
        )
    ).rows
    if not rows:
        raise NotFound(f"No campaign called {slug!r}")
    return dict(rows[0])


async def filter_choices(db) -> dict[str, list[str]]:
    """Choices for the filter menus: every kind and source the timeline knows, and every
    year it spans. Listing only a campaign's own would scan all its events on every page
    view (most of a page's time at a million events), to save an empty result."""
    first, last = (await db.execute(TIMELINE_SPAN_SQL)).rows[0]
    this_year = date.today().year
    first_year = int(first[:4]) if first else this_year
    last_year = min(int(last[:4]) if last else this_year, this_year)
    return {
        "kind": list(KIND_LABELS),
        "source": list(SOURCE_LABELS),
        "year": [str(year) for year in range(last_year, first_year - 1, -1)],
    }


def by_month(events: Iterable[dict]) -> list[tuple[str, list[dict]]]:
    """Group events (newest first) under headings such as 'October 2016'."""
    grouped = groupby(events, key=lambda event: event["date"][:7])
    return [
        (datetime.strptime(month, "%Y-%m").strftime("%B %Y"), list(rows)) for month, rows in grouped
    ]


# --- Small pure helpers -----------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a javascript: or data: link is never shown."""
    if url and re.match(r"^https?://", url, re.IGNORECASE):
        return url
    return None


def display_date(day: str) -> str:
    try:
        return datetime.strptime(day, "%Y-%m-%d").strftime("%-d %b %Y")
    except (TypeError, ValueError):
        return day or ""


def highlight(snippet: str | None) -> Markup:
    """Escape a search snippet, then mark the matched words (the FTS markers are ours)."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>"))


def ical_text(value: str) -> str:
    """Escape text for an iCalendar property value (RFC 5545, section 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r?\n", "\\\\n", value)


def ical_fold(line: str) -> str:
    """Fold a content line at 75 octets, as calendar clients require."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def calendar(events: list[dict], campaign: dict, host: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pupil data timeline//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ical_text(campaign['hashtag'] + ' upcoming')}",
    ]
    for event in events:
        day = event["date"].replace("-", "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ical_text(event['event_id'])}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day}",
            f"SUMMARY:{ical_text(event['title'] or '')}",
        ]
        if event["summary"]:
            lines.append(f"DESCRIPTION:{ical_text(event['summary'])}")
        if event["safe_url"]:
            lines.append(f"URL:{event['safe_url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(ical_fold(line) for line in lines) + "\r\n"


# --- Routes --------------------------------------------------------------------------


async def campaign_page(datasette, request):
    db = datasette.get_database(DATABASE)
    slug = request.url_vars["slug"]
    campaign = await campaign_or_404(db, slug)
    filters = Filters.from_request(request)
    events = await past_events(db, slug, filters, PAGE_SIZE + 1)
    older = events[PAGE_SIZE]["date"] if len(events) > PAGE_SIZE else None
    events = events[:PAGE_SIZE]
    # Show upcoming events only on the unfiltered first page, so filters read true.
    show_upcoming = filters == Filters()
    context = {
        "campaign": campaign,
        "filters": filters,
        "choices": await filter_choices(db),
        "upcoming": await upcoming_events(db, slug) if show_upcoming else [],
        "months": by_month(events),
        "count": len(events),
        "older": older,
        "kind_labels": KIND_LABELS,
        "source_labels": SOURCE_LABELS,
    }
    return Response.html(await datasette.render_template("campaign.html", context, request=request))


async def embed_page(datasette, request):
    db = datasette.get_database(DATABASE)
    slug = request.url_vars["slug"]
    campaign = await campaign_or_404(db, slug)
    try:
        limit = min(max(int(request.args.get("limit", EMBED_DEFAULT)), 1), EMBED_MAX)
    except ValueError:
        limit = EMBED_DEFAULT
    filters = Filters.from_request(request)
    filters = Filters(kind=filters.kind, since=filters.since)
    context = {
        "campaign": campaign,
        "events": await past_events(db, slug, filters, limit),
        "full_page": datasette.absolute_url(request, datasette.urls.path(f"/campaign/{slug}")),
    }
    return Response.html(await datasette.render_template("embed.html", context, request=request))


async def campaign_calendar(datasette, request):
    db = datasette.get_database(DATABASE)
    slug = request.url_vars["slug"]
    campaign = await campaign_or_404(db, slug)
    events = await upcoming_events(db, slug, limit=200)
    body = calendar(events, campaign, request.host or "pupil-data-timeline")
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{slug}.ics"'},
    )


async def instrument_page(datasette, request):
    """The life of one statutory instrument: its text and dates, its passage through
    Parliament, everything that cites it, and what it amends and is amended by."""
    db = datasette.get_database(DATABASE)
    legislation_id = "/".join(request.url_vars[part] for part in ("type", "year", "number"))
    item_id = f"legislation:{legislation_id}"
    rows = (await db.execute("select * from items where id = :id", {"id": item_id})).rows
    instrument = dict(rows[0]) if rows else None
    events = [
        _event(row)
        for row in (
            await db.execute(
                f"""select {EVENT_COLUMNS}, null as snippet, campaigns from timeline
                where item_id = :item_id or item_id in (
                  select item_id from citations where legislation_id = :legislation_id)
                order by date, event_id""",
                {"item_id": item_id, "legislation_id": legislation_id},
            )
        ).rows
    ]
    amends = await _amendments(db, "affecting_id", "affected_id", legislation_id)
    amended_by = await _amendments(db, "affected_id", "affecting_id", legislation_id)
    if instrument is None and not events and not amends and not amended_by:
        raise NotFound(f"Nothing on the timeline is about {legislation_id}")
    for event in events:
        event["campaigns"] = json.loads(event["campaigns"] or "[]")
    tracked = any(event["source"] == "si_tracker" for event in events)
    metadata = json.loads(instrument["metadata"] or "{}") if instrument else {}
    own = [event for event in events if event["item_id"] == item_id]
    context = {
        "legislation_id": legislation_id,
        "instrument": instrument,
        "metadata": metadata,
        "dates": own,
        "campaigns": sorted({slug for event in own for slug in event["campaigns"]}),
        "events": events,
        "in_parliament": [
            event
            for event in events
            if event["source"] == "si_tracker"
            or (not tracked and event["kind"] in PARLIAMENT_KINDS)
        ],
        "tracked": tracked,
        "amends": amends,
        "amended_by": amended_by,
        "public_url": f"https://www.legislation.gov.uk/{legislation_id}",
        "memorandum_url": safe_url(metadata.get("explanatory_memorandum_url")),
        "pdf_url": safe_url(metadata.get("pdf_url")),
    }
    return Response.html(await datasette.render_template("si.html", context, request=request))


async def _amendments(db, this_side: str, other_side: str, legislation_id: str) -> list[dict]:
    """Amendments grouped by the other instrument, each linked to its page here if stored."""
    other_title = "affected_title" if other_side == "affected_id" else "affecting_title"
    rows = (
        await db.execute(
            f"""select {other_side} as other_id, {other_title} as other_title,
              group_concat(trim(effect_type || ' ' || affected_provisions), '; ') as changes,
              exists(select 1 from items where items.id = 'legislation:' || {other_side})
                as on_timeline
            from amendments where {this_side} = :id
            group by {other_side} order by {other_side}""",
            {"id": legislation_id},
        )
    ).rows
    return [
        {**dict(row), "public_url": f"https://www.legislation.gov.uk/{row['other_id']}"}
        for row in rows
    ]


async def status_page(datasette, request):
    db = datasette.get_database(DATABASE)
    latest = await db.execute(
        """
        select runs.source, runs.status, runs.started_at, runs.finished_at, runs.requests,
          runs.items_new, runs.items_changed, runs.errors_count, runs.errors,
          (select max(finished_at) from runs ok where ok.source = runs.source
             and ok.status = 'ok') as last_success,
          (select count(*) from items where items.source = runs.source) as items
        from runs
        where runs.id = (select max(id) from runs latest where latest.source = runs.source)
        order by runs.source"""
    )
    sources = []
    for row in latest.rows:
        source = dict(row)
        source["errors"] = json.loads(source["errors"] or "[]")
        source["label"] = SOURCE_LABELS.get(source["source"], source["source"])
        sources.append(source)
    context = {
        "sources": sources,
        "all_ok": all(source["status"] == "ok" for source in sources),
        "unfinished": [s["label"] for s in sources if s["status"] == "running"],
    }
    return Response.html(await datasette.render_template("status.html", context, request=request))


ROBOTS_TXT = """\
User-agent: *
Disallow: /*?
Disallow: /*.json
Disallow: /*.atom
Disallow: /*.csv
Disallow: /-/
Disallow: /timeline/campaign_feed
Disallow: /timeline/search
Disallow: /timeline/new_since
Disallow: /timeline/cites_si
Disallow: /timeline/freshness
"""


async def robots_txt():
    return Response.text(ROBOTS_TXT)


@hookimpl
def register_routes():
    return [
        (rf"^/campaign/{SLUG}$", campaign_page),
        (rf"^/campaign/{SLUG}\.ics$", campaign_calendar),
        (rf"^/embed/{SLUG}$", embed_page),
        (r"^/si/(?P<type>[a-z]+)/(?P<year>\d{4})/(?P<number>\d+)$", instrument_page),
        (r"^/status$", status_page),
        (r"^/robots\.txt$", robots_txt),
    ]


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["highlight"] = highlight
