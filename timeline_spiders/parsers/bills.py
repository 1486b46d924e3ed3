"""UK Parliament Bills API (bills-api.parliament.uk, v1) JSON: bills, stages, publications
and amendments.

Pure functions, bytes in and values out, so the spider stays a loop of requests and these
are tested against fixtures. FORMAT-bills.md (next to this file) says what each field is and
where each fact was learnt.

What shapes the code below:

* The spider searches (`GET /api/v1/Bills?SearchTerm=..`) newest-updated first, then
  fetches each bill, its stages and its publications, and the amendments of each stage. A
  bill is one `Document`; its stage sittings and publications are its events. An amendment
  is a `Document` of its own, kept only when a campaign rule tags it: a bill has hundreds.
* Dates are local midnights without an offset (`2016-07-19T00:00:00`) and `lastUpdate`
  has seven fractional digits (`2021-05-04T10:42:08.0579851`). Only the date part is kept
  for events; converting to UTC would move every summer date a day back.
* Public URLs are built on bills.parliament.uk; nothing the spider fetched from the API
  host is ever a document's URL.
* The API never says which Act a bill became, except through its "Act of Parliament"
  publication, whose link points at legislation.gov.uk (or, for old bills, opsi.gov.uk).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from timeline_spiders.items import Document, Event, KeepIf
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.legislation import legislation_id_from_url
from timeline_spiders.parsers.reading import (
    Record,
    html_to_text,
    load_json,
    load_json_record,
    records_of,
    snippet,
)

API_PREFIX = "/api/v1"
API_HOST = "bills-api.parliament.uk"
PUBLIC_SITE = "https://bills.parliament.uk"
LEGISLATION_SITE = "https://www.legislation.gov.uk"
#: Between a bill's name and what happened to it in an event's title, as Hansard's titles
#: put "<heading> — <section>".
TITLE_SEPARATOR = " \u2014 "
#: The page size the API used in every sample that did not ask for one (`itemsPerPage`
#: 20); the OpenAPI document gives neither a default nor a maximum for `Take`.
DEFAULT_TAKE = 20
SUMMARY_CHARS = 300
SOURCE = "bills"

HOUSE_NAMES: dict[str, str] = {"Commons": "House of Commons", "Lords": "House of Lords"}

#: Publication types a campaign worker reads first. Names as the API gives them in
#: `publicationType.name` (see FORMAT-bills.md for which are seen in real responses).
#: Every publication becomes an event; this set only documents which ones matter.
KEY_PUBLICATION_TYPES = frozenset(
    {
        "Bill",
        "Act of Parliament",
        "Explanatory Notes",
        "Impact Assessments",
        "Delegated Powers Memorandum",
        "Amendment Paper",
        "Bill proceedings: Commons",
    }
)
ACT_PUBLICATION_TYPE = "act of parliament"

_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]|$)")
_ENACTED_TITLE = re.compile(r"^(?P<name>.+) Act \d{4}$")
# Acts as opsi.gov.uk published them before legislation.gov.uk: ukpga_20100025_en_1.
_OPSI_ACT = re.compile(r"/(?P<type>ukpga)_(?P<year>\d{4})(?P<number>\d{4})(?:_|\.|$)")
_CAMEL_WORD = re.compile(r"(?<=[a-z])(?=[A-Z])")


# --- values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BillRef:
    """One bill in a search page: enough to fetch it, and to skip it when unchanged.

    `last_update` is the API's `lastUpdate` as given; `last_update_date` its date part
    (YYYY-MM-DD), "" when the API gave none (such a bill is always fetched).
    """

    bill_id: int
    short_title: str
    last_update: str
    last_update_date: str
    current_house: str = ""
    is_act: bool = False


@dataclass(frozen=True)
class BillListPage:
    """One page of `GET /api/v1/Bills`: `total` is `totalResults` (all pages), `count`
    the bills on this page. Paging is by Skip/Take offsets: see `next_skip`."""

    bills: list[BillRef]
    count: int
    total: int
    items_per_page: int | None = None

    @property
    def ids(self) -> list[int]:
        return [bill.bill_id for bill in self.bills]

    def updated_since(self, since: str) -> list[BillRef]:
        """The bills on this page last updated on or after `since` (a date or an ISO
        datetime; compared by day, so a bill updated that day is never missed)."""
        day = _day(since)
        return [b for b in self.bills if not b.last_update_date or b.last_update_date >= day]

    def reaches_before(self, since: str) -> bool:
        """True when this page holds a bill last updated before `since`. With
        `SortOrder=DateUpdatedDescending` every later page is older still, so the spider
        stops paging there."""
        day = _day(since)
        return any(b.last_update_date and b.last_update_date < day for b in self.bills)


@dataclass(frozen=True)
class StageSitting:
    """One sitting (a day of proceedings) of a bill stage."""

    sitting_id: int | None
    date: str


@dataclass(frozen=True)
class BillStage:
    """One stage of one bill, as `GET /api/v1/Bills/{billId}/Stages` lists it.

    `bill_stage_id` is this bill's stage (the id in the Amendments path and in the public
    stage URL); `stage_id` the kind of stage shared by all bills (6 = Commons 1st reading,
    11 = Royal Assent). `house` is the API's value ("Commons", "Lords", "Unassigned").
    """

    bill_id: int
    bill_stage_id: int
    stage_id: int | None
    description: str
    house: str
    sittings: tuple[StageSitting, ...] = ()
    sort_order: int | None = None
    session_id: int | None = None

    @property
    def house_name(self) -> str:
        """The House by name, or "" for Royal Assent (the API says "Unassigned")."""
        return HOUSE_NAMES.get(self.house, "")

    @property
    def first_sitting_date(self) -> str | None:
        """The earliest sitting's date (YYYY-MM-DD), or None for a stage not (yet) sat."""
        return min((s.date for s in self.sittings), default=None)

    @property
    def title(self) -> str:
        """The event title: "2nd reading (House of Commons)", or "Royal Assent" alone."""
        return f"{self.description} ({self.house_name})" if self.house_name else self.description

    @property
    def url(self) -> str:
        return stage_url(self.bill_id, self.bill_stage_id)


