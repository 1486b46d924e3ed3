"""UK Parliament Committees API (committees-api.parliament.uk): publications, written evidence.

Pure functions over JSON bytes, so a spider stays a thin fetch loop and these can be tested
against fixtures. See FORMAT-committees.md (next to this file) for the format facts and where
they come from.

What shapes the code below:

* Both list endpoints answer with the same `ResourceCollection` envelope
  (`{items, totalResults, itemsPerPage, links}`) and page by Skip/Take offsets, so one
  `next_skip` serves both. The list items already carry everything a `Document` needs (the
  committee, the inquiry, the paper number, the documents), so no detail fetch is needed.
* A publication is a report, a government response, a letter...: its kind on the timeline
  is chosen from the publication type's *name* (`publication_kind`), because the type ids
  are not documented anywhere we could read.
* The API's publication records have no page of their own on the committees website (the
  bare `/publications/<id>/` address is reported to be a 404), so the public URL is the
  first document's `/publications/<id>/documents/<documentId>/default/` address.
* Dates are local midnights without an offset ("2016-10-20T00:00:00"): only the date part
  is kept, as the Statutory Instruments parser does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.reading import Record, html_to_text, load_json_record, snippet

PUBLIC_SITE = "https://committees.parliament.uk"
#: The API's own page size when `Take` is not sent (spec: "defaults to 30").
DEFAULT_TAKE = 30
SUMMARY_CHARS = 300


@dataclass(frozen=True)
class Committee:
    """A committee whose publications the timeline follows. `id` is the Committees API id,
    which is also the id in the committee's web address (`/committee/255/...`)."""

    id: int
    name: str
    house: str


#: The committees that scrutinise pupil-data legislation and policy. Ids from the committee
#: pages Parliament links to (see FORMAT-committees.md, "Committee ids").
COMMITTEES: dict[str, Committee] = {
    "slsc": Committee(255, "Secondary Legislation Scrutiny Committee", "Lords"),
    "jcsi": Committee(148, "Joint Committee on Statutory Instruments", "Joint"),
    "education": Committee(203, "Education Committee", "Commons"),
    "jchr": Committee(93, "Joint Committee on Human Rights", "Joint"),
}

#: Kinds chosen from the publication type name, first match wins. A government response
#: is tested before "report" because some are named "Government Response to ... Report".
_KIND_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("government_response", ("government response", "government's response")),
    ("committee_correspondence", ("correspondence", "letter")),
    ("committee_evidence", ("oral evidence", "evidence", "transcript")),
    ("committee_report", ("report",)),
)
#: What a publication whose type names none of the above (formal minutes, terms of
#: reference, a call for evidence...) is on the timeline.
OTHER_PUBLICATION_KIND = "committee_publication"

_ISO_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_FILE_EXTENSION = re.compile(r"\.(?:pdf|html?|docx?|odt|rtf|xlsx?|csv)$", re.IGNORECASE)


@dataclass(frozen=True)
class PublicationPage:
    """One page of `GET /api/Publications`.

    `count` is how many items the page held (dated or not): the next Skip is `skip + count`.
    `undated` lists the ids of items without a publication date, which are left out of
    `documents` (an event needs a date) rather than failing the whole page.
    """

    documents: list[Document]
    total: int
    count: int
    items_per_page: int | None = None
    undated: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class WrittenEvidencePage:
    """One page of `GET /api/WrittenEvidence`; the fields mean what they mean on
    `PublicationPage`."""

    documents: list[Document]
    total: int
    count: int
    items_per_page: int | None = None
    undated: list[int] = field(default_factory=list)


# --- URLs ------------------------------------------------------------------------------


