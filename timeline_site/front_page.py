"""The front door (`/`): each campaign with what happened lately and what is coming up,
and one search box over everything. Datasette's own list of tables stays at `/timeline`
for people who want the data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from timeline_site.formatting import display_moment
from timeline_site.queries import Reader, campaign_events, past_query, read, upcoming_query
from timeline_site.rendering import render_page

if TYPE_CHECKING:
    from datasette.app import Datasette

LATEST_SHOWN, UPCOMING_SHOWN = 3, 2


async def front_page(datasette: Datasette, request: Request) -> Response:
    context = await read(datasette, front_page_context)
    return Response.html(await render_page(datasette, "front.html", context, request))


def front_page_context(reader: Reader) -> dict[str, Any]:
    campaigns: list[dict[str, Any]] = []
    for row in reader.rows("select slug, hashtag, title, description from campaigns order by slug"):
        slug = row["slug"]
        campaigns.append(
            {
                **dict(row),
                "latest": campaign_events(
                    reader, slug, past_query([], {}, "", LATEST_SHOWN), compact=True
                ),
                "upcoming": campaign_events(
                    reader, slug, upcoming_query(UPCOMING_SHOWN), compact=True
                ),
            }
        )
    updated = reader.rows("select max(finished_at) from runs where status = 'ok'")[0][0]
    return {
        "campaigns": campaigns,
        "updated_words": display_moment(updated) if updated else "",
    }