@dataclass(frozen=True)
class StagePage:
    """One page of a bill's stages, with the envelope's paging numbers."""

    stages: list[BillStage]
    count: int
    total: int
    items_per_page: int | None = None


@dataclass
class AmendmentPage:
    """One page of a stage's amendments, each already a `Document`.

    `total` is None when the body was a bare array of items (as clients that collect
    `items` store them), which cannot be paged.
    """

    amendments: list[Document] = field(default_factory=list)
    count: int = 0
    total: int | None = None
    items_per_page: int | None = None


# --- URLs: API paths (no host; the spider puts them on its configured base) -------------


def bill_search_path(search_term: str, skip: int = 0, take: int = DEFAULT_TAKE) -> str:
    """Bills matching `search_term`, most recently updated first."""
    query = {
        "SearchTerm": search_term,
        "SortOrder": "DateUpdatedDescending",
        "Skip": skip,
        "Take": take,
    }
    return f"{API_PREFIX}/Bills?{urlencode(query)}"


def bill_path(bill_id: int) -> str:
    return f"{API_PREFIX}/Bills/{bill_id}"


def bill_stages_path(bill_id: int, skip: int = 0, take: int = DEFAULT_TAKE) -> str:
    return f"{API_PREFIX}/Bills/{bill_id}/Stages?{urlencode({'Skip': skip, 'Take': take})}"


def bill_publications_path(bill_id: int) -> str:
    """All of a bill's publications in one response: the route takes no Skip/Take."""
    return f"{API_PREFIX}/Bills/{bill_id}/Publications"


def stage_amendments_path(
    bill_id: int, bill_stage_id: int, skip: int = 0, take: int = DEFAULT_TAKE
) -> str:
    query = urlencode({"Skip": skip, "Take": take})
    return f"{API_PREFIX}/Bills/{bill_id}/Stages/{bill_stage_id}/Amendments?{query}"


def amendment_detail_path(bill_id: int, bill_stage_id: int, amendment_id: int) -> str:
    """One amendment in full: its lines and explanatory statement (not in the search)."""
    return f"{API_PREFIX}/Bills/{bill_id}/Stages/{bill_stage_id}/Amendments/{amendment_id}"


