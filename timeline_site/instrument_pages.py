"""The life of one statutory instrument on one page (`/si/<type>/<year>/<number>`).

Each thing is said once: the instrument's summary and note at the top, its own dates as
facts, its stages in Parliament, the committees' reports and letters on it, what it
amends (from legislation.gov.uk's records or, failing those, from its own citations,
saying so), and everything else that cites it, a page at a time. When Parliament's SI
tracker has no stages for it, the page says why: not covered, not found, or the
tracker's last run failed, and its stages are the debates, questions and motions that
cite it, listed there and not again among everything else that cites it.
"""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import NotFound, Request, Response

from timeline_site.campaign_pages import ISO_DAY
from timeline_site.formatting import display_date, display_moment, safe_url
from timeline_site.queries import (
    Reader,
    amendments,
    cited_by_instrument,
    committee_events_citing,
    date_page,
    instrument_events,
    last_run,
    read,
    stored_item,
    tracker_item_for,
)
from timeline_site.rendering import render_page

if TYPE_CHECKING:
    from datasette.app import Datasette

#: Events that show a stage of an instrument in Parliament when found by citation alone
#: (an early day motion citing it is a prayer against it).
PARLIAMENT_KINDS = ("debate", "written_question", "written_statement", "edm_tabled")
#: The committees' publications are listed in a section of their own.
COMMITTEES = "committees"
#: Parliament's SI tracker starts with instruments laid in June 2017.
TRACKER_FIRST_DAY = "2017-06-01"
CITING_PAGE = 50


async def instrument_redirect(datasette: Datasette, request: Request) -> Response:
    """`/si/UKSI/2016/808` (any case) is the page of `/si/uksi/2016/808`."""
    return Response.redirect(datasette.urls.path(f"/si/{request.url_vars['path'].lower()}"))


async def instrument_page(datasette: Datasette, request: Request) -> Response:
    legislation_id = "/".join(request.url_vars[part] for part in ("type", "year", "number"))
    before = request.args.get("before", "")
    before = before if ISO_DAY.match(before) else ""
    context = await read(
        datasette, partial(instrument_page_context, legislation_id=legislation_id, before=before)
    )
    return Response.html(await render_page(datasette, "si.html", context, request))


def instrument_page_context(reader: Reader, legislation_id: str, before: str) -> dict[str, Any]:
    instrument = stored_item(reader, f"legislation:{legislation_id}")
    own = instrument_events(reader, legislation_id)
    citing = cited_by_instrument(
        reader, legislation_id, before, CITING_PAGE + 1, except_source=COMMITTEES
    )
    committees = committee_events_citing(reader, legislation_id)
    amends = amendments(reader, "affecting_id", "affected_id", legislation_id)
    amended_by = amendments(reader, "affected_id", "affecting_id", legislation_id)
    citing, older = date_page(citing, CITING_PAGE)
    if not (instrument or own or citing or committees or amends or amended_by):
        raise NotFound(f"Nothing on the timeline is about {legislation_id}.")
    return {
        **instrument_facts(legislation_id, instrument, own),
        **parliament_and_citing(reader, legislation_id, own, citing),
        "committees": committees,
        "amends": amends or amends_by_citation(reader, instrument),
        "amends_from_citations": not amends,
        "amended_by": amended_by,
        "older": older,
    }


def instrument_facts(
    legislation_id: str, instrument: dict[str, Any] | None, own: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the page says about the instrument itself: once, at the top."""
    metadata = json.loads(instrument["metadata"] or "{}") if instrument else {}
    return {
        "legislation_id": legislation_id,
        "instrument": instrument,
        "metadata": metadata,
        "dates": own,
        "campaigns": sorted({slug for event in own for slug in event["campaigns"]}),
        "public_url": f"https://www.legislation.gov.uk/{legislation_id}",
        "text_url": safe_url(instrument["url"] if instrument else None),
        "memorandum_url": safe_url(metadata.get("explanatory_memorandum_url")),
        "pdf_url": safe_url(metadata.get("pdf_url")),
    }


def parliament_and_citing(
    reader: Reader, legislation_id: str, own: list[dict[str, Any]], citing: list[dict[str, Any]]
) -> dict[str, Any]:
    """Its stages in Parliament, the procedure and the scrutiny deadline where the
    tracker gives them, and why the tracker has nothing when it has nothing; then the
    rest of this page of `citing` events (without the tracker, the Parliament ones are
    its stages and are not listed twice)."""
    tracker = tracker_item_for(reader, legislation_id)
    if tracker is not None:
        metadata = json.loads(tracker["metadata"] or "{}")
        return {
            "tracker_note": "",
            "stages": instrument_events(reader, legislation_id, item_id=tracker["id"]),
            "procedure": metadata.get("procedure") or "",
            "deadline": display_date(metadata.get("annulment_deadline") or ""),
            "citing": citing,
        }
    return {
        "tracker_note": tracker_note(reader, legislation_id, own),
        "stages": [event for event in citing if event["kind"] in PARLIAMENT_KINDS],
        "procedure": "",
        "deadline": "",
        "citing": [event for event in citing if event["kind"] not in PARLIAMENT_KINDS],
    }


def laid_on(legislation_id: str, own: list[dict[str, Any]]) -> str:
    """When the instrument was laid (or, failing that, made), as best the timeline knows:
    its year alone says 1 January of it."""
    for kind in ("si_laid", "si_made"):
        dates = [event["date"] for event in own if event["kind"] == kind]
        if dates:
            return min(dates)
    return f"{legislation_id.split('/')[1]}-01-01"


def tracker_note(reader: Reader, legislation_id: str, own: list[dict[str, Any]]) -> str:
    """Why Parliament's tracker gave no stages for this instrument, truly: not covered
    (laid before the tracker began), the tracker's last run failed, or not found."""
    if laid_on(legislation_id, own) < TRACKER_FIRST_DAY:
        return (
            "Parliament's statutory instruments tracker covers instruments laid since June "
            "2017, so its stages below are known only from the debates, written "
            "questions and early day motions that cite it."
        )
    run = last_run(reader, "si_tracker")
    if run is None:
        return "Parliament's statutory instruments tracker has not been checked yet."
    if run["status"] != "ok":
        when = display_moment(run["finished_at"] or run["started_at"])
        return (
            f"The last look at Parliament's statutory instruments tracker ({when}) failed, "
            "so stages may be missing: see the data status page."
        )
    return (
        "Parliament's statutory instruments tracker has no record of this instrument, so "
        "its stages below are known only from the debates and questions that cite it."
    )


def amends_by_citation(reader: Reader, instrument: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What the instrument's own text cites, when legislation.gov.uk has recorded no
    amendments for it (the page says where this comes from)."""
    if instrument is None:
        return []
    rows = reader.rows(
        "select legislation_id as other_id, matched_text as changes,"
        " exists(select 1 from items where items.id = 'legislation:' || legislation_id)"
        "   as on_timeline"
        " from citations where item_id = :id order by legislation_id",
        {"id": instrument["id"]},
    )
    return [
        {
            **dict(row),
            "other_title": "",
            "public_url": f"https://www.legislation.gov.uk/{row['other_id']}",
        }
        for row in rows
    ]