def publications_path(
    *,
    committee_id: int | None = None,
    search_term: str | None = None,
    start_date: str | date | None = None,
    end_date: str | date | None = None,
    publication_type_ids: Iterable[int] = (),
    business_id: int | None = None,
    skip: int = 0,
    take: int = DEFAULT_TAKE,
) -> str:
    """The API path (no host) of one page of publications.

    `search_term` searches "publication description, metadata, and paper number" and must be
    at least two characters (the API refuses shorter ones). Dates are inclusive publication
    dates. `business_id` is an inquiry's id (the API's `CommitteeBusinessId`).
    """
    query: list[tuple[str, Any]] = []
    if committee_id is not None:
        query.append(("CommitteeId", committee_id))
    if business_id is not None:
        query.append(("CommitteeBusinessId", business_id))
    if search_term is not None:
        query.append(("SearchTerm", _search_term(search_term)))
    query.extend(("PublicationTypeIds", type_id) for type_id in publication_type_ids)
    query.extend(_date_range(start_date, end_date))
    query.extend((("Skip", skip), ("Take", take)))
    return f"/api/Publications?{urlencode(query)}"


def written_evidence_path(
    *,
    committee_id: int | None = None,
    search_term: str | None = None,
    start_date: str | date | None = None,
    end_date: str | date | None = None,
    business_id: int | None = None,
    skip: int = 0,
    take: int = DEFAULT_TAKE,
) -> str:
    """The API path of one page of written evidence. Its `SearchTerm` searches "witness
    names, organisation names, and submission identifiers", not the evidence's text."""
    query: list[tuple[str, Any]] = []
    if committee_id is not None:
        query.append(("CommitteeId", committee_id))
    if business_id is not None:
        query.append(("CommitteeBusinessId", business_id))
    if search_term is not None:
        query.append(("SearchTerm", _search_term(search_term)))
    query.extend(_date_range(start_date, end_date))
    query.extend((("Skip", skip), ("Take", take)))
    return f"/api/WrittenEvidence?{urlencode(query)}"


def publication_url(publication_id: int, document_id: int | None = None) -> str:
    """Public address of a publication's document. Without a document id it is the
    `/html/` rendition, which exists only for some publications (see the FORMAT notes)."""
    if document_id is None:
        return f"{PUBLIC_SITE}/publications/{publication_id}/html/"
    return f"{PUBLIC_SITE}/publications/{publication_id}/documents/{document_id}/default/"


def written_evidence_url(evidence_id: int, *, html: bool = False) -> str:
    """Public address of a piece of written evidence: its HTML page when the API lists an
    HTML file, otherwise the PDF."""
    return f"{PUBLIC_SITE}/writtenevidence/{evidence_id}/{'html' if html else 'pdf'}/"


def next_skip(page: PublicationPage | WrittenEvidencePage, skip: int) -> int | None:
    """The Skip for the next page, or None when this page was the last.

    An empty page always ends paging, so a wrong totalResults cannot loop forever.
    """
    if page.count == 0:
        return None
    following = skip + page.count
    return following if following < page.total else None


# --- parsers ---------------------------------------------------------------------------


def parse_publications_page(body: bytes) -> PublicationPage:
    """One page of `GET /api/Publications` as Documents, one per dated publication.

    Raises MalformedResponse for an HTML page, truncated JSON, a body that is not the
    `{items, totalResults}` envelope (an error's ProblemDetails, say) or an item whose
    fields have the wrong types.
    """
    items, total, per_page = _collection(body, "Committee publications")
    documents: list[Document] = []
    undated: list[int] = []
    for item in items:
        document = _publication_document(item)
        if document is None:
            undated.append(item.required_integer("id"))
        else:
            documents.append(document)
    return PublicationPage(documents, total, len(items), per_page, undated)


def parse_publication(body: bytes) -> Document:
    """One publication from `GET /api/Publications/{id}` (the bare record, no envelope)."""
    item = load_json_record(body, "Committee publication")
    document = _publication_document(item)
    if document is None:
        raise MalformedResponse("Committee publication: no publicationStartDate")
    return document


def parse_written_evidence_page(body: bytes) -> WrittenEvidencePage:
    """One page of `GET /api/WrittenEvidence` as Documents, one per dated submission."""
    items, total, per_page = _collection(body, "Written evidence")
    documents: list[Document] = []
    undated: list[int] = []
    for item in items:
        document = _evidence_document(item)
        if document is None:
            undated.append(item.required_integer("id"))
        else:
            documents.append(document)
    return WrittenEvidencePage(documents, total, len(items), per_page, undated)


