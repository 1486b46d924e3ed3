"""The life of one statutory instrument on one page (`/si/<type>/<year>/<number>`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import NotFound, Request, Response

from timeline_site.formatting import safe_url
from timeline_site.queries import DATABASE, amendments, instrument_events, stored_item

#: Events that show a stage of an instrument in Parliament when found by citation alone.

if TYPE_CHECKING:
    from datasette.app import Datasette
PARLIAMENT_KINDS = ("debate", "written_question", "written_statement")


async def instrument_page(datasette: Datasette, request: Request) -> Response:
    """Its text and dates, its passage through Parliament, everything that cites it, and
    what it amends and is amended by."""
    db = datasette.get_database(DATABASE)
    legislation_id = "/".join(request.url_vars[part] for part in ("type", "year", "number"))
    instrument = await stored_item(db, f"legislation:{legislation_id}")
    events = await instrument_events(db, legislation_id)
    amends = await amendments(db, "affecting_id", "affected_id", legislation_id)
    amended_by = await amendments(db, "affected_id", "affecting_id", legislation_id)
    if instrument is None and not events and not amends and not amended_by:
        raise NotFound(f"Nothing on the timeline is about {legislation_id}")
    context = {
        **instrument_context(legislation_id, instrument, events),
        "amends": amends,
        "amended_by": amended_by,
    }
    return Response.html(await datasette.render_template("si.html", context, request=request))


def instrument_context(
    legislation_id: str, instrument: dict[str, Any] | None, events: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the page says about the instrument and its events."""
    item_id = f"legislation:{legislation_id}"
    tracked = any(event["source"] == "si_tracker" for event in events)
    metadata = json.loads(instrument["metadata"] or "{}") if instrument else {}
    own = [event for event in events if event["item_id"] == item_id]
    return {
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
        "public_url": f"https://www.legislation.gov.uk/{legislation_id}",
        "text_url": safe_url(instrument["url"] if instrument else None),
        "memorandum_url": safe_url(metadata.get("explanatory_memorandum_url")),
        "pdf_url": safe_url(metadata.get("pdf_url")),
    }
