"""UK Government and Parliament petitions (petition.parliament.uk) JSON.

Pure functions over JSON bytes; see FORMAT-petitions.md (next to this file) for the format
facts and where they come from (the site's own source code, alphagov/e-petitions).

What shapes the code below:

* The site serves the same petition record (`{type, id, links, attributes}`) in its lists
  and on its own `.json` page; only the detail adds signatures by constituency, country and
  region and "other parliamentary business", none of which the timeline uses. So a list page
  already holds everything: `parse_petition_list` returns the Documents too, and they equal
  what `parse_petition` makes of each petition's own page.
* Petitions of earlier Parliaments live under `/archived/petitions`, with the same
  attributes, `type: "archived-petition"` and the Parliament they belonged to. Ids are not
  shared between the two, so archived ones get their own document ids.
* Lists page by a `links.next` URL that the site builds itself (absolute, on
  petition.parliament.uk); it is kept as a path so the spider fetches it from its own base.
* Timestamps are UTC with milliseconds ("2016-10-05T09:12:44.000Z") and kept as given: the
  date pipeline moves them to London time. Plain dates ("2017-03-13") are kept as given too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.reading import Record, load_json_record, snippet

PUBLIC_SITE = "https://petition.parliament.uk"
SUMMARY_CHARS = 300
#: The largest page the site serves (`count`; its default is 25).
MAX_COUNT = 50
PETITION_TYPES = {"petition": False, "archived-petition": True}

_ISO_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
#: Transcripts of debates: Hansard's site, or Hansard as printed on publications.parliament.uk
#: (older debates). The site also accepts other *.parliament.uk addresses, which are not.
_HANSARD = re.compile(
    r"^https?://(?:hansard\.parliament\.uk/|(?:www\.)?publications\.parliament\.uk/pa/\S*hansrd)",
    re.IGNORECASE,
)
_LIST_PATHS = ("/petitions.json", "/archived/petitions.json")


@dataclass(frozen=True)
class PetitionPage:
    """One page of `/petitions.json` or `/archived/petitions.json`.

    `paths` are the petitions' own `.json` pages (paths, no host); `next` is the next page
    as a path, None on the last page. `documents` are the petitions as Documents, read from
    the list itself.
    """

    ids: list[int]
    paths: list[str]
    next: str | None
    count: int
    documents: list[Document]


# --- URLs ------------------------------------------------------------------------------


def petitions_search_path(
    query: str,
    *,
    state: str = "all",
    page: int = 1,
    archived: bool = False,
    parliament: int | None = None,
    count: int | None = None,
) -> str:
    """The path of one page of petitions matching `query` (`q`), in any `state`.

    Archived searches cover one earlier Parliament at a time: the latest one unless
    `parliament` (the site's Parliament id) says otherwise. A query of digits alone is
    answered with a redirect to the petition of that number, so it is refused here.
    `count` is the page size (the site's default 25, at most `MAX_COUNT`).
    """
    text = " ".join(query.split())
    if text.isdigit():
        raise ValueError("a query of digits only is redirected to that petition, not searched")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT}")
    params: list[tuple[str, Any]] = [("q", text), ("state", state)]
    if archived and parliament is not None:
        params.append(("parliament", parliament))
    if page > 1:
        params.append(("page", page))
    if count is not None:
        params.append(("count", count))
    base = "/archived/petitions.json" if archived else "/petitions.json"
    return f"{base}?{urlencode(params)}"


def petition_path(petition_id: int, *, archived: bool = False) -> str:
    """The path of one petition's JSON page."""
    return f"{'/archived' if archived else ''}/petitions/{petition_id}.json"


def petition_url(petition_id: int, *, archived: bool = False) -> str:
    """The petition's public page."""
    return f"{PUBLIC_SITE}{'/archived' if archived else ''}/petitions/{petition_id}"


def next_page_path(page: PetitionPage) -> str | None:
    """Where to read the next page from, or None to stop: on the last page (no `next`
    link) and on an empty page whatever the links say."""
    return page.next if page.count else None


# --- parsers ---------------------------------------------------------------------------


def parse_petition_list(body: bytes) -> PetitionPage:
    """Read one page of a petitions list: ids, their JSON paths, the next page, Documents.

    Raises MalformedResponse for an HTML page, truncated JSON, a body without `data` and
    `links`, a `next` link that is not a petitions list, or an entry of the wrong shape.
    """
    what = "Petitions list"
    data = load_json_record(body, what)
    links = data.required_record("links")
    if "data" not in data:
        raise MalformedResponse(f"{what}: no 'data' list")
    entries = data.required_records("data")
    documents = [_petition_document(entry) for entry in entries]
    ids = [doc.metadata["petition_id"] for doc in documents]
    paths = [
        petition_path(doc.metadata["petition_id"], archived=doc.metadata["archived"])
        for doc in documents
    ]
    following = _list_path(links, "next", what)
    if following is not None and following == _list_path(links, "self", what):
        following = None  # a page that names itself as next would loop forever
    return PetitionPage(ids, paths, following, len(entries), documents)


def parse_petition(body: bytes) -> Document:
    """Turn a petition's own JSON page (current or archived) into a Document."""
    data = load_json_record(body, "Petition")
    return _petition_document(data.required_record("data"))


# --- the document ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Response:
    """The Government's response: its summary, its full text and the day it was given."""

    summary: str
    details: str
    date: str | None


@dataclass(frozen=True)
class _Debate:
    """A debate on the petition: the record itself (for its links), its overview, the
    transcript's address and the day it was held (None while not yet held)."""

    record: Record
    overview: str
    transcript: str
    date: str | None


@dataclass(frozen=True)
class _Petition:
    """The fields of one petition record its Document is made of. Reading them all in one
    place, in a fixed order, keeps the pieces that compose the Document short and makes a
    record with several bad fields always fail on the same one."""

    id: int
    archived: bool
    attributes: Record
    action: str
    background: str
    details: str
    note: str
    state: str
    rejection: Record | None
    opened: str | None
    response: _Response | None
    debate: _Debate | None
    scheduled: str | None
    signature_count: int | None


def _petition_document(entry: Record) -> Document:
    """A petition record as a Document.

    Events: opened (when it started collecting signatures), the Government's response,
    the debate, and a scheduled debate not yet held (kind `petition_debated`, key
    `scheduled`, so the held debate never duplicates it).
    """
    petition = _read_petition(entry)
    petition_id, archived = petition.id, petition.archived
    return Document(
        id=f"petitions:archived/{petition_id}" if archived else f"petitions:{petition_id}",
        source="petitions",
        doc_type="petition",
        title=petition.action,
        url=petition_url(petition_id, archived=archived),
        summary=snippet(petition.background or petition.action, SUMMARY_CHARS),
        body=_petition_body(petition),
        events=_petition_events(petition),
        metadata=_petition_metadata(petition, entry),
    )


def _read_petition(entry: Record) -> _Petition:
    """Every field of a petition record (current or archived) that its Document shows."""
    kind = entry.required_text("type")
    if kind not in PETITION_TYPES:
        raise MalformedResponse(f"{entry.path}.type: not a petition: {kind[:40]!r}")
    petition_id = entry.required_integer("id")
    attributes = entry.required_record("attributes")
    action = _plain(attributes.required_text("action"))
    background = _plain(attributes.text("background"))
    details = _plain(attributes.text("additional_details"))
    note = _plain(attributes.text("committee_note"))
    state = attributes.text("state")
    response = attributes.record("government_response")
    debate = attributes.record("debate")
    rejection = attributes.record("rejection")
    opened = _date(attributes, "opened_at")
    return _Petition(
        id=petition_id,
        archived=PETITION_TYPES[kind],
        attributes=attributes,
        action=action,
        background=background,
        details=details,
        note=note,
        state=state,
        rejection=rejection,
        opened=opened,
        response=_read_response(response, attributes) if response else None,
        debate=_read_debate(debate) if debate else None,
        scheduled=_date(attributes, "scheduled_debate_date"),
        signature_count=attributes.integer("signature_count"),
    )


def _read_response(response: Record, attributes: Record) -> _Response:
    """The response's texts and its date: the day it was given, else when it was written
    up, else the petition's own `government_response_at`."""
    summary = _plain(response.text("summary"))
    details = _plain(response.text("details"))
    responded = (
        _date(response, "responded_on")
        or _date(response, "created_at")
        or _date(attributes, "government_response_at")
    )
    return _Response(summary, details, responded)


def _read_debate(debate: Record) -> _Debate:
    """The debate as the timeline shows it; its other links are read for the metadata."""
    overview = _plain(debate.text("overview"))
    transcript = _web_address(debate.text("transcript_url"))
    return _Debate(debate, overview, transcript, _date(debate, "debated_on"))


def _petition_events(petition: _Petition) -> list[Event]:
    """The petition's events, in the order they happen (see `_petition_document`). Each
    title names the petition: on a campaign's timeline the event stands alone."""
    events: list[Event] = []
    action = petition.action
    if petition.opened:
        events.append(
            Event(kind="petition_opened", date=petition.opened, title=f"Petition opened: {action}")
        )
    response = petition.response
    if response and response.date:
        events.append(
            Event(
                kind="petition_response",
                date=response.date,
                title=f"Government responded to the petition: {action}",
                summary=snippet(response.summary, SUMMARY_CHARS),
            )
        )
    debate = petition.debate
    if debate and debate.date:
        events.append(_debate_event(debate, debate.date, action))
    elif petition.scheduled:
        events.append(
            Event(
                kind="petition_debated",
                date=petition.scheduled,
                key="scheduled",
                title=f"Debate scheduled on the petition: {action}",
                summary="Parliament has scheduled a debate on this petition.",
            )
        )
    return events


def _debate_event(debate: _Debate, debated: str, action: str) -> Event:
    """The debate held, linked to its transcript only when that is on Hansard: the site
    accepts other addresses, which are not transcripts."""
    return Event(
        kind="petition_debated",
        date=debated,
        title=f"Petition debated in Parliament: {action}",
        summary=snippet(debate.overview, SUMMARY_CHARS),
        url=debate.transcript if _HANSARD.match(debate.transcript) else "",
    )


def _petition_body(petition: _Petition) -> str:
    """The searchable text: what the petition asks and why, then what became of it (its
    rejection, the Government's response, the debate) and the Petitions Committee's note."""
    lines = [petition.action]
    if petition.background:
        lines.append(petition.background)
    if petition.details:
        lines.append(petition.details)
    rejection = petition.rejection
    if rejection:
        reason = _plain(rejection.text("details")) or _enum_text(rejection, "code")
        lines.append(f"Rejected: {reason}" if reason else "Rejected.")
    if petition.response:
        lines.append(_response_text(petition.response))
    debate = petition.debate
    if debate and (debate.overview or debate.date):
        when = f" ({debate.date})" if debate.date else ""
        lines.append(f"Debate{when}:\n{debate.overview}" if debate.overview else f"Debated{when}.")
    if petition.note:
        lines.append(f"Petitions Committee note: {petition.note}")
    return "\n\n".join(lines)


def _response_text(response: _Response) -> str:
    """The response as a paragraph of the body, headed by its date when it has one."""
    when = f" ({response.date})" if response.date else ""
    text = "\n".join(part for part in (response.summary, response.details) if part)
    return f"Government response{when}:\n{text}" if text else f"Government response{when}."


def _petition_metadata(petition: _Petition, entry: Record) -> dict[str, Any]:
    """What is stored beside the text: the petition's state, count and milestone dates, its
    departments and topics, the debate's links and an archived petition's Parliament."""
    attributes, rejection = petition.attributes, petition.rejection
    parliament = entry.record("parliament")
    return {
        "petition_id": petition.id,
        "archived": petition.archived,
        "state": petition.state,
        "signature_count": petition.signature_count,
        "opened_at": petition.opened,
        "closed_at": _date(attributes, "closed_at"),
        "closing_date": _date(attributes, "closing_date"),
        "rejected_at": _date(attributes, "rejected_at"),
        "rejection": {"code": _enum_text(rejection, "code")} if rejection else None,
        "response_threshold_reached_at": _date(attributes, "response_threshold_reached_at"),
        "debate_threshold_reached_at": _date(attributes, "debate_threshold_reached_at"),
        "government_response_at": _date(attributes, "government_response_at"),
        "debate_scheduled_on": _date(attributes, "debate_scheduled_on"),
        "scheduled_debate_date": petition.scheduled,
        "departments": [_department(d) for d in attributes.records("departments")],
        "topics": attributes.texts("topics"),
        "debate": _debate_links(petition.debate),
        "parliament": _parliament(parliament) if parliament else None,
    }


def _debate_links(debate: _Debate | None) -> dict[str, Any] | None:
    """The debate's date and its links: transcript, video, debate pack and the rest."""
    if debate is None:
        return None
    keys = (
        "transcript_url",
        "video_url",
        "debate_pack_url",
        "public_engagement_url",
        "debate_summary_url",
    )
    links: dict[str, Any] = {key: _web_address(debate.record.text(key)) for key in keys}
    links["debated_on"] = debate.date
    return links


def _department(record: Record) -> dict[str, str]:
    return {
        "acronym": record.text("acronym"),
        "name": record.text("name"),
        "url": _web_address(record.text("url")),
    }


def _parliament(record: Record) -> dict[str, Any]:
    """The earlier Parliament an archived petition belongs to and its thresholds."""
    return {
        "period": record.text("period"),
        "government": record.text("government"),
        "dissolution_at": _date(record, "dissolution_at"),
        "response_threshold": _count(record, "response_threshold"),
        "debate_threshold": _count(record, "debate_threshold"),
    }


# --- pieces ----------------------------------------------------------------------------


def _list_path(links: Record, key: str, what: str) -> str | None:
    """A list link as a path with its query, or None; anything but a petitions list page
    is refused, so a changed site cannot send the spider elsewhere."""
    value = links.text(key)
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("", "http", "https") or parts.path not in _LIST_PATHS:
        raise MalformedResponse(f"{what}: links.{key} is not a petitions list: {value[:80]!r}")
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _date(record: Record, key: str) -> str | None:
    """An ISO date or timestamp, as given; None when missing or null."""
    value = record.text(key)
    if not value:
        return None
    if not _ISO_DATE.match(value):
        raise MalformedResponse(f"{record.path}.{key}: not an ISO date: {value[:40]!r}")
    return value


def _count(record: Record, key: str) -> int | None:
    """A number the site may send as a number or as text (the archived Parliament's
    thresholds)."""
    value = record.values.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise MalformedResponse(f"{record.path}.{key}: expected a whole number")


def _enum_text(record: Record, key: str) -> str:
    value = record.values.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise MalformedResponse(f"{record.path}.{key}: expected text")


def _plain(text: str) -> str:
    """Petition text is plain (the site turns Markdown into text before sending it): tidy
    spaces, keep paragraphs."""
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n".join(p for p in paragraphs if p)


def _web_address(value: str) -> str:
    return value if value.lower().startswith(("https://", "http://")) else ""