def parse_written_evidence(body: bytes) -> Document:
    """One submission from `GET /api/WrittenEvidence/{id}` (the bare record)."""
    item = load_json_record(body, "Written evidence")
    document = _evidence_document(item)
    if document is None:
        raise MalformedResponse("Written evidence: no publicationDate")
    return document


def publication_kind(type_name: str) -> str:
    """The timeline kind for a publication type name as the API words it ("Report",
    "Special Report", "Government Response", "Correspondence"...)."""
    text = " ".join(type_name.lower().split())
    for kind, words in _KIND_RULES:
        if any(word in text for word in words):
            return kind
    return OTHER_PUBLICATION_KIND


# --- publications ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Publication:
    """The fields of one publication record its Document is made of. Reading them all in
    one place, in a fixed order, keeps the pieces that compose the Document short and makes
    a record with several bad fields always fail on the same one."""

    id: int
    published: str
    type_id: int | None
    type_name: str
    committee: dict[str, Any]
    description: str
    businesses: list[dict[str, Any]]
    papers: list[dict[str, str]]
    documents: list[dict[str, Any]]
    department: str
    deadline: str | None
    additional: str
    response_to: int | None
    response_ids: list[int]


def _publication_document(item: Record) -> Document | None:
    """A publication list item (or detail) as a Document; None when it has no date."""
    pub_id = item.required_integer("id")
    published = _date(item, "publicationStartDate")
    if published is None:
        return None
    pub = _read_publication(item, pub_id, published)
    label = pub.type_name or "Publication"
    by = f" by the {pub.committee['name']}" if pub.committee["name"] else ""
    title = pub.description or f"{label} {pub_id}"
    url, url_kind = _publication_link(pub)
    summary = f"{label}{by}: {pub.description}" if pub.description else title
    kind = _publication_event_kind(pub)
    return Document(
        id=f"committees:publication/{pub_id}",
        source="committees",
        doc_type="committee_publication",
        title=title,
        url=url,
        summary=snippet(summary, SUMMARY_CHARS),
        body=_publication_body(pub, label, by),
        events=[
            Event(
                kind=kind,
                date=published,
                title=_event_title(kind, label, pub.committee["name"]),
                summary=snippet(pub.description, SUMMARY_CHARS),
            )
        ],
        metadata=_publication_metadata(pub, url_kind),
    )


#: How an event's title joins a publication to its committee: a report is by the
#: committee, a letter is to or from it, a government response answers it.
_TO_THE_COMMITTEE = {"committee_correspondence": "with", "government_response": "to"}


def _event_title(kind: str, label: str, committee: str) -> str:
    """ "Report by the Secondary Legislation Scrutiny Committee", "Correspondence with the
    ...", "Government Response to the Education Committee"."""
    if not committee:
        return label
    return f"{label} {_TO_THE_COMMITTEE.get(kind, 'by')} the {committee}"


def _read_publication(item: Record, pub_id: int, published: str) -> _Publication:
    """Every field of a dated publication record that its Document shows or stores."""
    type_record = item.record("type")
    type_name = type_record.text("name") if type_record else ""
    type_id = type_record.integer("id") if type_record else None
    committee = _committee(item.record("committee"))
    description = _plain(item.text("description"))
    businesses = [_business(b) for b in item.records("businesses")]
    papers = [
        p
        for p in (_paper(item.record("hcNumber"), "HC"), _paper(item.record("hlPaper"), "HL"))
        if p
    ]
    documents = _documents(pub_id, item.records("documents"))
    department = item.record("respondingDepartment")
    department_name = department.text("name") if department else ""
    responses = item.record("governmentResponses")
    return _Publication(
        id=pub_id,
        published=published,
        type_id=type_id,
        type_name=type_name,
        committee=committee,
        description=description,
        businesses=businesses,
        papers=papers,
        documents=documents,
        department=department_name,
        deadline=_date(responses, "responseDeadline") if responses else None,
        additional=_web_address(item.text("additionalContentUrl")),
        response_to=item.integer("responseToPublicationId"),
        response_ids=_response_ids(responses),
    )


