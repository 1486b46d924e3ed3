"""The staff's review queue (`/review/<slug>`): suggested tags the public pages do not
show yet, newest first, each with why the rules suggested it and a line to paste into
`data/tag_overrides.csv` to confirm or reject it.

Not linked from any public page, kept out of search engines (robots.txt and a noindex
header), and it only reads: deciding is done in the staff file, under version control.
"""

from __future__ import annotations

import csv
import io
from functools import partial
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from pipelines.describing import why
from timeline_site.queries import Reader, campaign_or_404, events_by_id, read
from timeline_site.rendering import render_page

if TYPE_CHECKING:
    from datasette.app import Datasette

PAGE_SIZE = 50
MAX_PAGE = 40

#: Each item's newest event stands for it; items are listed by that event's date.
WAITING_SQL = """
    select item_tags.item_id, item_tags.rule, item_tags.terms, item_tags.score,
      item_tags.context, item_tags.status, item_tags.origin, item_tags.reason,
      (select events.id from events where events.item_id = item_tags.item_id
         and events.superseded_at is null order by events.date desc, events.id limit 1)
        as event_id
    from item_tags
    where item_tags.campaign = :campaign and not item_tags.shown
    order by (select max(events.date) from events where events.item_id = item_tags.item_id)
      desc, item_tags.item_id
    limit :limit offset :offset"""
WAITING_COUNT_SQL = "select count(*) from item_tags where campaign = :campaign and not shown"


def override_line(item_id: str, campaign: str, action: str, reason: str) -> str:
    """A row of data/tag_overrides.csv, quoted as CSV needs."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([item_id, campaign, action, reason])
    return out.getvalue()


def waiting_tags(reader: Reader, slug: str, page: int) -> list[dict[str, Any]]:
    """The campaign's suggested tags below its threshold, with their items' events."""
    rows = reader.rows(
        WAITING_SQL, {"campaign": slug, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    )
    tags = [dict(row) for row in rows]
    events = {
        event["event_id"]: event
        for event in events_by_id(reader, [tag["event_id"] for tag in tags if tag["event_id"]])
    }
    for tag in tags:
        tag["event"] = events.get(tag["event_id"])
        tag["why"] = why(tag)
        tag["confirm"] = override_line(tag["item_id"], slug, "add", "checked by staff")
        tag["reject"] = override_line(tag["item_id"], slug, "remove", "not about the campaign")
    return tags


async def review_page(datasette: Datasette, request: Request) -> Response:
    slug = request.url_vars["slug"]
    page_arg = request.args.get("page", "1")
    page = min(int(page_arg), MAX_PAGE) if page_arg.isdigit() and int(page_arg) > 0 else 1
    context = await read(datasette, partial(review_page_context, slug=slug, page=page))
    html = await render_page(datasette, "review.html", context, request)
    return Response.html(html, headers={"X-Robots-Tag": "noindex, nofollow"})


def review_page_context(reader: Reader, slug: str, page: int) -> dict[str, Any]:
    campaign = campaign_or_404(reader, slug)
    total = reader.rows(WAITING_COUNT_SQL, {"campaign": slug})[0][0]
    threshold = reader.rows(
        "select show_suggested_from from campaigns where slug = :slug", {"slug": slug}
    )
    return {
        "campaign": campaign,
        "threshold": threshold[0][0],
        "tags": waiting_tags(reader, slug, page),
        "total": total,
        "page": page,
        "older": page + 1 if page * PAGE_SIZE < total and page < MAX_PAGE else None,
    }
