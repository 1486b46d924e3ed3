"""House of Commons early day motions (oralquestionsandmotions-api.parliament.uk) JSON.

Pure functions over JSON bytes; see FORMAT-motions.md (next to this file) for the format
facts and where they come from.

What shapes the code below:

* Every response is wrapped in the API's `ApiResponse` envelope
  (`{PagingInfo, StatusCode, Success, Errors, Response}`); a body with `Success: false` is an
  error even when it came with status 200.
* The list (`/EarlyDayMotions/list`) gives each motion's text, primary sponsor and
  `SponsorsCount`, but not the names of the other signatories nor the amendments, which only
  the detail (`/EarlyDayMotion/{id}`) gives. So the list is read for ids (and counts, to
  decide what to re-fetch) and each motion becomes a Document from its detail.
* A motion gathers signatures for weeks. The count is part of the Document's metadata, body
  and event summary, so storage records a new version when it changes, while the event's
  id (`motions:edm/<id>:edm_tabled`) stays the same. The list says each motion's count,
  so a spider can fetch again only the motions whose count moved.
* Enums (`Status`, `StatusCode`) arrive as numbers in the live API although the spec lists
  names, so both are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.reading import Record, html_to_text, load_json_record, snippet

PUBLIC_SITE = "https://edm.parliament.uk"
#: The API's default page size and its maximum (spec: "default is 25, maximum is 100").
DEFAULT_TAKE = 25
MAX_TAKE = 100
SUMMARY_CHARS = 300
#: `Status` by its position in the spec's enum, for the numbers the live API sends.
STATUS_NAMES = ("Published", "Withdrawn")

_ISO_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True)
class MotionSummary:
    """What a list entry says about one motion: enough to decide whether to fetch it again
    (its signature count changed) without fetching it."""

    id: int
    uin: str
    title: str
    date_tabled: str | None
    signature_count: int | None
    status: str
    #: The legislation id (`uksi/2016/808`) of the instrument a prayer asks to annul, from
    #: its year and number; "" for any other motion.
    instrument: str = ""


@dataclass(frozen=True)
class MotionPage:
    """One page of `/EarlyDayMotions/list`: the motion ids to fetch, how many this page held
    and the total (`PagingInfo.Total`) across all pages."""

    ids: list[int]
    count: int
    total: int
    motions: list[MotionSummary]


# --- URLs ------------------------------------------------------------------------------


def motions_list_path(
    search_term: str | None = None,
    *,
    tabled_start_date: str | date | None = None,
    tabled_end_date: str | date | None = None,
    statuses: Iterable[str] = (),
    is_prayer: bool | None = None,
    edm_ids: Iterable[int] = (),
    order_by: str | None = None,
    skip: int = 0,
    take: int = MAX_TAKE,
) -> str:
    """The API path (no host) of one page of early day motions.

    `search_term` matches the *title* only (spec), so it finds "School census and pupil
    nationality data" by "nationality" but never a motion that only says so in its text.
    `is_prayer` asks for prayers against negative instruments (or for no prayers);
    `edm_ids` for these motions only. Every parameter carries the literal `parameters.`
    prefix the API expects.
    """
    if not 1 <= take <= MAX_TAKE:
        raise ValueError(f"take must be between 1 and {MAX_TAKE}")
    query: list[tuple[str, Any]] = []
    if search_term:
        query.append(("parameters.searchTerm", " ".join(search_term.split())))
    query.extend(("parameters.edmIds", edm_id) for edm_id in edm_ids)
    if is_prayer is not None:
        query.append(("parameters.isPrayer", "true" if is_prayer else "false"))
    if tabled_start_date is not None:
        query.append(("parameters.tabledStartDate", str(tabled_start_date)))
    if tabled_end_date is not None:
        query.append(("parameters.tabledEndDate", str(tabled_end_date)))
    query.extend(("parameters.statuses", status) for status in statuses)
    if order_by:
        query.append(("parameters.orderBy", order_by))
    query.extend((("parameters.skip", skip), ("parameters.take", take)))
    return f"/EarlyDayMotions/list?{urlencode(query)}"


def motion_path(motion_id: int) -> str:
    """The API path of one motion with its sponsors and amendments."""
    return f"/EarlyDayMotion/{motion_id}"


def motion_document_id(motion_id: int) -> str:
    """The timeline's id for a motion: `motions:edm/<Id>`."""
    return f"motions:edm/{motion_id}"