def _publication_event_kind(pub: _Publication) -> str:
    """The event's kind, from the type name; but a publication that answers another one and
    names a responding department is a government response even when its type does not say
    so."""
    kind = publication_kind(pub.type_name)
    if kind == OTHER_PUBLICATION_KIND and pub.department and pub.response_to:
        return "government_response"
    return kind


def _publication_link(pub: _Publication) -> tuple[str, str]:
    """The public URL and what it is. A publication has no page of its own, so: its first
    document's page, else its additional content, else the `/html/` rendition (a guess)."""
    document_url = next((d["url"] for d in pub.documents if d["url"]), "")
    if document_url:
        return document_url, "document"
    if pub.additional:
        return pub.additional, "additional_content"
    return publication_url(pub.id), "html_guess"


def _publication_body(pub: _Publication, label: str, by: str) -> str:
    """The searchable text: the description, then what was published by whom and when, the
    inquiries, paper numbers, responding department and document titles."""
    lines = [pub.description] if pub.description else []
    lines.append(f"{label} published{by} on {pub.published}.")
    lines.extend(f"Inquiry: {b['title']}" for b in pub.businesses if b["title"])
    lines.extend(f"Paper: {paper['label']}" for paper in pub.papers)
    if pub.department:
        lines.append(f"Responding department: {pub.department}")
    titles = [d["title"] for d in pub.documents if d["title"]]
    if titles:
        lines.append("Documents: " + "; ".join(titles))
    return "\n".join(lines)


def _publication_metadata(pub: _Publication, url_kind: str) -> dict[str, Any]:
    """What is stored beside the text. The first inquiry is also stored on its own, as the
    one inquiry most publications have."""
    first_business = pub.businesses[0] if pub.businesses else {"id": None, "title": ""}
    papers = pub.papers
    return {
        "api_id": pub.id,
        "committee": pub.committee,
        "publication_type": {"id": pub.type_id, "name": pub.type_name},
        "business_id": first_business["id"],
        "business_title": first_business["title"],
        "businesses": pub.businesses,
        "hc_number": next((p["label"] for p in papers if p["house"] == "HC"), ""),
        "hl_paper": next((p["label"] for p in papers if p["house"] == "HL"), ""),
        "session": next((p["session"] for p in papers if p["session"]), ""),
        "documents": pub.documents,
        "url_kind": url_kind,
        "additional_content_url": pub.additional,
        "responding_department": pub.department,
        "response_to_publication_id": pub.response_to,
        "government_response_ids": pub.response_ids,
        "government_response_deadline": pub.deadline,
        "publication_start_date": pub.published,
    }


def _documents(pub_id: int, documents: list[Record]) -> list[dict[str, Any]]:
    """Each document's title (its first file's name, without the extension: the API gives
    documents no title), public address and file formats."""
    out = []
    for doc in documents:
        doc_id = doc.integer("documentId")
        files = doc.records("files")
        names = [f.text("fileName") for f in files]
        formats = [_enum_text(f, "fileDataFormat") for f in files]
        name = next((n for n in names if n), "")
        out.append(
            {
                "document_id": doc_id,
                "title": _FILE_EXTENSION.sub("", name).strip(),
                "url": publication_url(pub_id, doc_id) if doc_id is not None else "",
                "formats": [f for f in formats if f],
            }
        )
    return out


def _response_ids(responses: Record | None) -> list[int]:
    if responses is None:
        return []
    ids = (r.integer("id") for r in responses.records("publication"))
    return [i for i in ids if i is not None]