# --- URLs: public pages -----------------------------------------------------------------


def bill_url(bill_id: int) -> str:
    return f"{PUBLIC_SITE}/bills/{bill_id}"


def stage_url(bill_id: int, bill_stage_id: int) -> str:
    return f"{PUBLIC_SITE}/bills/{bill_id}/stages/{bill_stage_id}"


def amendment_url(bill_id: int, bill_stage_id: int, amendment_id: int) -> str:
    return f"{PUBLIC_SITE}/bills/{bill_id}/stages/{bill_stage_id}/amendments/{amendment_id}"


def publications_url(bill_id: int) -> str:
    return f"{PUBLIC_SITE}/bills/{bill_id}/publications"


def publication_document_url(publication_id: int, document_id: int) -> str:
    """A file the API lists in a publication's `files` (kept by Parliament itself)."""
    return f"{PUBLIC_SITE}/publications/{publication_id}/documents/{document_id}"


# --- paging -----------------------------------------------------------------------------


def next_skip(page: BillListPage | StagePage | AmendmentPage, skip: int) -> int | None:
    """The Skip for the next page, or None when `page` (fetched with `skip`) was the last.

    An empty page always ends paging, and the next Skip is always past this page, so a
    wrong `totalResults` can neither loop nor go back. Without a total (a bare array) there
    is nothing to page.
    """
    if page.count == 0 or page.total is None:
        return None
    following = skip + page.count
    return following if following < page.total else None


# --- bill search ------------------------------------------------------------------------


def parse_bill_list(body: bytes) -> BillListPage:
    """Read one page of `GET /api/v1/Bills`: each bill's id and last update, and the total.

    Raises MalformedResponse for anything that is not the `{items, totalResults,
    itemsPerPage}` envelope of bill summaries.
    """
    envelope = load_json_record(body, "Bills API bill search")
    items = envelope.required_records("items")
    total = envelope.required_integer("totalResults")
    bills = [
        BillRef(
            bill_id=item.required_integer("billId"),
            short_title=item.text("shortTitle"),
            last_update=item.text("lastUpdate"),
            last_update_date=_date_of(item, "lastUpdate") or "",
            current_house=item.text("currentHouse"),
            is_act=item.boolean("isAct") is True,
        )
        for item in items
    ]
    return BillListPage(
        bills=bills,
        count=len(bills),
        total=total,
        items_per_page=envelope.integer("itemsPerPage"),
    )


# --- bill detail ------------------------------------------------------------------------


def parse_bill(
    body: bytes, publications: bytes | None = None, *, keep_if: KeepIf = "always"
) -> Document:
    """Turn `GET /api/v1/Bills/{billId}` into a `Document` with no events yet.

    The spider adds the events: `parse_bill_stages` and `parse_publications` of the same
    bill. `publications` (that bill's Publications body), when given, is read only for the
    Act the bill became (see `act_id_from_publications`); the Bill record itself never says.
    A bill found through a word search may be about something else (the search is not a
    phrase search), so a spider that found it that way should pass
    `keep_if="mentions_search_phrase"`.
    """
    record = load_json_record(body, "Bills API bill")
    bill_id = record.required_integer("billId")
    record.path = f"Bills API bill {bill_id}"
    short_title = record.required_text("shortTitle")
    long_title = record.text("longTitle")
    summary_text = html_to_text(record.text("summary"))
    sponsors = _bill_sponsors(record)
    act_id = None if publications is None else act_id_from_publications(publications, bill_id)
    return Document(
        id=f"bills:bill/{bill_id}",
        source=SOURCE,
        doc_type="bill",
        title=short_title,
        url=bill_url(bill_id),
        summary=snippet(long_title or summary_text, SUMMARY_CHARS),
        body=_bill_body(long_title, summary_text, sponsors, act_id),
        keep_if=keep_if,
        metadata=_bill_metadata(record, bill_id, short_title, long_title, sponsors, act_id),
    )


