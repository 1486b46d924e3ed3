"""The life of one bill on one page (`/bill/<id>`, the Bills API's id, as on
bills.parliament.uk).

Like an instrument's page, each thing is said once: what the bill is and who brought it,
the Act it became, its stages in both Houses in the order they happened (sat or not yet
sat), the amendments a campaign's public page shows, its publications, the committees'
reports and letters that name it, and everything else that names it or cites its Act,
a page at a time.
"""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING, Any

from datasette.utils.asgi import NotFound, Request, Response

from pipelines.search_syntax import read_query
from timeline_site.campaign_pages import ISO_DAY
from timeline_site.formatting import display_date, safe_url
from timeline_site.queries import (
    BillMentions,
    Reader,
    bill_amendments,
    committee_events_on_bill,
    date_page,
    events_mentioning_bill,
    instrument_events,
    read,
    stored_item,
)
from timeline_site.rendering import render_page
from timeline_spiders.parsers.bills import TITLE_SEPARATOR, bill_name

if TYPE_CHECKING:
    from datasette.app import Datasette

MENTIONS_PAGE = 50
LEGISLATION_SITE = "https://www.legislation.gov.uk"


async def bill_page(datasette: Datasette, request: Request) -> Response:
    bill_id = int(request.url_vars["bill_id"])
    before = request.args.get("before", "")
    before = before if ISO_DAY.match(before) else ""
    context = await read(datasette, partial(bill_page_context, bill_id=bill_id, before=before))
    return Response.html(await render_page(datasette, "bill.html", context, request))


def bill_page_context(reader: Reader, bill_id: int, before: str) -> dict[str, Any]:
    bill = stored_item(reader, f"bills:bill/{bill_id}")
    if bill is None:
        raise NotFound(f"The timeline has no bill {bill_id}.")
    facts = bill_facts(bill)
    events = instrument_events(reader, "", item_id=bill["id"])
    mentions = bill_mentions(bill, facts)
    elsewhere, older = date_page(
        events_mentioning_bill(reader, mentions, before, MENTIONS_PAGE + 1), MENTIONS_PAGE
    )
    return {
        **facts,
        "campaigns": sorted({slug for event in events for slug in event["campaigns"]}),
        "stages": stages_of(facts["metadata"]),
        "publications": [
            without_bill_name(event, facts["name"])
            for event in events
            if event["kind"] == "bill_publication"
        ],
        "amendments": [amendment_facts(a) for a in bill_amendments(reader, bill["id"])],
        "committees": committee_events_on_bill(reader, mentions),
        "mentions": elsewhere,
        "older": older,
    }


def bill_facts(bill: dict[str, Any]) -> dict[str, Any]:
    """What the page says about the bill itself, once, at the top."""
    metadata = json.loads(bill["metadata"] or "{}")
    act_id = metadata.get("act_id") or ""
    sponsors = [sponsor_label(s) for s in metadata.get("sponsors") or []]
    current = metadata.get("current_stage") or {}
    return {
        "bill": bill,
        "metadata": metadata,
        "name": bill_name(bill["title"]),
        "act_id": act_id,
        "act_url": f"{LEGISLATION_SITE}/{act_id}" if act_id else None,
        "public_url": safe_url(bill["url"]),
        "sponsors": [label for label in sponsors if label],
        "current_stage": current.get("description") or "",
        "originating_house": metadata.get("originating_house") or "",
    }


def sponsor_label(sponsor: dict[str, Any]) -> str:
    """ "Jo Johnson (Conservative), Department for Education"."""
    name = sponsor.get("name") or ""
    if name and sponsor.get("party"):
        name = f"{name} ({sponsor['party']})"
    return ", ".join(part for part in (name, sponsor.get("organisation") or "") if part)


def bill_mentions(bill: dict[str, Any], facts: dict[str, Any]) -> BillMentions:
    """What names this bill elsewhere: the bill's name, its Act's title, its Act's id."""
    names = {facts["name"], bill["title"]}
    phrases = " OR ".join(f'"{name}"' for name in sorted(names) if name)
    return BillMentions(bill["id"], read_query(phrases).fts, facts["act_id"])


def stages_of(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """The bill's stages in both Houses as its record lists them, each with its sittings
    in words; a stage not sat yet says so."""
    return [
        {
            **stage,
            "house": stage.get("house") or "",
            "sittings": [display_date(day) for day in stage.get("dates") or []],
            "safe_url": safe_url(stage.get("url")),
        }
        for stage in metadata.get("stages") or []
    ]


def without_bill_name(event: dict[str, Any], name: str) -> dict[str, Any]:
    """An event of the bill as its own page lists it: titled without the bill's name,
    which the page's title says, and without the Act it cites or a link to this page."""
    title = event["title"] or ""
    if name:
        title = title.removeprefix(f"{name}{TITLE_SEPARATOR}")
    return {**event, "title": title, "cites": [], "bill_path": None}


def amendment_facts(amendment: dict[str, Any]) -> dict[str, Any]:
    """An amendment as the page lists it: its number, where in the bill, who moved it,
    what was decided, and at which stage and when."""
    metadata = amendment["metadata"]
    sponsors = [s.get("name") for s in metadata.get("sponsors") or [] if s.get("name")]
    stage = ", ".join(part for part in (metadata.get("stage"), metadata.get("house")) if part)
    return {
        **amendment,
        "number": metadata.get("number") or "",
        "sponsors": sponsors,
        "decision": metadata.get("decision_text") or "",
        "decision_explanation": metadata.get("decision_explanation") or "",
        "stage": stage,
        "stage_date": display_date(metadata.get("stage_date") or ""),
    }