# --- written evidence ------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    """The fields of one written evidence record its Document is made of, read in one place
    and in a fixed order (as `_Publication` is, for the same reasons)."""

    id: int
    published: str
    anonymous: bool
    witnesses: list[dict[str, Any]]
    names: list[str]
    committees: list[dict[str, Any]]
    business: dict[str, Any]
    reference: str
    paper: dict[str, str] | None
    document_id: int | None
    formats: list[str]


def _evidence_document(item: Record) -> Document | None:
    """A written evidence item as a Document; None when it has no publication date."""
    evidence_id = item.required_integer("id")
    published = _date(item, "publicationDate")
    if published is None:
        return None
    evidence = _read_evidence(item, evidence_id, published)
    title = _evidence_title(evidence)
    summary = _evidence_summary(evidence)
    has_html = any(f.lower() == "html" for f in evidence.formats)
    return Document(
        id=f"committees:written-evidence/{evidence_id}",
        source="committees",
        doc_type="committee_evidence",
        title=title,
        url=written_evidence_url(evidence_id, html=has_html),
        summary=snippet(summary, SUMMARY_CHARS),
        body=_evidence_body(evidence, title, summary),
        events=[Event(kind="committee_evidence", date=published, summary=snippet(summary, 300))],
        metadata=_evidence_metadata(evidence),
    )


def _read_evidence(item: Record, evidence_id: int, published: str) -> _Evidence:
    """Every field of a dated written evidence record that its Document shows or stores.
    An anonymous submission's witnesses are not read: its names are the text the API gives
    in their place."""
    anonymous = item.boolean("anonymous") is True
    witnesses = [] if anonymous else [_witness(w) for w in item.records("witnesses")]
    names = [w["display"] for w in witnesses if w["display"]]
    if anonymous:
        names = [item.text("anonymousWitnessText") or "Anonymous"]
    committees = [_committee(c) for c in item.records("committees")]
    business_record = item.record("committeeBusiness")
    business = _business(business_record) if business_record else {"id": None, "title": ""}
    reference = item.text("internalReference")
    paper = _paper(item.record("hcNumber"), "HC")
    document = item.record("document")
    formats = (
        [_enum_text(f, "fileDataFormat") for f in document.records("files")] if document else []
    )
    return _Evidence(
        id=evidence_id,
        published=published,
        anonymous=anonymous,
        witnesses=witnesses,
        names=names,
        committees=committees,
        business=business,
        reference=reference,
        paper=paper,
        document_id=document.integer("documentId") if document else None,
        formats=formats,
    )


def _evidence_title(evidence: _Evidence) -> str:
    """The title, such as "Written evidence from Jo Bloggs (Director, Example Trust)
    (PDS0012)": who sent it, and its reference, which is how committees cite a submission."""
    names = evidence.names
    title = f"Written evidence from {', '.join(names)}" if names else "Written evidence"
    return f"{title} ({evidence.reference})" if evidence.reference else title


def _evidence_summary(evidence: _Evidence) -> str:
    """One sentence saying to which committees and for which inquiry it was sent, and when
    it was published."""
    committee_names = [c["name"] for c in evidence.committees if c["name"]]
    to = f" to the {' and the '.join(committee_names)}" if committee_names else ""
    business_title = evidence.business["title"]
    about = f" for the inquiry {business_title}" if business_title else ""
    return f"Written evidence{to}{about}, published {evidence.published}."


def _evidence_body(evidence: _Evidence, title: str, summary: str) -> str:
    """The searchable text: title and summary, what each witness added about themselves,
    and the paper number. The evidence's own text is in its document, not in the API."""
    lines = [title, summary]
    for witness in evidence.witnesses:
        if witness["context"]:
            lines.append(f"{witness['display']}: {witness['context']}")
    if evidence.paper:
        lines.append(f"Paper: {evidence.paper['label']}")
    return "\n".join(lines)


def _evidence_metadata(evidence: _Evidence) -> dict[str, Any]:
    """What is stored beside the text. The first committee is also stored on its own, as
    the one committee most submissions go to."""
    committees = evidence.committees
    return {
        "api_id": evidence.id,
        "witnesses": evidence.names,
        "witness_details": evidence.witnesses,
        "anonymous": evidence.anonymous,
        "committees": committees,
        "committee": committees[0] if committees else None,
        "business_id": evidence.business["id"],
        "business_title": evidence.business["title"],
        "reference": evidence.reference,
        "hc_number": evidence.paper["label"] if evidence.paper else "",
        "document_id": evidence.document_id,
        "formats": [f for f in evidence.formats if f],
        "publication_date": evidence.published,
    }