def _bill_sponsors(record: Record) -> list[dict[str, Any]]:
    """The bill's sponsors in the API's sort order; those without one come last."""
    sponsors = [_bill_sponsor(sponsor) for sponsor in record.records("sponsors")]
    sponsors.sort(key=lambda s: s["sort_order"] if s["sort_order"] is not None else 1 << 30)
    return sponsors


def _bill_body(
    long_title: str, summary_text: str, sponsors: list[dict[str, Any]], act_id: str | None
) -> str:
    """The searchable text: the long title, the API's summary, who sponsors the bill and,
    once it is law, the Act's address on legislation.gov.uk (so the citation pipeline
    records that the bill cites its Act, and the bill is found by the Act's number)."""
    parts = [part for part in (long_title, summary_text) if part]
    names = [_sponsor_label(s) for s in sponsors if s["name"] or s["organisation"]]
    if names:
        parts.append("Sponsors: " + "; ".join(names))
    if act_id:
        parts.append(f"Act of Parliament: {LEGISLATION_SITE}/{act_id}")
    return "\n\n".join(parts)


def _bill_metadata(
    record: Record,
    bill_id: int,
    short_title: str,
    long_title: str,
    sponsors: list[dict[str, Any]],
    act_id: str | None,
) -> dict[str, Any]:
    """What is stored beside the text: titles, sessions, Houses, status, sponsors, the
    current stage and the Act the bill became (the fields `parse_bill` has read already are
    passed in rather than read twice)."""
    current = record.record("currentStage")
    return {
        "bill_id": bill_id,
        "short_title": short_title,
        "former_short_title": record.text("formerShortTitle"),
        "long_title": long_title,
        "sessions": _integers(record, "includedSessionIds"),
        "introduced_session_id": record.integer("introducedSessionId"),
        "originating_house": record.text("originatingHouse"),
        "current_house": record.text("currentHouse"),
        "bill_type_id": record.integer("billTypeId"),
        "is_act": record.boolean("isAct") is True,
        "is_defeated": record.boolean("isDefeated") is True,
        "withdrawn_date": _date_of(record, "billWithdrawn"),
        "sponsors": sponsors,
        "last_update": record.text("lastUpdate"),
        "current_stage": _current_stage(current, bill_id) if current else None,
        "act_id": act_id,
    }


def bill_name(short_title: str) -> str:
    """The bill's name for its amendments: the API renames an enacted bill to its Act
    ("Higher Education and Research Act 2017"), but amendments were to the Bill."""
    match = _ENACTED_TITLE.match(short_title.strip())
    return f"{match['name']} Bill" if match else short_title.strip()


def _bill_sponsor(sponsor: Record) -> dict[str, Any]:
    """A bill sponsor: a member, a department (`organisation`), or both."""
    member = sponsor.record("member")
    organisation = sponsor.record("organisation")
    return {
        "member_id": member.integer("memberId") if member else None,
        "name": member.text("name") if member else "",
        "party": member.text("party") if member else "",
        "house": member.text("house") if member else "",
        "member_from": member.text("memberFrom") if member else "",
        "organisation": organisation.text("name") if organisation else "",
        "sort_order": sponsor.integer("sortOrder"),
    }


def _sponsor_label(sponsor: dict[str, Any]) -> str:
    if sponsor["name"] and sponsor["organisation"]:
        return f"{sponsor['name']} ({sponsor['organisation']})"
    return sponsor["name"] or sponsor["organisation"]


def _current_stage(stage: Record, bill_id: int) -> dict[str, Any]:
    bill_stage_id = stage.integer("id")
    return {
        "bill_stage_id": bill_stage_id,
        "stage_id": stage.integer("stageId"),
        "description": stage.text("description"),
        "house": stage.text("house"),
        "url": stage_url(bill_id, bill_stage_id) if bill_stage_id else "",
    }


# --- stages -----------------------------------------------------------------------------


def parse_stage_page(body: bytes, bill_id: int) -> StagePage:
    """Read one page of `GET /api/v1/Bills/{billId}/Stages`: every stage with its sittings,
    including stages not (yet) sat, whose ids the Amendments route still needs."""
    envelope = load_json_record(body, f"Bills API stages of bill {bill_id}")
    items = envelope.required_records("items")
    total = envelope.required_integer("totalResults")
    stages = [_stage(item, bill_id) for item in items]
    return StagePage(
        stages=stages,
        count=len(stages),
        total=total,
        items_per_page=envelope.integer("itemsPerPage"),
    )


