"""UK Parliament Statutory Instruments API v2: instrument search and business items.

Pure functions over JSON bytes, so a spider stays a thin fetch loop and these can be tested
against fixtures. See FORMAT-si-api.md (next to this file) for the format facts and where
they come from.

What shapes the code below:

* The API is about an instrument's *parliamentary* life (laying, committee scrutiny,
  prayers, debates, approval), which legislation.gov.uk does not record. It knows
  instruments by its own 8-character ids, so the link to our legislation ids is derived
  from the paper prefix/year/number it gives ("SI", "2017", 807 -> "uksi/2017/807").
* A business item is one dated entry on the instrument's timeline and can actualise
  several procedure steps at once, and be done in one or both Houses. Steps are free text
  from Parliament's procedure model, so kinds are chosen from the wording (see
  `step_kind`), and the unmapped rest falls back to "si_stage" rather than being dropped.
* Dates are midnight timestamps without an offset ("2017-07-19T00:00:00"). Only the date
  part is kept: converting them to UTC would move every date in British Summer Time to the
  day before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from timeline_spiders.items import Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.legislation import legislation_id_from_url

API_BASE = "https://statutoryinstruments-api.parliament.uk/api/v2"
PUBLIC_SITE = "https://statutoryinstruments.parliament.uk"
DEFAULT_TAKE = 20  # the API's own default page size (swagger: "default is 20")

# paperPrefix -> legislation.gov.uk type code. Only UK SIs are laid at Westminster with a
# number; drafts have no number yet and so no legislation id.
PAPER_PREFIX_TYPES: dict[str, str] = {"SI": "uksi"}

HOUSE_NAMES: dict[str, str] = {"Commons": "House of Commons", "Lords": "House of Lords"}

# When one business item actualises several steps, the event takes the kind that matters
# most to a reader of the timeline, in this order.
KIND_PRIORITY = (
    "si_laid",
    "si_approved",
    "si_motion",
    "si_debate",
    "si_committee",
    "si_scrutiny_period_end",
    "si_procedure_concluded",
    "si_stage",
)

# Procedures under which an instrument can be annulled (or, for drafts, stopped) by a
# prayer within a fixed period. Names as the API gives them in procedure.name.
NEGATIVE_PROCEDURES = frozenset({"made negative", "draft negative"})

_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_SI_NUMBER_IN_NAME = re.compile(r"\b(\d{4})\s+No\.\s*(\d+)\b")
_COMMITTEE_WORDS = (
    "committee",
    "jcsi",
    "slsc",
    "scsi",
    "concerns raised",
    "reported",
    "instrument of interest",
)


@dataclass(frozen=True)
class InstrumentRef:
    """One instrument from a search, reduced to what links it to legislation.gov.uk.

    `legislation_id` is None for a draft (no number yet) or anything not a UK SI.
    `laid_date` is the earlier of the Commons and Lords laying dates (YYYY-MM-DD): the
    date the instrument first went before Parliament.
    """

    api_id: str
    name: str
    legislation_id: str | None
    procedure: str
    laid_date: str | None
    made_date: str | None = None
    commons_laid_date: str | None = None
    lords_laid_date: str | None = None
    workpackage_id: str | None = None

    @property
    def public_url(self) -> str:
        """The instrument's page on Parliament's statutory instruments website."""
        return instrument_public_url(self.api_id)

    @property
    def business_items_url(self) -> str:
        """Where this instrument's timeline (business items) is fetched from."""
        return business_items_url(self.api_id)


@dataclass(frozen=True)
class InstrumentSearchPage:
    """One page of `GET /api/v2/StatutoryInstrument`.

    `total` is the envelope's totalResults (all pages), `count` the items on this page.
    Paging is by Skip/Take offsets, not links: see `next_skip`.
    """

    instruments: list[InstrumentRef]
    total: int | None
    count: int
    items_per_page: int | None = None


# --- URLs ------------------------------------------------------------------------------


def search_url(name: str, skip: int = 0, take: int = DEFAULT_TAKE) -> str:
    """Search instruments whose name contains `name` (substring match, per the API)."""
    query = {"Name": name, "Skip": skip, "Take": take}
    return f"{API_BASE}/StatutoryInstrument?{urlencode(query)}"


def business_items_url(api_id: str) -> str:
    """Every business item (dated procedural step) recorded for one instrument."""
    return f"{API_BASE}/StatutoryInstrument/{api_id}/BusinessItems"