def motion_url(motion_id: int) -> str:
    """The motion's public page. The site also accepts a title slug after the id; the bare
    form is the stable one."""
    return f"{PUBLIC_SITE}/early-day-motion/{motion_id}"


def next_skip(page: MotionPage, skip: int) -> int | None:
    """The skip for the next page, or None when this page was the last (an empty page always
    ends paging, so a wrong total cannot loop)."""
    if page.count == 0:
        return None
    following = skip + page.count
    return following if following < page.total else None


# --- parsers ---------------------------------------------------------------------------


def parse_motion_list(body: bytes) -> MotionPage:
    """Read a page of `/EarlyDayMotions/list`: the ids to fetch, the total, and per motion
    what the list says (title, date tabled, signature count)."""
    what = "Early day motions list"
    envelope = _envelope(body, what)
    paging = envelope.record("PagingInfo")
    total = paging.integer("Total") if paging else None
    if total is None:
        raise MalformedResponse(f"{what}: PagingInfo.Total missing")
    if "Response" not in envelope:
        raise MalformedResponse(f"{what}: no 'Response' list")
    items = envelope.required_records("Response")
    motions = [
        MotionSummary(
            id=item.required_integer("Id"),
            uin=_uin(item),
            title=item.text("Title"),
            date_tabled=_date(item, "DateTabled"),
            signature_count=item.integer("SponsorsCount"),
            status=_status(item),
            instrument=_prayer_instrument(item),
        )
        for item in items
    ]
    return MotionPage([m.id for m in motions], len(motions), total, motions)


@dataclass(frozen=True)
class _Motion:
    """The fields of one motion's detail its Document is made of, read in one place and in
    a fixed order (so a record with several bad fields always fails on the same one).
    `record` is the motion itself, for the few fields only the metadata stores."""

    record: Record
    id: int
    title: str
    text: str
    tabled: str
    primary: dict[str, Any] | None
    signatures: list[dict[str, Any]]
    sponsors_count: int | None
    signature_count: int
    amendments: list[dict[str, Any]]
    prayer: dict[str, Any] | None
    status: str


def parse_motion(body: bytes) -> Document:
    """Turn `/EarlyDayMotion/{id}` into a Document dated when the motion was tabled.

    The summary is the motion's text; the body adds its amendments and who signed it. The
    signature count is the number of entries in `Sponsors` (every signature, withdrawn ones
    included, which is what the public page counts), or `SponsorsCount` when the detail
    has no list.
    """
    motion = _read_motion(body)
    tally = _tally(motion)
    return Document(
        id=motion_document_id(motion.id),
        source="motions",
        doc_type="early_day_motion",
        title=motion.title,
        url=motion_url(motion.id),
        summary=snippet(motion.text or motion.title, SUMMARY_CHARS),
        body=_motion_body(motion, tally),
        events=[
            Event(
                kind="edm_tabled",
                date=motion.tabled,
                title=_event_title(motion),
                summary=tally,
            )
        ],
        metadata=_motion_metadata(motion),
    )


def _read_motion(body: bytes) -> _Motion:
    """The motion in a `/EarlyDayMotion/{id}` body, refused without a date tabled (its one
    event's date). Signatures come sponsors first, in their sponsoring order."""
    what = "Early day motion"
    motion = _envelope(body, what).required_record("Response")
    motion_id = motion.required_integer("Id")
    title = _plain(motion.required_text("Title"))
    text = _plain(motion.text("MotionText"))
    tabled = _date(motion, "DateTabled")
    if not tabled:
        raise MalformedResponse(f"{what} {motion_id}: no DateTabled")
    primary = _member(motion.record("PrimarySponsor"), motion.integer("MemberId"))
    signatures = [_signature(s) for s in motion.records("Sponsors")]
    signatures.sort(key=_signature_order)
    listed = motion.integer("SponsorsCount")
    return _Motion(
        record=motion,
        id=motion_id,
        title=title,
        text=text,
        tabled=tabled,
        primary=primary,
        signatures=signatures,
        sponsors_count=listed,
        signature_count=len(signatures) if signatures else (listed or 0),
        amendments=[_amendment(a) for a in motion.records("Amendments")],
        prayer=_prayer(motion),
        status=_status(motion),
    )