def parse_bill_stages(body: bytes, bill_id: int, bill_title: str = "") -> list[Event]:
    """One `bill_stage` event per dated sitting on this page of a bill's stages."""
    return stage_events(parse_stage_page(body, bill_id).stages, bill_title)


def stage_events(stages: Iterable[BillStage], bill_title: str = "") -> list[Event]:
    """One event per dated sitting, keyed `<bill stage id>-<sitting id>` (or the date when
    the API gave no sitting id): stable across crawls, and two sittings of one stage (six
    days of Lords committee) stay apart. A stage with no sitting has no event. With
    `bill_title` (the bill's shortTitle), each title names the bill: "Higher Education and
    Research Bill — 2nd reading (House of Commons)"."""
    events = []
    for stage in stages:
        for sitting in sorted(stage.sittings, key=lambda s: s.date):
            suffix = sitting.sitting_id if sitting.sitting_id else sitting.date
            events.append(
                Event(
                    kind="bill_stage",
                    date=sitting.date,
                    key=f"{stage.bill_stage_id}-{suffix}",
                    title=_named(bill_title, stage.title),
                    url=stage.url,
                )
            )
    return events


def _named(bill_title: str, what: str) -> str:
    """`what` happened to the bill, titled with the bill's name when it is known."""
    name = bill_name(bill_title)
    return f"{name}{TITLE_SEPARATOR}{what}" if name else what


def parse_bill_document(
    bill: bytes, publications: bytes, stages: Iterable[BillStage], *, keep_if: KeepIf = "always"
) -> Document:
    """The bill (`GET /api/v1/Bills/{billId}`) with everything that happened to it: a
    `bill_stage` event per dated sitting of `stages` (every page of its Stages), a
    `bill_publication` event per publication, the Act it became, and its stages in both
    Houses, sat or not, in `metadata["stages"]` (what its page lists)."""
    document = parse_bill(bill, publications, keep_if=keep_if)
    bill_id = document.metadata["bill_id"]
    stages = list(stages)
    document.events = [
        *stage_events(stages, document.title),
        *parse_publications(publications, bill_id, document.title),
    ]
    document.metadata["stages"] = [
        {
            "bill_stage_id": stage.bill_stage_id,
            "stage_id": stage.stage_id,
            "description": stage.description,
            "house": stage.house_name,
            "dates": sorted(sitting.date for sitting in stage.sittings),
            "url": stage.url,
        }
        for stage in stages
    ]
    return document


def _stage(item: Record, bill_id: int) -> BillStage:
    bill_stage_id = item.required_integer("id")
    item.path = f"{item.path} (bill stage {bill_stage_id})"
    sittings = []
    for sitting in item.records("stageSittings"):
        day = _date_of(sitting, "date")
        if day is not None:  # a sitting not yet dated is no event
            sittings.append(StageSitting(sitting_id=sitting.integer("id"), date=day))
    return BillStage(
        bill_id=bill_id,
        bill_stage_id=bill_stage_id,
        stage_id=item.integer("stageId"),
        description=item.required_text("description"),
        house=item.text("house"),
        sittings=tuple(sittings),
        sort_order=item.integer("sortOrder"),
        session_id=item.integer("sessionId"),
    )


# --- publications -----------------------------------------------------------------------


def parse_publications(body: bytes, bill_id: int, bill_title: str = "") -> list[Event]:
    """One `bill_publication` event per publication of `GET /api/v1/Bills/{billId}/
    Publications`, dated by its `displayDate`, keyed by the publication id, linked to its
    first web link (or its first file on bills.parliament.uk, or the bill's publications
    page), titled "<type>: <title>" after the bill's name when `bill_title` is given. Every
    type is returned; `KEY_PUBLICATION_TYPES` names the ones that matter."""
    record = _publication_list(body, bill_id)
    events = []
    for publication in record.records("publications"):
        publication_id = publication.required_integer("id")
        day = _date_of(publication, "displayDate")
        if day is None:
            continue  # undated: nothing to put on a timeline
        kind = publication.record("publicationType")
        type_name = kind.text("name") if kind else ""
        title = publication.text("title")
        label = ": ".join(part for part in (type_name, title) if part) or "Publication"
        events.append(
            Event(
                kind="bill_publication",
                date=day,
                key=str(publication_id),
                title=_named(bill_title, label),
                summary=snippet(kind.text("description"), SUMMARY_CHARS) if kind else "",
                url=_publication_url(publication, publication_id, bill_id),
            )
        )
    return events