def _witness(submitter: Record) -> dict[str, Any]:
    """A witness as readers see it: "Jo Bloggs (Director, Example Trust)", or the
    organisation's name alone when it submitted in its own name."""
    name = submitter.text("name")
    organisations = []
    for org in submitter.records("organisations"):
        org_name, role = org.text("name"), org.text("role")
        if org_name:
            organisations.append({"name": org_name, "role": role})
    described = [
        ", ".join(part for part in (org["role"], org["name"]) if part)
        for org in organisations
        if org["name"] != name
    ]
    display = f"{name} ({'; '.join(described)})" if name and described else name
    if not display and organisations:
        display = "; ".join(o["name"] for o in organisations)
    return {
        "name": name,
        "display": display,
        "organisations": organisations,
        "submitter_type": _enum_text(submitter, "submitterType"),
        "context": _plain(submitter.text("additionalContext")),
    }


# --- shared pieces ---------------------------------------------------------------------


def _collection(body: bytes, what: str) -> tuple[list[Record], int, int | None]:
    """The items of a `ResourceCollection` envelope, its totalResults and itemsPerPage."""
    data = load_json_record(body, what)
    if "items" not in data.values:
        raise MalformedResponse(f"{what}: no 'items' list (not a ResourceCollection envelope)")
    total = data.integer("totalResults")
    if total is None:
        raise MalformedResponse(f"{what}: 'totalResults' missing")
    return data.records("items"), total, data.integer("itemsPerPage")


def _committee(record: Record | None) -> dict[str, Any]:
    if record is None:
        return {"id": None, "name": "", "house": ""}
    return {
        "id": record.integer("id"),
        "name": record.text("name"),
        "house": _enum_text(record, "house"),
    }


def _business(record: Record) -> dict[str, Any]:
    """A committee business (an inquiry, usually): its id and title."""
    return {"id": record.integer("id"), "title": record.text("title")}


def _paper(record: Record | None, house: str) -> dict[str, str] | None:
    """A House paper number as cited: "HC 123" or "HL Paper 45", with its session."""
    if record is None:
        return None
    number = record.text("number")
    if not number:
        return None
    session = record.text("sessionDescription")
    if number.upper().startswith(house):
        label = number
    else:
        label = f"HL Paper {number}" if house == "HL" else f"HC {number}"
    if session:
        label = f"{label} ({session})"
    return {"house": house, "label": label, "session": session}


def _date(record: Record, key: str) -> str | None:
    """An ISO date or datetime field: the date part when it has no offset (a local
    midnight), the whole value when it has one (the date pipeline converts it to London)."""
    value = record.text(key)
    if not value:
        return None
    match = _ISO_DATE.match(value)
    if not match:
        raise MalformedResponse(f"{record.path}.{key}: not an ISO date: {value[:40]!r}")
    return value if match[2] else match[1]


def _enum_text(record: Record, key: str) -> str:
    """An enum field: text by the spec, but an integer is accepted too (ASP.NET serialises
    enums as numbers unless told otherwise)."""
    value = record.values.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise MalformedResponse(f"{record.path}.{key}: expected text or a number")


def _search_term(term: str) -> str:
    text = " ".join(term.split())
    if len(text) < 2:
        raise ValueError("the Committees API needs a SearchTerm of at least 2 characters")
    return text


def _date_range(start: str | date | None, end: str | date | None) -> list[tuple[str, str]]:
    out = []
    if start is not None:
        out.append(("StartDate", str(start)))
    if end is not None:
        out.append(("EndDate", str(end)))
    return out


def _plain(text: str) -> str:
    """Plain text from a field that may hold HTML; plain values skip the HTML parser."""
    if "<" in text and ">" in text:
        return html_to_text(text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _web_address(value: str) -> str:
    return value if value.lower().startswith(("https://", "http://")) else ""