def _event_title(motion: _Motion) -> str:
    """ "Early day motion tabled: School census and pupil nationality data". A prayer is
    titled by its subject alone ("Education"), so its title names the instrument."""
    prayer = motion.prayer
    if prayer and prayer["title"]:
        return f"Early day motion tabled: prayer against {prayer['citation']}"
    return f"Early day motion tabled: {motion.title}"


def _tally(motion: _Motion) -> str:
    """The event's summary, such as "Primary sponsor: Jo Bloggs (Lab). 12 signatures.": it
    changes as signatures come in, so storage keeps a new version while the event id stays."""
    primary = motion.primary
    sponsor_name = primary["name"] if primary and primary["name"] else "unknown"
    party = f" ({primary['party']})" if primary and primary["party"] else ""
    plural = "" if motion.signature_count == 1 else "s"
    return f"Primary sponsor: {sponsor_name}{party}. {motion.signature_count} signature{plural}."


def _motion_body(motion: _Motion, tally: str) -> str:
    """The searchable text: title and text, the instrument a prayer is against, the
    amendments, the tally, who signed, and whether the motion was withdrawn."""
    lines = [motion.title, motion.text] if motion.text else [motion.title]
    prayer = motion.prayer
    if prayer and prayer["title"]:
        lines.append(f"Prays against: {prayer['citation']}")
    for amendment in motion.amendments:
        label = amendment["uin"] or "Amendment"
        lines.append(f"Amendment {label}: {amendment['text']}" if amendment["text"] else label)
    lines.append(tally)
    lines.extend(_signature_lines(motion.signatures))
    if motion.status == "Withdrawn":
        lines.append("This motion has been withdrawn.")
    return "\n\n".join(lines)


def _signature_lines(signatures: list[dict[str, Any]]) -> list[str]:
    """Who signed, in three lists: the sponsors (in their order), the other members who
    signed, and those who withdrew their signature."""
    live = [s for s in signatures if not s["withdrawn"]]
    supporters = [s["name"] for s in live if s["order"] is None and s["name"]]
    withdrawn = [s["name"] for s in signatures if s["withdrawn"] and s["name"]]
    lines = []
    sponsors = _sponsor_names(signatures)
    if sponsors:
        lines.append("Sponsors: " + ", ".join(sponsors))
    if supporters:
        lines.append("Also signed by: " + ", ".join(supporters))
    if withdrawn:
        lines.append("Signatures withdrawn: " + ", ".join(withdrawn))
    return lines


def _sponsor_names(signatures: list[dict[str, Any]]) -> list[str]:
    """The names of the sponsors whose signatures stand, in their sponsoring order."""
    return [
        s["name"] for s in signatures if not s["withdrawn"] and s["order"] is not None and s["name"]
    ]


def _motion_metadata(motion: _Motion) -> dict[str, Any]:
    """What is stored beside the text: ids, status, sponsors, signature counts (all, still
    standing, withdrawn), the motion this one amends, its amendments and its prayer."""
    record = motion.record
    live = sum(1 for s in motion.signatures if not s["withdrawn"])
    return {
        "api_id": motion.id,
        "uin": _uin(record),
        "status": motion.status,
        "status_date": _date(record, "StatusDate"),
        "date_tabled": motion.tabled,
        "primary_sponsor": motion.primary,
        "sponsors_count": motion.sponsors_count,
        "signature_count": motion.signature_count,
        "live_signatures": live,
        "withdrawn_signatures": len(motion.signatures) - live,
        "sponsors": _sponsor_names(motion.signatures),
        "amendment_to_motion_id": record.integer("AmendmentToMotionId"),
        "amendments": [{"id": a["id"], "uin": a["uin"]} for a in motion.amendments],
        "prayer": motion.prayer,
    }


# --- pieces ----------------------------------------------------------------------------


def _envelope(body: bytes, what: str) -> Record:
    """The `ApiResponse` envelope, refused when it reports a failure."""
    envelope = load_json_record(body, what)
    if "Response" not in envelope.values and "PagingInfo" not in envelope.values:
        raise MalformedResponse(f"{what}: not an ApiResponse envelope (no Response)")
    if envelope.boolean("Success") is False:
        errors = "; ".join(_texts(envelope, "Errors")) or _enum_text(envelope, "StatusCode")
        raise MalformedResponse(f"{what}: the API reported a failure: {errors or 'no reason'}")
    return envelope