def act_id_from_publications(body: bytes, bill_id: int | None = None) -> str | None:
    """The legislation.gov.uk id (`ukpga/2017/29`) of the Act a bill became, from the link
    of its "Act of Parliament" publication; None when there is no such publication or
    none of its links names an Act. Nothing is guessed from titles or years. With
    `bill_id`, a body about another bill is malformed."""
    record = _publication_list(body, bill_id)
    for publication in record.records("publications"):
        kind = publication.record("publicationType")
        if not kind or kind.text("name").casefold() != ACT_PUBLICATION_TYPE:
            continue
        for link in publication.records("links"):
            act_id = _act_id_from_url(link.text("url"))
            if act_id:
                return act_id
    return None


def _publication_list(body: bytes, bill_id: int | None) -> Record:
    record = load_json_record(body, f"Bills API publications of bill {bill_id or '?'}")
    record.required_array("publications")
    if record.integer("billId") not in (None, bill_id) and bill_id is not None:
        raise MalformedResponse(f"{record.path}: the body is about bill {record.values['billId']}")
    return record


def _publication_url(publication: Record, publication_id: int, bill_id: int) -> str:
    for link in publication.records("links"):
        url = _public_http_url(link.text("url"))
        if url:
            return url
    for document in publication.records("files"):
        document_id = document.integer("id")
        if document_id:
            return publication_document_url(publication_id, document_id)
    return publications_url(bill_id)


def _act_id_from_url(url: str) -> str | None:
    try:
        act_id = legislation_id_from_url(url)
        parts = urlsplit(url)
    except ValueError:  # not a URL at all (an unclosed "[" in the host, say)
        return None
    if act_id:
        return act_id
    if (parts.hostname or "").lower().removeprefix("www.") != "opsi.gov.uk":
        return None
    match = _OPSI_ACT.search(parts.path)
    if not match:
        return None
    return f"{match['type']}/{match['year']}/{int(match['number'])}"


# --- amendments -------------------------------------------------------------------------


def parse_amendments(
    body: bytes, bill_id: int, stage: BillStage, bill_title: str = ""
) -> AmendmentPage:
    """Read one page of `GET /api/v1/Bills/{billId}/Stages/{billStageId}/Amendments`.

    Each amendment becomes a `bill_amendment` Document kept only when tagged, dated by the
    stage's first sitting (the API gives an amendment no date of its own). An amendment
    whose stage has not sat has no event: it is stored and searchable, and appears on the
    timeline when a later crawl finds the stage's sitting date. `bill_title` (the bill's
    shortTitle) names the bill in titles. A bare array of items is accepted too.
    """
    what = f"Bills API amendments of bill {bill_id} stage {stage.bill_stage_id}"
    data = load_json(body, what)
    if isinstance(data, list):
        items = records_of(data, what)
        total: int | None = None
        per_page: int | None = None
    else:
        envelope = Record(data, what)
        items = envelope.required_records("items")
        total = envelope.required_integer("totalResults")
        per_page = envelope.integer("itemsPerPage")
    amendments = [_amendment(item, bill_id, stage, bill_title) for item in items]
    return AmendmentPage(amendments, count=len(amendments), total=total, items_per_page=per_page)


def parse_amendment_detail(
    body: bytes, bill_id: int, stage: BillStage, bill_title: str = ""
) -> Document:
    """Read `GET /api/v1/Bills/{billId}/Stages/{billStageId}/Amendments/{amendmentId}`:
    the same Document as the search item, with the amendment's full lines and its
    explanatory statement in the body (the search gives neither)."""
    what = f"Bills API amendment of bill {bill_id} stage {stage.bill_stage_id}"
    return _amendment(load_json_record(body, what), bill_id, stage, bill_title)