def instrument_public_url(api_id: str) -> str:
    """Public web page for an instrument; the API id is also the website's id."""
    return f"{PUBLIC_SITE}/instrument/{api_id}"


def next_skip(page: InstrumentSearchPage, skip: int) -> int | None:
    """The Skip value for the next page, or None when this page was the last.

    An empty page always ends paging, so a wrong totalResults cannot loop forever.
    """
    if page.count == 0:
        return None
    following = skip + page.count
    if page.total is not None and following >= page.total:
        return None
    if page.total is None and page.items_per_page and page.count < page.items_per_page:
        return None
    return following


# --- parsers ---------------------------------------------------------------------------


def parse_instrument_search(body: bytes) -> InstrumentSearchPage:
    """Parse one page of an instrument search into references.

    Raises MalformedResponse for an HTML page, truncated JSON or a JSON document that is
    not the {items: [{value: {...}}], totalResults} envelope.
    """
    data = _load_json(body, "instrument search")
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise MalformedResponse(
            "instrument search is not the expected envelope: no 'items' list at the top level"
        )
    instruments: list[InstrumentRef] = []
    for index, resource in enumerate(data["items"]):
        value = _unwrap(resource)
        if value is None:
            raise MalformedResponse(f"instrument search item {index} has no 'value' object")
        ref = _instrument_ref(value)
        if ref is None:
            raise MalformedResponse(f"instrument search item {index} has no 'id'")
        instruments.append(ref)
    return InstrumentSearchPage(
        instruments=instruments,
        total=_int_or_none(data.get("totalResults")),
        count=len(instruments),
        items_per_page=_int_or_none(data.get("itemsPerPage")),
    )


def parse_business_items(body: bytes, legislation_id: str, public_url: str) -> list[Event]:
    """One Event per dated business item of one instrument, oldest first.

    `legislation_id` names the instrument in error messages; `public_url` is used for items
    whose own link is missing or not a web address. Items with no date (scheduled but not
    yet dated) are skipped: an event needs a date. The endpoint returns a bare JSON array;
    the collection envelope used elsewhere in the API is accepted too.
    """
    data = _load_json(body, f"business items for {legislation_id}")
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        raw_items: list[Any] = data["items"]
    elif isinstance(data, list):
        raw_items = data
    else:
        raise MalformedResponse(
            f"business items for {legislation_id} are not a JSON array of business items"
        )

    dated: list[tuple[str, int, int, Event]] = []
    for index, resource in enumerate(raw_items):
        item = _unwrap(resource)
        if item is None or "id" not in item:
            raise MalformedResponse(
                f"business item {index} for {legislation_id} is not an object with an 'id'"
            )
        date = _date(item.get("itemDate"))
        if date is None:
            continue
        steps = [str(step).strip() for step in item.get("steps") or [] if str(step).strip()]
        houses = [str(house) for house in item.get("houses") or []]
        link = str(item.get("link") or "").strip()
        event = Event(
            kind=business_item_kind(steps),
            date=date,
            key=str(item["id"]),
            title=_title(steps, houses),
            summary="",
            url=link if link.lower().startswith(("http://", "https://")) else public_url,
        )
        sequence = _int_or_none(item.get("sequence"))
        dated.append((date, sequence if sequence is not None else 1 << 30, index, event))
    dated.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in dated]


# --- kinds -----------------------------------------------------------------------------


def step_kind(step: str) -> str:
    """The timeline kind for one procedure step name, as the API words it.

    The order of the tests matters: "Motion to refer to a Delegated Legislation Committee"
    is a motion, "Delegated Legislation Committee (DLC) debate" a debate, and "Motion
    (prayer) to stop the instrument being law approved" is a successful prayer (a motion),
    not an approval of the instrument.
    """
    text = step.strip().lower()
    if text.startswith("laid"):
        return "si_laid"
    if "period end" in text:
        return "si_scrutiny_period_end"
    if "procedure concluded" in text:
        return "si_procedure_concluded"
    if "motion" in text or "prayer" in text or text.startswith("question"):
        if "to approve" in text and text.endswith("approved"):
            return "si_approved"
        return "si_motion"
    if text.startswith(("approved", "instrument approved")):
        return "si_approved"
    if "debate" in text:
        return "si_debate"
    if any(word in text for word in _COMMITTEE_WORDS):
        return "si_committee"
    return "si_stage"