def _member(record: Record | None, member_id: int | None) -> dict[str, Any] | None:
    """A member as stored: the MNIS id (the Members API id), name, party, constituency."""
    if record is None and member_id is None:
        return None
    if record is None:
        return {"member_id": member_id, "name": "", "party": "", "constituency": ""}
    mnis = record.integer("MnisId")
    return {
        "member_id": mnis if mnis is not None else member_id,
        "name": record.text("Name"),
        "party": record.text("Party"),
        "constituency": record.text("Constituency"),
    }


def _signature(sponsor: Record) -> dict[str, Any]:
    member = _member(sponsor.record("Member"), sponsor.integer("MemberId")) or {}
    return {
        "member_id": member.get("member_id"),
        "name": member.get("name", ""),
        "order": sponsor.integer("SponsoringOrder"),
        "signed": _date(sponsor, "CreatedWhen") or "",
        "withdrawn": sponsor.boolean("IsWithdrawn") is True,
    }


def _signature_order(signature: dict[str, Any]) -> tuple[int, int, str, str]:
    """Sponsors in their sponsoring order first, then the other signatures as they came."""
    order = signature["order"]
    return (0 if order is not None else 1, order or 0, signature["signed"], signature["name"])


def _amendment(record: Record) -> dict[str, Any]:
    return {
        "id": record.integer("Id"),
        "uin": record.text("UINWithAmendmentSuffix") or record.text("AmendmentSuffix"),
        "text": _plain(record.text("MotionText")),
    }


def _prayer(motion: Record) -> dict[str, Any] | None:
    """The instrument a prayer motion asks to annul, cited as "(S.I. 2016/808)" so the
    citation pipeline links the motion to it."""
    title = motion.text("StatutoryInstrumentTitle")
    number = _enum_text(motion, "StatutoryInstrumentNumber")
    year = _enum_text(motion, "StatutoryInstrumentYear")
    instrument_id = motion.integer("PrayingAgainstNegativeStatutoryInstrumentId")
    if not (title or number or instrument_id):
        return None
    citation = f"{title} (S.I. {year}/{number})" if year and number else title
    return {
        "si_api_id": instrument_id,
        "title": title,
        "year": year,
        "number": number,
        "citation": citation,
    }


def _prayer_instrument(record: Record) -> str:
    """`uksi/<year>/<number>` of the instrument a prayer is against, or "" (a motion that
    is no prayer, or a prayer whose year or number is missing)."""
    year = _enum_text(record, "StatutoryInstrumentYear")
    number = _enum_text(record, "StatutoryInstrumentNumber")
    if year.isdigit() and number.isdigit():
        return f"uksi/{int(year)}/{int(number)}"
    return ""


def _uin(record: Record) -> str:
    return record.text("UINWithAmendmentSuffix") or _enum_text(record, "UIN")


def _status(record: Record) -> str:
    value = _enum_text(record, "Status")
    if value.isdigit() and int(value) < len(STATUS_NAMES):
        return STATUS_NAMES[int(value)]
    return value


def _date(record: Record, key: str) -> str | None:
    """An ISO date or datetime field: the date part of a local time without offset, the
    whole value when it has an offset (the date pipeline converts it to London)."""
    value = record.text(key)
    if not value:
        return None
    match = _ISO_DATE.match(value)
    if not match:
        raise MalformedResponse(f"{record.path}.{key}: not an ISO date: {value[:40]!r}")
    return value if match[2] else match[1]


def _enum_text(record: Record, key: str) -> str:
    """An enum or code field, whether sent as its name or its number."""
    value = record.values.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise MalformedResponse(f"{record.path}.{key}: expected text or a number")


def _texts(record: Record, key: str) -> list[str]:
    """The envelope's `Errors`: strings by the spec; anything else is shown as it came."""
    return [str(value) for value in record.array(key) if value is not None]


def _plain(text: str) -> str:
    """Plain text from a field that may hold HTML; plain values skip the HTML parser."""
    if "<" in text and ">" in text:
        return html_to_text(text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
