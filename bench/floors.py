"""The floors of figure 3: the fastest raw SQLite way to read what each page shows.

Each floor reads, in `sqlite3` on the same file, exactly the rows a page shows (the same
events, the same bound, the same columns: title, dates, links, who, summaries or
snippets, citations, notes and why an event is on a campaign) and nothing else: no
HTML, no Datasette. Where there are two sensible ways to ask SQLite for the rows (walk
the date index until enough of a campaign's events turn up, or read all of the
campaign's events and sort them), a floor has both and uses whichever is faster on this
database, found in the warm-up; both must give the same rows.

A floor must be a floor: the page's own SQL, recorded while it served the page and
replayed in `sqlite3`, must not be faster (`bench/pages.py` checks it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from timeline_site.queries import date_page
from timeline_spiders.sources import versioned_kinds

Rows = list[tuple[Any, ...]]
#: Events' (id, date), newest first: what a page chooses before it reads their rows.
Dated = list[tuple[str, str]]
#: One way of reading a page's rows: (connection, parameters) -> rows shown.
Way = Callable[[sqlite3.Connection, dict[str, Any]], Rows]

#: A campaign's shown items, from the tables (the item_tags view tests each tag against
#: its campaign's threshold with a subquery of its own).
SHOWN_ITEMS = """select c.item_id from item_campaigns c
  where c.campaign = :campaign
    and (c.status = 'confirmed'
         or c.score >= (select show_suggested_from from campaigns where slug = :campaign))
    and not exists (select 1 from tag_overrides o
                    where o.item_id = c.item_id and o.campaign = :campaign)
  union all
  select item_id from tag_overrides where campaign = :campaign and action = 'add'"""
#: The same, for one event at a time, through primary keys: what a walk asks.
SHOWN_EVENT = """(exists (select 1 from item_campaigns c
      where c.item_id = e.item_id and c.campaign = :campaign
        and (c.status = 'confirmed'
             or c.score >= (select show_suggested_from from campaigns where slug = :campaign))
        and not exists (select 1 from tag_overrides o
                        where o.item_id = c.item_id and o.campaign = c.campaign))
    or exists (select 1 from tag_overrides o
               where o.item_id = e.item_id and o.campaign = :campaign and o.action = 'add'))"""
#: What every event on a page shows: date, kind, source, title, summary, link, and who
#: (from the item's type and metadata).
ROW = """e.id, e.date, e.kind, i.source, coalesce(nullif(e.title, ''), i.title),
  coalesce(nullif(e.summary, ''), i.summary), coalesce(nullif(e.url, ''), i.url),
  i.doc_type, i.metadata"""
#: And on full pages, what it cites and the staff's note.
FULL_ROW = f"""{ROW},
  (select json_group_array(legislation_id) from citations c where c.item_id = e.item_id),
  (select note from notes n where n.item_id = e.item_id)"""
#: Why each shown item is on the campaign (`{items}`: the items as a list of parameters,
#: looked up in each part of the view, where a `json_each` list would be read after it).
WHY = """select item_id, rule, terms, status, score, context, reason from item_tags
  where campaign = :campaign and item_id in ({items})"""
#: Search matches only a document's current text (see timeline_site/queries.py).
CURRENT_TEXT = """(e.kind not in (select value from json_each(:versioned))
  or e.date >= (select max(t.date) from events t where t.item_id = e.item_id
    and t.superseded_at is null and t.kind in (select value from json_each(:versioned))))"""


@dataclass(frozen=True)
class Floor:
    """A page's floor: one or more ways to read its rows, the fastest chosen once."""

    ways: tuple[Way, ...]

    def rows(self, conn: sqlite3.Connection, params: dict[str, Any], way: int = 0) -> Rows:
        return self.ways[way](conn, params)


def today() -> str:
    return date.today().isoformat()


def rows_by_id(conn: sqlite3.Connection, ids: list[str], full: bool) -> Rows:
    """The shown columns of events `ids`, in that order."""
    if not ids:
        return []
    found = {
        row[0]: row
        for row in conn.execute(
            f"""select {FULL_ROW if full else ROW} from events e join items i on i.id = e.item_id
            where e.id in (select value from json_each(:ids))""",
            {"ids": json.dumps(ids)},
        )
    }
    return [found[event_id] for event_id in ids]


def why(conn: sqlite3.Connection, campaign: str, rows: Rows) -> Rows:
    item_ids = sorted({row[0].rsplit(":", 1)[0] for row in rows})
    items = {f"item{n}": item_id for n, item_id in enumerate(item_ids)}
    sql = WHY.format(items=", ".join(f":{name}" for name in items) or "null")
    return conn.execute(sql, {"campaign": campaign, **items}).fetchall()


