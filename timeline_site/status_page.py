"""When each source last succeeded, and what failed in its last run (`/status`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import Request, Response

from timeline_site.formatting import SOURCE_LABELS, display_moment
from timeline_site.queries import latest_runs, read
from timeline_site.rendering import render_page
from timeline_spiders.sources import SOURCES

if TYPE_CHECKING:
    from datasette.app import Datasette

#: The failures listed per source: the rest are counted, and all are in the runs table.
ERRORS_SHOWN = 20
#: Rows of the job's own steps, with what their outcome means: (label, ok, failed).
JOB_STEPS = {
    "campaign rules": (
        "The campaign rules file",
        "Read without a problem",
        "Refused: nothing was crawled, and the rules in force before still apply",
    ),
    "alerts": (
        "Alerts to the campaigns",
        "Sent, or nothing new to send",
        "Some could not be sent: they will be sent on the next run",
    ),
}


#: How often the job asks each crawled source when it runs every hour (README, "Running
#: it every hour"), in words.
ASKED_EVERY = {
    source.name: (
        "every hour"
        if source.refresh_every.total_seconds() <= 3600
        else f"every {source.refresh_every.total_seconds() / 3600:.0f} hours"
    )
    for source in SOURCES
    if source.crawled
}


def source_status(run: dict[str, Any]) -> dict[str, Any]:
    """One source's latest run, in words."""
    errors = json.loads(run["errors"] or "[]")
    step = JOB_STEPS.get(run["source"])
    label = SOURCE_LABELS.get(run["source"]) or (step[0] if step else run["source"])
    return {
        **run,
        "label": label,
        "is_job": step is not None,
        "asked_every": ASKED_EVERY.get(run["source"], ""),
        "outcome": (step[1] if run["status"] == "ok" else step[2]) if step else "",
        "errors": errors[:ERRORS_SHOWN],
        "errors_not_shown": max(0, len(errors) - ERRORS_SHOWN),
        "finished_words": display_moment(run["finished_at"]) if run["finished_at"] else "",
        "started_words": display_moment(run["started_at"]),
        "last_success_words": display_moment(run["last_success"]) if run["last_success"] else "",
    }


async def status_page(datasette: Datasette, request: Request) -> Response:
    sources = [source_status(run) for run in await read(datasette, latest_runs)]
    context = {
        "sources": sources,
        "all_ok": all(source["status"] == "ok" for source in sources),
        "failed": [source for source in sources if source["status"] == "failed"],
        "unfinished": [source["label"] for source in sources if source["status"] == "running"],
    }
    return Response.html(await render_page(datasette, "status.html", context, request))
