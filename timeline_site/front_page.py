"""The front door (`/`): each campaign with what happened lately and what is coming up,
and one search box over everything. Datasette's own list of tables stays at `/timeline`
for people who want the data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from timeline_site.formatting import display_moment
from timeline_site.queries import DATABASE, campaign_events, past_query, upcoming_query

if TYPE_CHECKING:
    from datasette.app import Datasette

LATEST_SHOWN, UPCOMING_SHOWN = 3, 2


async def front_page(datasette: Datasette, request: Request) -> Response:
    db = datasette.get_database(DATABASE)
    rows = await db.execute("select slug, hashtag, title, description from campaigns order by slug")
    campaigns: list[dict[str, Any]] = []
    for row in rows.rows:
        slug = row["slug"]
        campaigns.append(
            {
                **dict(row),
                "latest": await campaign_events(
                    db, slug, past_query([], {}, "", LATEST_SHOWN), why_shown=False
                ),
                "upcoming": await campaign_events(
                    db, slug, upcoming_query(UPCOMING_SHOWN), why_shown=False
                ),
            }
        )
    updated = await db.execute("select max(finished_at) from runs where status = 'ok'")
    context = {
        "campaigns": campaigns,
        "updated_words": display_moment(updated.rows[0][0]) if updated.rows[0][0] else "",
    }
    return Response.html(await datasette.render_template("front.html", context, request=request))