def ids_of(dated: Dated) -> list[str]:
    return [event_id for event_id, _ in dated]


def whole_days(dated: Dated, shown: int) -> list[str]:
    """The ids a page shows of `shown` + 1 events read: cut where the page cuts them
    (`date_page`: a page ends with a whole day), so the floor shows the page's rows."""
    page, _ = date_page([{"id": event_id, "date": day} for event_id, day in dated], shown)
    return [event["id"] for event in page]


def campaign_ids(
    conn: sqlite3.Connection, params: dict[str, Any], *, walk: bool, upcoming: bool = False
) -> Dated:
    """The (id, date) of a campaign's shown events, newest first (or soonest first when
    `upcoming`), up to :limit, with the optional filters in `params`.

    `walk`: follow the date index, testing each event's item against the campaign;
    otherwise read every event of the campaign's items and sort them.
    """
    shown = SHOWN_EVENT if walk else f"e.item_id in ({SHOWN_ITEMS})"
    conditions = [shown, "e.superseded_at is null"]
    for name, condition in (
        ("kind", "e.kind = :kind"),
        ("start", "e.date >= :start"),
        ("end", "e.date < :end"),
        ("before", "e.date < :before"),
    ):
        if params.get(name):
            conditions.append(condition)
    # Last: of two bounds on the date SQLite walks from the first it is given, and today
    # is the looser one whenever a filter gives another (as the pages order them).
    conditions.append("e.date > :today" if upcoming else "e.date <= :today")
    order = "e.date, e.id" if upcoming else "e.date desc, e.id"
    sql = f"""select e.id, e.date from events e where {" and ".join(conditions)}
        order by {order} limit :limit"""
    return conn.execute(sql, {"today": today(), **params}).fetchall()


def campaign_page(
    params: dict[str, Any], *, upcoming: int, compact: bool, shown: int | None = None
) -> Floor:
    """A campaign page or embed: its upcoming events (or, when none are shown, whether
    there are any) and a page of past ones: :limit read, the first `shown` shown (one
    more than a page is read to know whether there is an older page)."""

    def way(walk: bool) -> Way:
        def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
            soon = campaign_ids(conn, {**params, "limit": upcoming or 1}, walk=True, upcoming=True)
            past = campaign_ids(conn, params, walk=walk)
            shown_past = ids_of(past) if shown is None else whole_days(past, shown)
            ids = (ids_of(soon) if upcoming else []) + shown_past
            rows = rows_by_id(conn, ids, full=not compact)
            if not compact:
                why(conn, params["campaign"], rows)
            return rows

        return read

    return Floor((way(walk=True), way(walk=False)))


def campaign_search(params: dict[str, Any], shown: int) -> Floor:
    """A campaign page searched: the newest matching events (:limit read, `shown`
    shown), their snippets, and whether there is anything coming up (for the calendar
    link)."""

    def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
        dated = conn.execute(
            f"""select e.id, e.date from events e join items i on i.id = e.item_id
                where e.item_id in ({SHOWN_ITEMS}) and e.superseded_at is null
                  and e.date <= :today
                  and i.rowid in (select rowid from items_fts where items_fts match :q)
                  and {CURRENT_TEXT}
                order by e.date desc, e.id limit :limit""",
            {"today": today(), "versioned": json.dumps(versioned_kinds()), **params},
        ).fetchall()
        ids = whole_days(dated, shown)
        rows = rows_by_id(conn, ids, full=True)
        snippets(conn, params["q"], ids)
        why(conn, params["campaign"], rows)
        campaign_ids(conn, {**params, "limit": 1}, walk=True, upcoming=True)
        return rows

    return Floor((read,))


def snippets(conn: sqlite3.Connection, q: str, ids: list[str]) -> Rows:
    return conn.execute(
        """select rowid, snippet(items_fts, -1, '[', ']', '…', 24) from items_fts
        where items_fts match :q and rowid in (
          select i.rowid from events e join items i on i.id = e.item_id
          where e.id in (select value from json_each(:ids)))""",
        {"q": q, "ids": json.dumps(ids)},
    ).fetchall()


