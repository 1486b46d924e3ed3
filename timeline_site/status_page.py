"""When each source last succeeded, and what failed in its last run (`/status`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from datasette.utils.asgi import Request, Response

from timeline_site.formatting import SOURCE_LABELS
from timeline_site.queries import DATABASE, latest_runs

if TYPE_CHECKING:
    from datasette.app import Datasette


async def status_page(datasette: Datasette, request: Request) -> Response:
    sources = []
    for source in await latest_runs(datasette.get_database(DATABASE)):
        source["errors"] = json.loads(source["errors"] or "[]")
        source["label"] = SOURCE_LABELS.get(source["source"], source["source"])
        sources.append(source)
    context = {
        "sources": sources,
        "all_ok": all(source["status"] == "ok" for source in sources),
        "unfinished": [s["label"] for s in sources if s["status"] == "running"],
    }
    return Response.html(await datasette.render_template("status.html", context, request=request))
