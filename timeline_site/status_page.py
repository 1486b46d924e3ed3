"""When each source last succeeded, and what failed in its last run (`/status`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from timeline_site.formatting import SOURCE_LABELS, display_moment
from timeline_site.queries import DATABASE, latest_runs

if TYPE_CHECKING:
    from datasette.app import Datasette

#: The failures listed per source: the rest are counted, and all are in the runs table.
ERRORS_SHOWN = 20
#: A run of the job that failed before any source ran (a rules file refused, say).
JOB_LABELS = {"campaign rules": "The campaign rules file"}


def source_status(run: dict[str, Any]) -> dict[str, Any]:
    """One source's latest run, in words."""
    errors = json.loads(run["errors"] or "[]")
    label = SOURCE_LABELS.get(run["source"]) or JOB_LABELS.get(run["source"], run["source"])
    return {
        **run,
        "label": label,
        "is_job": run["source"] in JOB_LABELS,
        "errors": errors[:ERRORS_SHOWN],
        "errors_not_shown": max(0, len(errors) - ERRORS_SHOWN),
        "finished_words": display_moment(run["finished_at"]) if run["finished_at"] else "",
        "started_words": display_moment(run["started_at"]),
        "last_success_words": display_moment(run["last_success"]) if run["last_success"] else "",
    }


async def status_page(datasette: Datasette, request: Request) -> Response:
    sources = [source_status(run) for run in await latest_runs(datasette.get_database(DATABASE))]
    context = {
        "sources": sources,
        "all_ok": all(source["status"] == "ok" for source in sources),
        "failed": [source for source in sources if source["status"] == "failed"],
        "unfinished": [source["label"] for source in sources if source["status"] == "running"],
    }
    return Response.html(await datasette.render_template("status.html", context, request=request))