def bounded_search(params: dict[str, Any]) -> Floor:
    """The `search` canned query's work: rank the newest 2,000 matching documents (the
    query's own bound; see datasette_metadata.json), keep the 100 best and any tied with
    the 100th (ties go to the newest event, so any of them may have a row among the first
    100), read their events' columns, sort, and make snippets for the documents of the
    100 rows shown (a snippet is the costly part, so only those)."""

    def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
        ranked = conn.execute(
            """select rowid, rank from items_fts
            where items_fts match :q and rowid >= coalesce((
              select min(rowid) from (
                select rowid from items_fts where items_fts match :q
                order by rowid desc limit 2000)), 0)""",
            params,
        ).fetchall()
        if not ranked:
            return []
        ranks = sorted(rank for _, rank in ranked)
        cutoff = ranks[min(99, len(ranks) - 1)]
        rank_of = {rowid: rank for rowid, rank in ranked if rank <= cutoff}
        rows = conn.execute(
            """select item_rowid, date, kind, source, title, url, campaigns, cites, event_id
            from timeline where item_rowid in (select value from json_each(:rowids))""",
            {"rowids": json.dumps(list(rank_of))},
        ).fetchall()
        rows.sort(key=lambda row: row[1], reverse=True)
        rows.sort(key=lambda row: rank_of[row[0]])
        rows = rows[:100]
        snippets = dict(
            conn.execute(
                """select rowid, snippet(items_fts, -1, '[', ']', '…', 24) from items_fts
                where items_fts match :q and rowid in (select value from json_each(:rowids))""",
                {**params, "rowids": json.dumps(sorted({row[0] for row in rows}))},
            ).fetchall()
        )
        return [(*row, snippets.get(row[0])) for row in rows]

    return Floor((read,))


def search_page(params: dict[str, Any], page_size: int, count_limit: int) -> Floor:
    """`/search?q=`: how many events match (counting to one past the limit, from the
    full-text index), the newest page of them with snippets, and whether each word is in
    the index ("did you mean"). The newest page is read either from the index (every
    match, sorted) or along the date index, testing each event by a probe of the
    full-text index or against the set of matches read from it once, whichever is
    faster for these words."""

    def way(how: str) -> Way:
        def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
            values = {"versioned": json.dumps(versioned_kinds()), **params}
            from_index = f"""from items_fts join items i on i.rowid = items_fts.rowid
                join events e on e.item_id = i.id
                where items_fts match :q and e.superseded_at is null and {CURRENT_TEXT}"""
            newest = {
                "probe": f"""from events e join items i on i.id = e.item_id
                    where e.superseded_at is null and exists (
                      select 1 from items_fts where items_fts match :q and rowid = i.rowid)
                    and {CURRENT_TEXT}""",
                "set": f"""from events e cross join items i on i.id = e.item_id
                    where e.superseded_at is null
                    and i.rowid in (select rowid from items_fts where items_fts match :q)
                    and {CURRENT_TEXT}""",
                "index": from_index,
            }[how]
            conn.execute(
                f"select count(*) from (select 1 {from_index} limit :most)",
                {**values, "most": count_limit + 1},
            ).fetchall()
            ids = [
                row[0]
                for row in conn.execute(
                    f"select e.id {newest} order by e.date desc, e.id limit :limit",
                    {**values, "limit": page_size},
                )
            ]
            rows = rows_by_id(conn, ids, full=True)
            snippets(conn, params["q"], ids)
            for word in params["words"]:
                conn.execute(
                    "select 1 from items_fts where items_fts match :word limit 1",
                    {"word": f'"{word}"'},
                ).fetchall()
            return rows

        return read

    return Floor((way("probe"), way("set"), way("index")))


def instrument_page(params: dict[str, Any], page_size: int) -> Floor:
    """`/si/<id>`: the instrument, its own dates, a page of what cites it (newest first,
    before :before), what it amends and what amends it, and the tracker's item. What
    cites it is found by walking the date index testing each event, or by reading every
    citing item's events and sorting them."""

    def way(walk: bool) -> Way:
        cites = (
            """exists (select 1 from citations c
              where c.item_id = e.item_id and c.legislation_id = :id)"""
            if walk
            else "e.item_id in (select item_id from citations where legislation_id = :id)"
        )

        def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
            values = {"before": "", **params, "item": f"legislation:{params['id']}"}
            conn.execute("select * from items where id = :item", values).fetchall()
            conn.execute(
                f"select {FULL_ROW} from events e join items i on i.id = e.item_id"
                " where e.item_id = :item and e.superseded_at is null order by e.date, e.id",
                values,
            ).fetchall()
            older = "and e.date < :before" if values["before"] else ""
            dated = conn.execute(
                f"""select e.id, e.date from events e
                where {cites} and e.superseded_at is null {older}
                order by e.date desc, e.id limit :limit""",
                {**values, "limit": page_size + 1},
            ).fetchall()
            citing = rows_by_id(conn, whole_days(dated, page_size), full=True)
            for side in ("affecting_id", "affected_id"):
                conn.execute(f"select * from amendments where {side} = :id", values).fetchall()
            conn.execute(
                "select 1 from items where source = 'si_tracker'"
                " and json_extract(metadata, '$.legislation_id') = :id limit 1",
                values,
            ).fetchall()
            conn.execute("select * from citations where item_id = :item", values).fetchall()
            # Without the tracker's stages, the debates and questions citing it are its
            # stages: each citing event is shown once, in one section or the other.
            return citing

        return read

    return Floor((way(walk=True), way(walk=False)))