def business_item_kind(steps: Iterable[str]) -> str:
    """The most significant kind among the steps one business item actualised."""
    kinds = {step_kind(step) for step in steps}
    for kind in KIND_PRIORITY:
        if kind in kinds:
            return kind
    return "si_stage"


def annulment_deadline(procedure: str, events: Iterable[Event]) -> str | None:
    """The end of the objection ("praying") period, only if the API recorded it.

    Under a negative procedure the instrument can be annulled by a prayer agreed within
    40 days of laying, but those days exclude any time Parliament is dissolved or prorogued
    or both Houses are adjourned for more than four days. Working that out needs the
    sitting calendar of both Houses, which this API does not give, so no calendar
    arithmetic is attempted here. Parliament records the end as its own business item
    ("Objection period ends"); when present, its date is returned. Otherwise None: unknown,
    not "no deadline".
    """
    if procedure.strip().lower() not in NEGATIVE_PROCEDURES:
        return None
    for event in events:
        title = event.title.lower()
        if event.kind == "si_scrutiny_period_end" and ("objection" in title or "praying" in title):
            return event.date
    return None


# --- helpers ---------------------------------------------------------------------------


def _load_json(body: bytes, what: str) -> Any:
    """Decode JSON, turning an HTML challenge page or a truncated body into MalformedResponse.

    A CDN "checking your browser" page arrives with status 200, so it is recognised here by
    content rather than by status.
    """
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise MalformedResponse(f"empty response where {what} JSON was expected")
    if head.startswith(b"<"):
        raise MalformedResponse(
            f"got an HTML/XML page (perhaps a CDN 'checking your browser' challenge), "
            f"not {what} JSON"
        )
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedResponse(f"{what} is not valid JSON (truncated download?): {exc}") from exc


def _unwrap(resource: Any) -> dict[str, Any] | None:
    """The record inside a {value, links} resource wrapper, or the record itself."""
    if not isinstance(resource, dict):
        return None
    value = resource.get("value", resource)
    return value if isinstance(value, dict) else None


def _instrument_ref(value: dict[str, Any]) -> InstrumentRef | None:
    api_id = str(value.get("id") or "").strip()
    if not api_id:
        return None
    name = str(value.get("name") or "").strip()
    procedure = value.get("procedure")
    procedure_name = (
        str(procedure.get("name") or "").strip()
        if isinstance(procedure, dict)
        else str(value.get("procedureName") or "").strip()
    )
    commons = _date(value.get("commonsLayingDate"))
    lords = _date(value.get("lordsLayingDate"))
    laid = min((date for date in (commons, lords) if date), default=None)
    workpackage = value.get("workpackageId")
    return InstrumentRef(
        api_id=api_id,
        name=name,
        legislation_id=_legislation_id(value, name),
        procedure=procedure_name,
        laid_date=laid,
        made_date=_date(value.get("paperMadeDate")),
        commons_laid_date=commons,
        lords_laid_date=lords,
        workpackage_id=str(workpackage) if workpackage else None,
    )


def _legislation_id(value: dict[str, Any], name: str) -> str | None:
    """legislation.gov.uk id from a link (detail records), paper fields, or "2017 No. 807"."""
    from_link = legislation_id_from_url(str(value.get("link") or ""))
    if from_link:
        return from_link
    prefix = str(value.get("paperPrefix") or "").strip().upper()
    year = str(value.get("paperYear") or "").strip()
    number = _int_or_none(value.get("paperNumber"))
    code = PAPER_PREFIX_TYPES.get(prefix)
    if code and year.isdigit() and number:
        return f"{code}/{year}/{number}"
    match = _SI_NUMBER_IN_NAME.search(name)
    if match and (not prefix or prefix in PAPER_PREFIX_TYPES):
        return f"uksi/{match[1]}/{int(match[2])}"
    return None


def _title(steps: list[str], houses: list[str]) -> str:
    """Steps joined, then the House(s) in brackets unless the wording already names them."""
    text = "; ".join(steps) or "Business item"
    names = [HOUSE_NAMES.get(house, house) for house in houses if house]
    if names and not all(name in text for name in names):
        text = f"{text} ({', '.join(names)})"
    return text


def _date(value: Any) -> str | None:
    match = _DATE_RE.match(str(value or "").strip())
    return match[1] if match else None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
