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

from collections.abc import Callable
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from jinja2 import Environment

from timeline_site.calendar import campaign_calendar
from timeline_site.campaign_pages import campaign_page, embed_page
from timeline_site.formatting import highlight
from timeline_site.instrument_pages import instrument_page
from timeline_site.status_page import status_page

SLUG = r"(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)"

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


async def robots_txt() -> Response:
    return Response.text(ROBOTS_TXT)


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Any]]]:
    return [
        (rf"^/campaign/{SLUG}$", campaign_page),
        (rf"^/campaign/{SLUG}\.ics$", campaign_calendar),
        (rf"^/embed/{SLUG}$", embed_page),
        (r"^/si/(?P<type>[a-z]+)/(?P<year>\d{4})/(?P<number>\d+)$", instrument_page),
        (r"^/status$", status_page),
        (r"^/robots\.txt$", robots_txt),
    ]


@hookimpl
def prepare_jinja2_environment(env: Environment) -> None:
    env.filters["highlight"] = highlight
