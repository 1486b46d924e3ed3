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

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.legislation import legislation_id_from_url
from timeline_spiders.parsers.reading import Record, load_json, load_json_record, records_of
from timeline_spiders.text import date_in_words

API_PATH = "/api/v2"
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
_LEADING_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
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

    `legislation_id` is None for a draft (no number yet) or anything not a UK SI. SIs
    are numbered in the year they are made, but the API's `paperYear` is the year the
    paper was laid, so an instrument made in December and laid in January has a second
    possible id, in `laid_year_id`. `laid_date` is the earlier of the Commons and Lords
    laying dates (YYYY-MM-DD): the date the instrument first went before Parliament.
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
    laid_year_id: str | None = None

    def is_instrument(self, legislation_id: str) -> bool:
        """Whether this is the instrument legislation.gov.uk knows as `legislation_id`."""
        return legislation_id in (self.legislation_id, self.laid_year_id)

    @property
    def public_url(self) -> str:
        """The instrument's page on Parliament's statutory instruments website."""
        return instrument_public_url(self.api_id)

    @property
    def business_items_path(self) -> str:
        """Where this instrument's timeline (business items) is fetched from."""
        return business_items_path(self.api_id)


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


def name_search_term(title: str) -> str:
    """What to search instrument names for: the title without a leading "The".

    legislation.gov.uk titles start with "The"; Parliament's SI data leaves it out ("School
    and Early Years Finance (England) Regulations 2018"). `Name` is a substring match, so
    the title without its article finds the instrument however Parliament wrote it.
    """
    return _LEADING_ARTICLE.sub("", title.strip())


def search_path(name: str, skip: int = 0, take: int = DEFAULT_TAKE) -> str:
    """Search instruments whose name contains `name` (substring match, per the API)."""
    query = {"Name": name, "Skip": skip, "Take": take}
    return f"{API_PATH}/StatutoryInstrument?{urlencode(query)}"


def business_items_path(api_id: str) -> str:
    """Every business item (dated procedural step) recorded for one instrument."""
    return f"{API_PATH}/StatutoryInstrument/{api_id}/BusinessItems"


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

    Raises MalformedResponse for an HTML page, truncated JSON, a JSON document that is not
    the {items: [{value: {...}}], totalResults} envelope, or a field of the wrong type.
    """
    page = load_json_record(body, "instrument search")
    if "items" not in page.values:
        raise MalformedResponse("instrument search: no 'items' in the envelope")
    instruments = [
        _instrument_ref(resource.required_record("value"))
        for resource in page.records("items")  # null, as the spec allows, is no results
    ]
    return InstrumentSearchPage(
        instruments=instruments,
        total=page.integer("totalResults"),
        count=len(instruments),
        items_per_page=page.integer("itemsPerPage"),
    )


def parse_business_items(body: bytes, instrument: InstrumentRef) -> Document:
    """The instrument's life in Parliament as one document: an event per dated business
    item, oldest first.

    Items with no date (scheduled but not yet dated) are skipped: an event needs a date.
    The endpoint returns a bare JSON array; the collection envelope used elsewhere in the
    API is accepted too. The document names the instrument in its text, which is what
    makes the citation pipeline link it to the instrument, as for every other source.
    """
    if instrument.legislation_id is None:
        raise MalformedResponse(f"{instrument.name}: not a numbered UK SI")
    events = _business_item_events(body, instrument)
    _, year, number = instrument.legislation_id.split("/")
    deadline = annulment_deadline(instrument.procedure, events)
    summary = f"{instrument.procedure} procedure in Parliament."
    if deadline:
        summary += f" Objection period ends {date_in_words(deadline)}."
    return Document(
        id=f"si_tracker:{instrument.api_id}",
        source="si_tracker",
        doc_type="si_procedure",
        title=f"{instrument.name}: in Parliament",
        url=instrument.public_url,
        summary=summary,
        body=f"{instrument.name} (S.I. {year}/{number}).",
        events=events,
        metadata={
            "api_id": instrument.api_id,
            "legislation_id": instrument.legislation_id,
            "procedure": instrument.procedure,
            "made_date": instrument.made_date,
            "commons_laid_date": instrument.commons_laid_date,
            "lords_laid_date": instrument.lords_laid_date,
            "annulment_deadline": deadline,
        },
    )


def _business_item_events(body: bytes, instrument: InstrumentRef) -> list[Event]:
    what = f"business items for {instrument.legislation_id}"
    data = load_json(body, what)
    if isinstance(data, dict):
        data = Record(data, what).required_array("items")
    dated: list[tuple[str, int, int, Event]] = []
    for index, resource in enumerate(records_of(data, what)):
        item = resource.record("value") or resource
        date = _date(item.text("itemDate"))
        if date is None:
            continue
        steps = item.texts("steps")
        link = item.text("link")
        sequence = item.integer("sequence")
        event = Event(
            kind=business_item_kind(steps),
            date=date,
            # The spec lets the id be null: the date and place in sequence then stand in.
            key=item.text("id") or f"{date}-{sequence if sequence is not None else index}",
            title=_title(steps, item.texts("houses")),
            url=link if link.lower().startswith(("http://", "https://")) else instrument.public_url,
        )
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


def _instrument_ref(value: Record) -> InstrumentRef:
    name = value.text("name")
    procedure = value.record("procedure")
    commons = _date(value.text("commonsLayingDate"))
    lords = _date(value.text("lordsLayingDate"))
    made = _date(value.text("paperMadeDate"))
    laid_year_id = _legislation_id(value, name)
    made_year_id = laid_year_id
    if laid_year_id and made and not laid_year_id.startswith(f"uksi/{made[:4]}/"):
        made_year_id = f"uksi/{made[:4]}/{laid_year_id.rsplit('/', 1)[1]}"
    return InstrumentRef(
        api_id=value.required_text("id"),
        name=name,
        legislation_id=made_year_id,
        procedure=procedure.text("name") if procedure else "",
        laid_date=min((date for date in (commons, lords) if date), default=None),
        made_date=made,
        commons_laid_date=commons,
        lords_laid_date=lords,
        workpackage_id=value.text("workpackageId") or None,
        laid_year_id=laid_year_id if laid_year_id != made_year_id else None,
    )


def _legislation_id(value: Record, name: str) -> str | None:
    """legislation.gov.uk id from a link (detail records), paper fields, or "2017 No. 807"."""
    from_link = legislation_id_from_url(value.text("link"))
    if from_link:
        return from_link
    prefix = value.text("paperPrefix").upper()
    year = value.text("paperYear")
    number = value.integer("paperNumber")
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
    names = [HOUSE_NAMES.get(house, house) for house in houses]
    if names and not all(name in text for name in names):
        text = f"{text} ({', '.join(names)})"
    return text


def _date(value: str) -> str | None:
    match = _DATE_RE.match(value)
    return match[1] if match else None
