"""Datasette plugin: the pages campaign staff, readers and the campaign's own website use.

- `/`: the front door, each campaign with what happened lately and what is coming up.
- `/campaign/<slug>`: a campaign's timeline, newest first, grouped by month, with
  upcoming events on top, filters and search; `/campaign/<slug>.ics` its calendar.
- `/embed/<slug>`: a compact version for an iframe on another site.
- `/search`: search everything, with filters and paging; `/search.atom` follows a search.
- `/si/<type>/<year>/<number>`: the life of one statutory instrument on one page.
- `/bill/<id>`: the life of one bill on one page.
- `/status`: when each source last succeeded and what failed.
- `/review/<slug>`: the staff's queue of suggested tags not shown yet (not linked).
- `/timeline/campaign_feed.atom`, `/timeline/new_since.atom`: Atom feeds.
- `/timeline/<table or query>.csv`: CSV safe to open in a spreadsheet.
- `/robots.txt`: keeps crawlers off facet, filter and query pages.

Scraped text is only ever rendered through Jinja's autoescaping, and links only when
they are http(s), so nothing a source publishes can run in a reader's browser.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from jinja2 import Environment

from pipelines.search_syntax import MATCH_NOTHING, read_query
from timeline_site.bill_pages import bill_page
from timeline_site.calendar import campaign_calendar
from timeline_site.campaign_pages import campaign_page, embed_page
from timeline_site.event_items import EventItems
from timeline_site.exports import csv_export
from timeline_site.feeds import campaign_feed, new_since_feed
from timeline_site.formatting import display_date, display_moment, highlight, link_citations
from timeline_site.front_page import front_page
from timeline_site.instrument_pages import instrument_page, instrument_redirect
from timeline_site.queries import DATABASE
from timeline_site.review_page import review_page
from timeline_site.search import search_feed, search_page
from timeline_site.sql_threads import lower_this_threads_priority
from timeline_site.status_page import status_page

if TYPE_CHECKING:
    from datasette.app import Datasette

SLUG = r"(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)"

ROBOTS_TXT = """\
User-agent: *
Disallow: /*?
Disallow: /*.json
Disallow: /*.atom
Disallow: /*.csv
Disallow: /-/
Disallow: /review/
Disallow: /timeline/campaign_feed
Disallow: /timeline/search
Disallow: /timeline/new_since
Disallow: /timeline/cites_si
Disallow: /timeline/freshness
"""


async def robots_txt() -> Response:
    return Response.text(ROBOTS_TXT)


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Any]]]:
    return [
        (r"^/$", front_page),
        (r"^/search$", search_page),
        (r"^/search\.atom$", search_feed),
        (rf"^/campaign/{SLUG}$", campaign_page),
        (rf"^/campaign/{SLUG}\.ics$", campaign_calendar),
        (rf"^/embed/{SLUG}$", embed_page),
        (r"^/si/(?P<type>[a-z]+)/(?P<year>\d{4})/(?P<number>\d+)$", instrument_page),
        (r"^/(?i:si)/(?P<path>[A-Za-z]+/\d{4}/\d+)/?$", instrument_redirect),
        (r"^/bill/(?P<bill_id>\d{1,9})$", bill_page),
        (r"^/status$", status_page),
        (rf"^/review/{SLUG}$", review_page),
        (r"^/timeline/campaign_feed\.atom$", campaign_feed),
        (r"^/timeline/new_since\.atom$", new_since_feed),
        (r"^/timeline/(?P<path>[^?]+?)\.csv$", csv_export),
        (r"^/robots\.txt$", robots_txt),
    ]


@hookimpl
def prepare_jinja2_environment(env: Environment, datasette: Datasette) -> None:
    env.filters["highlight"] = highlight
    env.filters["link_citations"] = link_citations
    env.filters["date_in_words"] = display_date
    env.filters["moment_in_words"] = display_moment
    event_items = EventItems(datasette.setting("base_url"))
    env.globals["event_item"] = event_items
    env.globals["event_items"] = event_items.many


def fts_expression(text: str | None) -> str:
    """SQL function `timeline_fts(q)`: a reader's search as an FTS5 query that cannot be a
    syntax error (see pipelines/search_syntax.py); one that matches nothing when there are
    no words."""
    return read_query(text or "").fts or MATCH_NOTHING


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    """The site's SQL functions, its SQL thread's priority, and, for the timeline, SQLite's
    own decoding of text.

    Datasette decodes every text value it reads in Python, replacing invalid UTF-8, so
    that databases made by any tool can be browsed. The timeline is written only through
    Python's sqlite3, which cannot store invalid UTF-8, and decoded in C its values read
    faster: the page of SI 2016/808 read its rows in 1.83 ms instead of 2.02, and
    `new_since.json` decodes 2,000 values a request (bench/README.md, figure 3)."""
    conn.create_function("timeline_fts", 1, fts_expression, deterministic=True)
    if database == DATABASE:
        conn.text_factory = str
    lower_this_threads_priority()