def _amendment(item: Record, bill_id: int, stage: BillStage, bill_title: str) -> Document:
    """An amendment (a search item or its detail) as a `bill_amendment` Document, kept only
    when a campaign rule tags it, with an event on its stage's first sitting if any."""
    amendment_id = _amendment_id(item, bill_id, stage.bill_stage_id)
    title = _amendment_title(item, bill_id, bill_title)
    decision = item.text("decision")
    explanation = item.text("decisionExplanation")
    sponsors = _amendment_sponsors(item)
    lines = _amendment_lines(item)
    explanatory = html_to_text(item.text("explanatoryText"))
    return Document(
        id=f"bills:bill/{bill_id}/amendment/{amendment_id}",
        source=SOURCE,
        doc_type="bill_amendment",
        title=title,
        url=amendment_url(bill_id, stage.bill_stage_id, amendment_id),
        summary=snippet(" ".join(lines) or explanatory, SUMMARY_CHARS),
        body=_amendment_body(item, lines, explanatory, sponsors),
        events=_amendment_events(stage, title, explanation or _decision_text(decision)),
        keep_if="tagged",
        metadata=_amendment_metadata(item, bill_id, stage, amendment_id, sponsors),
    )


def _amendment_id(item: Record, bill_id: int, bill_stage_id: int) -> int:
    """The amendment's id, once the item is known to be of this bill and stage. `id` is 0 in
    every real search item; `amendmentId` is the amendment's id. The item's path names the
    amendment from here on, so later errors say which one was malformed."""
    amendment_id = item.required_integer("amendmentId")
    item.path = f"{item.path} (amendment {amendment_id})"
    if amendment_id <= 0:
        raise MalformedResponse(f"{item.path}.amendmentId: not an id")
    _check_ids(item, bill_id, bill_stage_id)
    return amendment_id


def _amendment_title(item: Record, bill_id: int, bill_title: str) -> str:
    """The title, such as "Amendment 12 to the Higher Education and Research Bill, clause
    3": the number as marshalled, the bill (a Bill, even once it is an Act), what it amends."""
    number = item.text("marshalledListText")
    where = _where(item.integer("clause"), item.integer("schedule"), item.text("amendmentType"))
    label = f"Amendment {number}" if number else "Unnumbered amendment"
    name = bill_name(bill_title)
    title = f"{label} to the {name}" if name else f"{label} to bill {bill_id}"
    return f"{title}, {where}" if where else title


def _amendment_lines(item: Record) -> list[str]:
    """The amendment's words: the search's summary lines, then (in a detail) its full lines
    as text."""
    lines = item.texts("summaryText")
    lines += [html_to_text(line.text("text")) for line in item.records("amendmentLines")]
    return [line for line in lines if line]


def _amendment_body(
    item: Record, lines: list[str], explanatory: str, sponsors: list[dict[str, Any]]
) -> str:
    """The searchable text: the amendment's words, its explanatory statement (under the
    heading the API gives it) and its sponsors."""
    parts = ["\n".join(lines)] if lines else []
    if explanatory:
        prefix = item.text("explanatoryTextPrefix") or "Explanatory statement"
        parts.append(f"{prefix}: {explanatory}")
    names = [s["name"] for s in sponsors if s["name"]]
    if names:
        parts.append("Sponsors: " + ", ".join(names))
    return "\n\n".join(parts)


def _amendment_events(stage: BillStage, title: str, summary: str) -> list[Event]:
    """The amendment's one event, on its stage's first sitting (the API gives an amendment
    no date of its own); none while the stage has not sat."""
    day = stage.first_sitting_date
    if not day:
        return []
    place = f"{stage.description}, {stage.house_name}" if stage.house_name else stage.description
    return [
        Event(
            kind="bill_amendment",
            date=day,
            key=str(stage.bill_stage_id),
            title=f"{title} ({place})",
            summary=summary,
        )
    ]