def found_since(params: dict[str, Any], limit: int, *, timeline_columns: bool) -> Floor:
    """What the job found since :since, newest found first, walking the first_seen index:
    as the `new_since` canned query's columns, or as feed entries (with who)."""

    def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
        if timeline_columns:
            return conn.execute(
                """select first_seen, date, kind, source, title, summary, url, campaigns,
                  cites, event_id from timeline where first_seen >= :since
                order by first_seen desc, date desc limit :limit""",
                {**params, "limit": limit},
            ).fetchall()
        ids = [
            row[0]
            for row in conn.execute(
                """select e.id from events e
                where e.first_seen >= :since and e.superseded_at is null
                order by e.first_seen desc, e.date desc, e.id limit :limit""",
                {**params, "limit": limit},
            )
        ]
        # A feed's entries show no citations or notes.
        return rows_by_id(conn, ids, full=False)

    return Floor((read,))


def campaign_feed(params: dict[str, Any], limit: int) -> Floor:
    """A campaign's feed: its events newest found first, walking the first_seen index or
    sorting the campaign's events, whichever is faster here."""

    def way(walk: bool) -> Way:
        shown = SHOWN_EVENT if walk else f"e.item_id in ({SHOWN_ITEMS})"

        def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
            ids = [
                row[0]
                for row in conn.execute(
                    f"""select e.id from events e
                    where {shown} and e.superseded_at is null
                    order by e.first_seen desc, e.date desc, e.id limit :limit""",
                    {**params, "limit": limit},
                )
            ]
            return rows_by_id(conn, ids, full=False)

        return read

    return Floor((way(walk=True), way(walk=False)))


def status_page() -> Floor:
    """Each source's latest run, its last success, and how many items its last finished
    run stored."""

    def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
        latest = conn.execute(
            """select r.* from runs r join (
              select source, max(id) as id from runs group by source) l on l.id = r.id
            order by r.source"""
        ).fetchall()
        conn.execute(
            "select source, max(finished_at) from runs where status = 'ok' group by source"
        ).fetchall()
        conn.execute(
            """select source, items_stored from runs where id in (
              select max(id) from runs where finished_at != '' group by source)"""
        ).fetchall()
        return latest

    def read_per_source(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
        """The same, source by source through the (source, ...) indexes."""
        cursor = conn.execute(
            """select r.* from runs r join (
              select source, max(id) as id from runs group by source) l on l.id = r.id
            order by r.source"""
        )
        latest = cursor.fetchall()
        column = [d[0] for d in cursor.description].index("source")
        for source in [row[column] for row in latest]:
            conn.execute(
                "select max(finished_at) from runs where source = ? and status = 'ok'", (source,)
            ).fetchone()
            conn.execute(
                "select items_stored from runs where source = ? and finished_at != ''"
                " order by id desc limit 1",
                (source,),
            ).fetchone()
        return latest

    return Floor((read, read_per_source))


def front_page(campaigns: list[str], latest: int, upcoming: int) -> Floor:
    """The front door: for each campaign, its latest events and what is coming up."""

    def way(walk: bool) -> Way:
        def read(conn: sqlite3.Connection, _: dict[str, Any]) -> Rows:
            rows: Rows = []
            conn.execute("select slug, hashtag, title, description from campaigns").fetchall()
            for slug in campaigns:
                params = {"campaign": slug}
                soon = campaign_ids(conn, {**params, "limit": upcoming}, walk=True, upcoming=True)
                past = campaign_ids(conn, {**params, "limit": latest}, walk=walk)
                rows += rows_by_id(conn, ids_of(soon + past), full=False)
            conn.execute("select max(finished_at) from runs where status = 'ok'").fetchall()
            return rows

        return read

    return Floor((way(walk=True), way(walk=False)))