def _amendment_metadata(
    item: Record, bill_id: int, stage: BillStage, amendment_id: int, sponsors: list[Any]
) -> dict[str, Any]:
    """What is stored beside the text: where the amendment sits in the bill and on the
    marshalled list, its decision and sponsors, and its stage. The fields the title and the
    event use are looked up again rather than passed in: a look-up is cheap, and one that
    succeeded once cannot fail the second time."""
    decision = item.text("decision")
    return {
        "bill_id": bill_id,
        "bill_stage_id": stage.bill_stage_id,
        "amendment_id": amendment_id,
        "number": item.text("marshalledListText"),
        "dnum": item.text("dNum"),
        "clause": item.integer("clause"),
        "schedule": item.integer("schedule"),
        "page": item.integer("pageNumber"),
        "line": item.integer("lineNumber"),
        "amendment_type": item.text("amendmentType"),
        "status_indicator": item.text("statusIndicator"),
        "decision": decision,
        "decision_text": _decision_text(decision),
        "decision_explanation": item.text("decisionExplanation"),
        "sponsors": sponsors,
        "stage": stage.description,
        "house": stage.house_name,
        "stage_date": stage.first_sitting_date,
    }


def _amendment_sponsors(item: Record) -> list[dict[str, Any]]:
    """Sponsors with the lead first, then in the API's sort order."""
    sponsors = []
    for index, sponsor in enumerate(item.records("sponsors")):
        lead = sponsor.boolean("isLead") is True
        order = sponsor.integer("sortOrder")
        sponsors.append(
            (
                (not lead, order if order is not None else 1 << 30, index),
                {
                    "member_id": sponsor.integer("memberId"),
                    "name": sponsor.text("name"),
                    "party": sponsor.text("party"),
                    "house": sponsor.text("house"),
                    "member_from": sponsor.text("memberFrom"),
                    "is_lead": lead,
                },
            )
        )
    return [sponsor for _, sponsor in sorted(sponsors, key=lambda pair: pair[0])]


def _where(clause: int | None, schedule: int | None, amendment_type: str) -> str:
    if clause is not None:
        return f"clause {clause}"
    if schedule is not None:
        return f"schedule {schedule}"
    if amendment_type == "AddClauseOrSchedule":
        return "new clause or schedule"
    if amendment_type == "EditLongTitle":
        return "long title"
    return ""


def _decision_text(decision: str) -> str:
    """`NegativedOnDivision` -> "Negatived on division"."""
    return " ".join(_CAMEL_WORD.sub(" ", decision).split()).capitalize()


def _check_ids(item: Record, bill_id: int, bill_stage_id: int) -> None:
    """An item of another bill or stage means the spider asked for one thing and got
    another: malformed, not a document to store under the wrong bill."""
    if item.integer("billId") not in (None, bill_id):
        raise MalformedResponse(f"{item.path}.billId: not bill {bill_id}")
    if item.integer("billStageId") not in (None, bill_stage_id):
        raise MalformedResponse(f"{item.path}.billStageId: not bill stage {bill_stage_id}")


# --- shared -----------------------------------------------------------------------------


def _date_of(record: Record, key: str) -> str | None:
    """The date part (YYYY-MM-DD) of an ISO date or datetime field; None when missing.

    A value that is not an ISO date is malformed: the date pipeline would otherwise drop
    the whole bill with a less useful message.
    """
    text = record.text(key)
    if not text:
        return None
    match = _ISO_DATE.match(text)
    if match:
        try:
            return date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            pass
    raise MalformedResponse(f"{record.path}.{key}: not an ISO date: {text[:40]!r}")


def _day(since: str) -> str:
    match = _ISO_DATE.match(since.strip())
    if not match:
        raise ValueError(f"not an ISO date or datetime: {since!r}")
    return match.group(1)


def _integers(record: Record, key: str) -> list[int]:
    values = []
    for index, value in enumerate(record.array(key)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise MalformedResponse(f"{record.path}.{key}[{index}]: expected a whole number")
        values.append(value)
    return values


def _public_http_url(url: str) -> str:
    """`url` when it is a web page a reader can open, else "": no API host, no
    `javascript:` or relative links."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    if parts.hostname.lower() == API_HOST:
        return ""
    return url
