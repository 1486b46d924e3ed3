"""legislation.gov.uk formats: CLML `data.xml` documents and Atom search/listing feeds.

Pure functions over bytes, so the spider stays a thin fetch loop and these can be tested
against fixtures. See FORMAT-legislation.md (next to this file) for the format facts and
where they come from.

Two things shape most of the code below:

* A made instrument states each date twice: as a machine date in the metadata
  (`ukm:Made/@Date`, `ukm:Laid/@Date`, `ukm:ComingIntoForce/ukm:DateTime/@Date`) and as
  printed text in the prelims ("Made 18th July 2016"). The machine date is preferred; the
  text is the fallback because older or revised documents often lack the metadata.
* Every URI inside the XML is `http://www.legislation.gov.uk/...` (even when served over
  https, or from a mirror), so public URLs are rebuilt from the type/year/number path
  rather than copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.reading import load_xml

LEG_NS = "http://www.legislation.gov.uk/namespaces/legislation"
UKM_NS = "http://www.legislation.gov.uk/namespaces/metadata"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCT_NS = "http://purl.org/dc/terms/"
ATOM_NS = "http://www.w3.org/2005/Atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"

NS = {
    "leg": LEG_NS,
    "ukm": UKM_NS,
    "dc": DC_NS,
    "dct": DCT_NS,
    "atom": ATOM_NS,
    "openSearch": OPENSEARCH_NS,
}

PUBLIC_HOST = "https://www.legislation.gov.uk"

# ukm:DocumentMainType -> URI type code, from the legislation.gov.uk URI schema reference.
MAIN_TYPE_CODES: dict[str, str] = {
    "UnitedKingdomPublicGeneralAct": "ukpga",
    "UnitedKingdomLocalAct": "ukla",
    "UnitedKingdomPrivateOrPersonalAct": "ukppa",
    "GreatBritainLocalAct": "gbla",
    "GreatBritainAct": "apgb",
    "GreatBritainPrivateOrPersonalAct": "gbppa",
    "EnglandAct": "aep",
    "ScottishOldAct": "aosp",
    "ScottishAct": "asp",
    "IrelandAct": "aip",
    "NorthernIrelandParliamentAct": "apni",
    "NorthernIrelandAssemblyMeasure": "mnia",
    "NorthernIrelandAct": "nia",
    "UnitedKingdomChurchMeasure": "ukcm",
    "WelshAssemblyMeasure": "mwa",
    "WelshNationalAssemblyAct": "anaw",
    "WelshParliamentAct": "asc",
    "UnitedKingdomStatutoryInstrument": "uksi",
    "ScottishStatutoryInstrument": "ssi",
    "WelshStatutoryInstrument": "wsi",
    "NorthernIrelandStatutoryRule": "nisr",
    "UnitedKingdomChurchInstrument": "ukci",
    "NorthernIrelandOrderInCouncil": "nisi",
    "UnitedKingdomMinisterialOrder": "ukmo",
    "UnitedKingdomMinisterialDirection": "ukmd",
    "NorthernIrelandStatutoryRuleOrOrder": "nisro",
    "UnitedKingdomStatutoryRuleOrOrder": "uksro",
    "UnitedKingdomDraftStatutoryInstrument": "ukdsi",
    "ScottishDraftStatutoryInstrument": "sdsi",
    "NorthernIrelandDraftStatutoryRule": "nidsr",
    "NorthernIrelandDraftOrderInCouncil": "nidsi",
    "WelshDraftStatutoryInstrument": "wdsi",
    "EuropeanUnionRegulation": "eur",
    "EuropeanUnionDecision": "eudn",
    "EuropeanUnionDirective": "eudr",
}
TYPE_CODES = frozenset(MAIN_TYPE_CODES.values())

# Versions that name the text as first made/enacted; those are worth keeping in a URL.
# Dated point-in-time versions are not: they go stale, the undated URL does not.
ORIGINAL_VERSIONS = ("made", "enacted", "created", "adopted")

_HOST_RE = re.compile(r"^(?:www\.)?legislation\.gov\.uk$|^legislation\.data\.gov\.uk$")
# type / year (calendar, or regnal such as Edw7/7) / number, optionally after /id/ and /cy/.
_PATH_RE = re.compile(
    r"^/(?:(?:id|cy|en)/)*(?P<type>[a-z]+)/(?P<year>\d{4}|[A-Z][A-Za-z]*\d*/[\d-]+)/"
    r"(?P<number>\d+)(?P<rest>(?:/[^?#]*)?)$"
)
# Elements whose text runs on inside a sentence; every other element is a block and is
# separated from its neighbours. CLML puts label and date in sibling elements with no
# whitespace between them (<Text>Made</Text><DateText>18th July 2016</DateText>), so
# joining text nodes blindly would produce "Made18th July 2016".
_INLINE = frozenset(
    {
        "Emphasis",
        "Strong",
        "Underline",
        "SmallCaps",
        "Superior",
        "Inferior",
        "Uppercase",
        "Expanded",
        "Strike",
        "Citation",
        "CitationSubRef",
        "Abbreviation",
        "Acronym",
        "Term",
        "Addition",
        "Substitution",
        "Repeal",
        "CommentaryRef",
        "FootnoteRef",
        "MarginNoteRef",
        "InternalLink",
        "ExternalLink",
        "Span",
        "Character",
    }
)
# Parts of a CLML document that are not the instrument's own words.
_SKIP_FOR_BODY = frozenset({"Metadata", "Contents", "Commentaries"})
# A sentence ends before a capital, bracket or opening quote (curly quotes as escapes).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'\u201c\u2018])")
_YEAR_RE = re.compile(r"\b(1[89]|20)\d\d\b")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class AtomPage:
    """One page of a legislation.gov.uk Atom feed, reduced to what a crawler needs.

    `next_url` is the feed's own `rel="next"` link, verbatim (it uses http:// and the
    feed's query string); None on the last page. `titles` maps each id to its entry title
    so a spider can log what it skipped.
    """

    legislation_ids: list[str]
    next_url: str | None
    total_results: int | None
    titles: dict[str, str] = field(default_factory=dict)


def legislation_id_from_url(url: str) -> str | None:
    """Reduce any legislation.gov.uk URL or identifier URI to "type/year/number".

    Feeds give `/id/` URIs, documents give `/made` document URIs, spiders see https
    data.xml URLs; all of them must key the same document. Returns None for anything
    that is not an item of legislation (search pages, other hosts, unknown types).
    """
    if not url:
        return None
    text = url.strip()
    if "://" not in text:
        text = "http://www.legislation.gov.uk/" + text.lstrip("/")
    parts = urlsplit(text)
    if not _HOST_RE.match((parts.hostname or "").lower()):
        return None
    match = _PATH_RE.match(parts.path)
    if not match or match["type"] not in TYPE_CODES:
        return None
    return f"{match['type']}/{match['year']}/{int(match['number'])}"


def canonical_url(legislation_id: str, version: str | None = None) -> str:
    """Public https URL for an item, optionally of its made/enacted version.

    Built rather than copied because the XML only ever carries http:// URIs.
    """
    url = f"{PUBLIC_HOST}/{legislation_id}"
    return f"{url}/{version}" if version else url


def parse_clml(body: bytes) -> Document:
    """Parse a CLML `data.xml` document for one item of legislation into a `Document`.

    Raises MalformedResponse for a CDN/HTML page, truncated XML, or XML that is not a
    CLML item with a type, year and number: storing half a document would be worse than
    reporting the URL as failed.
    """
    root = load_xml(body, "CLML")
    if root.tag != f"{{{LEG_NS}}}Legislation":
        raise MalformedResponse(
            f"not CLML: root element is {_local(root.tag)!r}, expected 'Legislation' in "
            f"the {LEG_NS} namespace"
        )
    meta, kind_meta = _metadata_blocks(root)
    leg_id = _legislation_id(root, meta, kind_meta)
    prelims = root.find(".//leg:SecondaryPrelims", NS)
    explanatory_note = _explanatory_note(root)
    events, in_force_wording = _events(kind_meta, prelims)
    metadata = _instrument_metadata(leg_id, meta, kind_meta, prelims, explanatory_note)
    if in_force_wording:
        metadata["coming_into_force_text"] = in_force_wording
    document_uri = root.get("DocumentURI") or _text(meta.find("dc:identifier", NS))
    return Document(
        id=f"legislation:{leg_id}",
        source="legislation",
        doc_type="statutory_instrument",
        title=_text(meta.find("dc:title", NS))
        or _text(root.find(".//leg:SecondaryPrelims/leg:Title", NS)),
        url=canonical_url(leg_id, _original_version(document_uri)),
        summary=_text(meta.find("dc:description", NS)) or _first_sentence(explanatory_note),
        body=_body_text(root),
        events=events,
        metadata=metadata,
    )


def _metadata_blocks(root: etree._Element) -> tuple[etree._Element, etree._Element]:
    """`ukm:Metadata` and its Primary/Secondary/EU block, or MalformedResponse."""
    meta = root.find("ukm:Metadata", NS)
    if meta is None:
        raise MalformedResponse("CLML document has no ukm:Metadata element")
    kind_meta = _first(meta, "ukm:SecondaryMetadata", "ukm:PrimaryMetadata", "ukm:EUMetadata")
    if kind_meta is None:
        raise MalformedResponse("CLML metadata has no Primary/Secondary/EU metadata block")
    return meta, kind_meta


def _legislation_id(root: etree._Element, meta: etree._Element, kind_meta: etree._Element) -> str:
    """ "type/year/number" from the identifier URIs, else from the metadata's parts."""
    main_type = _attr(kind_meta, "ukm:DocumentClassification/ukm:DocumentMainType", "Value")
    year = _attr(kind_meta, "ukm:Year", "Value")
    number = _attr(kind_meta, "ukm:Number", "Value")
    if not number:
        raise MalformedResponse("CLML metadata has no ukm:Number; cannot identify the item")
    document_uri = root.get("DocumentURI") or _text(meta.find("dc:identifier", NS))
    leg_id = (
        legislation_id_from_url(root.get("IdURI", ""))
        or legislation_id_from_url(document_uri)
        or _id_from_parts(main_type, year, number)
    )
    if leg_id is None:
        raise MalformedResponse(
            f"cannot build an identifier from type {main_type!r}, year {year!r}, number {number!r}"
        )
    return leg_id


def _instrument_metadata(
    leg_id: str,
    meta: etree._Element,
    kind_meta: etree._Element,
    prelims: etree._Element | None,
    explanatory_note: str,
) -> dict[str, object]:
    classification = "ukm:DocumentClassification/ukm:"
    leg_type, year, number = leg_id.split("/", 2)
    return {
        "type": leg_type,
        "year": _int_or_text(year),
        "number": _int_or_text(number),
        "document_main_type": _attr(kind_meta, f"{classification}DocumentMainType", "Value"),
        "minor_type": _attr(kind_meta, f"{classification}DocumentMinorType", "Value"),
        "status": _attr(kind_meta, f"{classification}DocumentStatus", "Value"),
        "heading": _headings(meta, prelims),
        "laid_class": _attr(kind_meta, "ukm:Laid", "Class") or None,
        "approved": _text(prelims.find("leg:Approved", NS)) if prelims is not None else "",
        "explanatory_memorandum_url": _memorandum_url(meta),
        "explanatory_note": explanatory_note,
        "pdf_url": _pdf_url(meta),
        "isbn": _attr(kind_meta, "ukm:ISBN", "Value") or None,
    }


def parse_atom_feed(body: bytes) -> AtomPage:
    """Parse one page of a legislation.gov.uk Atom feed (search or listing).

    Paging follows the feed's own `rel="next"` link (RFC 5005), which is absent on the last
    page; `leg:morePages` is only an estimate, so it is not used to decide.
    """
    root = load_xml(body, "Atom feed")
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise MalformedResponse(
            f"not an Atom feed: root element is {_local(root.tag)!r}, expected 'feed' in "
            f"the {ATOM_NS} namespace"
        )
    ids: list[str] = []
    titles: dict[str, str] = {}
    for entry in root.findall("atom:entry", NS):
        leg_id = legislation_id_from_url(_text(entry.find("atom:id", NS))) or _id_from_parts(
            _attr(entry, "ukm:DocumentMainType", "Value"),
            _attr(entry, "ukm:Year", "Value"),
            _attr(entry, "ukm:Number", "Value"),
        )
        if leg_id is None or leg_id in titles:
            continue
        ids.append(leg_id)
        titles[leg_id] = _text(entry.find("atom:title", NS))

    next_url = None
    for link in root.findall("atom:link", NS):
        if link.get("rel") == "next" and link.get("href"):
            next_url = link.get("href")
            break
    total = _text(root.find("openSearch:totalResults", NS))
    return AtomPage(
        legislation_ids=ids,
        next_url=next_url,
        total_results=int(total) if total.isdigit() else None,
        titles=titles,
    )


# --- helpers -------------------------------------------------------------------------


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else str(tag)


def _first(parent: etree._Element, *paths: str) -> etree._Element | None:
    for path in paths:
        found = parent.find(path, NS)
        if found is not None:
            return found
    return None


def _attr(parent: etree._Element, path: str, name: str) -> str:
    found = parent.find(path, NS)
    return (found.get(name) or "").strip() if found is not None else ""


def _text(element: etree._Element | None) -> str:
    return _plain_text(element) if element is not None else ""


def _plain_text(element: etree._Element) -> str:
    """Whitespace-normalised text of an element, on one line, blocks kept apart."""
    pieces: list[str] = []
    _collect_text(element, pieces)
    return _WS.sub(" ", "".join(pieces)).strip()


def _collect_text(element: etree._Element, pieces: list[str]) -> None:
    """Text of `element` as legislation.gov.uk shows it: a line per block (see _INLINE),
    provision numbers as printed ("1.", "(1)", "(a)"), and appended punctuation
    (`AppendText`) against the words before it."""
    if not isinstance(element.tag, str):  # comments and processing instructions
        return
    name = _local(element.tag)
    if name == "Pnumber":
        pieces.append(f"\n{_provision_number(element)} ")
        return
    if name == "AppendText":
        appended = "".join(str(text) for text in element.itertext())
        pieces.append(f"\u2060{' '.join(appended.split())}")
        return
    block = name not in _INLINE
    if block:
        pieces.append("\n")
    if element.text:
        pieces.append(element.text)
    for child in element:
        _collect_text(child, pieces)
        if child.tail:
            pieces.append(child.tail)
    if block:
        pieces.append("\n")


def _provision_number(element: etree._Element) -> str:
    number = " ".join("".join(str(t) for t in element.itertext()).split())
    parent = element.getparent()
    level = _local(parent.tag) if parent is not None else ""
    return f"{number}." if level == "P1" else f"({number})"


def _body_text(root: etree._Element) -> str:
    """The instrument's own words, a line per paragraph: prelims, body, schedules, notes
    and footnotes.

    Metadata, the table of contents and editorial commentaries are left out so search and
    citation finding see only what the instrument says.
    """
    pieces: list[str] = []
    for child in root:
        if isinstance(child.tag, str) and _local(child.tag) not in _SKIP_FOR_BODY:
            _collect_text(child, pieces)
    text = re.sub(r"\s*\u2060\s*", "", "".join(pieces))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return _join_numbers("\n".join(line for line in lines if line))


def _join_numbers(text: str) -> str:
    """A provision number on a line of its own starts the line that follows it."""
    return re.sub(r"(?m)^((?:\d+[A-Z]*\.|\([0-9a-zA-Z]+\)))\n", r"\1 ", text)


def _explanatory_note(root: etree._Element) -> str:
    """The explanatory note without its heading and "(This note is not part of ...)" line."""
    notes = root.find(".//leg:ExplanatoryNotes", NS)
    if notes is None:
        return ""
    parts = [
        _plain_text(child)
        for child in notes
        if isinstance(child.tag, str) and _local(child.tag) not in ("Title", "Comment")
    ]
    return " ".join(part for part in parts if part)


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""


def _id_from_parts(main_type: str, year: str, number: str) -> str | None:
    code = MAIN_TYPE_CODES.get(main_type)
    if not code or not year or not number.isdigit():
        return None
    return f"{code}/{year}/{int(number)}"


def _int_or_text(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _original_version(document_uri: str) -> str | None:
    """`made`/`enacted`/... when the document URI names the original version, else None."""
    path = urlsplit(document_uri or "").path.rstrip("/")
    last = path.rsplit("/", 1)[-1] if path else ""
    return last if last in ORIGINAL_VERSIONS else None


def _public(uri: str) -> str:
    """Rewrite a legislation.gov.uk URI from the XML to the public https host."""
    if not uri:
        return ""
    parts = urlsplit(uri)
    if not _HOST_RE.match((parts.hostname or "").lower()):
        return uri
    query = f"?{parts.query}" if parts.query else ""
    return f"{PUBLIC_HOST}{parts.path}{query}"


def _headings(meta: etree._Element, prelims: etree._Element | None) -> list[str]:
    """SI subject headings ("EDUCATION, ENGLAND"): metadata first, printed prelims second."""
    headings = [
        _text(subject)
        for subject in meta.findall("dc:subject", NS)
        if subject.get("scheme") == "SIheading" and _text(subject)
    ]
    if headings or prelims is None:
        return headings
    for subject in prelims.findall("leg:SubjectInformation/leg:Subject", NS):
        words = [_text(part) for part in subject if isinstance(part.tag, str)]
        heading = ", ".join(word for word in words if word)
        if heading:
            headings.append(heading)
    return headings


def _memorandum_url(meta: etree._Element) -> str | None:
    """The explanatory memorandum: the PDF listed under ukm:Notes, else the HTML view."""
    alternatives = meta.findall("ukm:Notes/ukm:Alternatives/ukm:Alternative", NS)
    for alternative in alternatives:
        if "memorandum" in (alternative.get("Title") or "").lower() and alternative.get("URI"):
            return _public(alternative.get("URI", ""))
    if alternatives and alternatives[0].get("URI"):
        return _public(alternatives[0].get("URI", ""))
    for link in meta.findall("atom:link", NS):
        if link.get("rel", "").endswith("/navigation/memorandum") and link.get("href"):
            return _public(link.get("href", ""))
    return None


def _pdf_url(meta: etree._Element) -> str | None:
    """The print PDF of the original text (an Alternative without a Revised date)."""
    for alternative in meta.findall("ukm:Alternatives/ukm:Alternative", NS):
        if alternative.get("URI") and not alternative.get("Revised"):
            return _public(alternative.get("URI", ""))
    return None


def _events(
    kind_meta: etree._Element, prelims: etree._Element | None
) -> tuple[list[Event], list[str]]:
    """si_made / si_laid / si_approved / si_in_force events, and in-force wording that
    names no date ("Coming into force in accordance with article 1(1)").

    Such wording is not a date: passing it on would make the date pipeline reject the
    whole document, so it is returned for the metadata instead, where the /si page
    shows it.
    """
    events = _made_and_laid(kind_meta, prelims)
    approved = _text(prelims.find("leg:Approved", NS)) if prelims is not None else ""
    made = next((event for event in events if event.kind == "si_made"), None)
    if approved and made is not None:
        # The instrument prints its approval without a date; made is when it said so.
        events.append(
            Event(
                kind="si_approved",
                date=made.date,
                title=approved,
                summary=f"{approved}, as the instrument says when made (it gives no date).",
            )
        )
    in_force, wording = _coming_into_force(kind_meta, prelims)
    events.extend(Event(kind="si_in_force", date=date) for date in in_force)
    return events, wording


def _made_and_laid(kind_meta: etree._Element, prelims: etree._Element | None) -> list[Event]:
    """Made and laid events, with the time and the House where the instrument says."""
    events: list[Event] = []
    made = kind_meta.find("ukm:Made", NS)
    made_date = made.get("Date", "") if made is not None else ""
    made_date = made_date or _prelims_date(prelims, "leg:MadeDate")
    if made_date:
        time = made.get("Time", "") if made is not None else ""
        events.append(Event(kind="si_made", date=made_date, summary=_at(time)))
    laid_wording = _prelims_text(prelims, "leg:LaidDate/leg:Text")
    laid = [el for el in kind_meta.findall("ukm:Laid", NS) if el.get("Date")]
    for element in laid:
        summary = _at(element.get("Time", ""))
        events.append(
            Event("si_laid", element.get("Date", ""), title=laid_wording, summary=summary)
        )
    if not laid and prelims is not None:
        for element in prelims.findall("leg:LaidDate", NS):
            date = _date_text(element)
            wording = _text(element.find("leg:Text", NS))
            if date:
                events.append(Event(kind="si_laid", date=date, title=wording))
    return events


def _coming_into_force(
    kind_meta: etree._Element, prelims: etree._Element | None
) -> tuple[list[str], list[str]]:
    """(in-force dates, in-force wording with no date): metadata dates first, else the
    prelims' clauses, each a date or, failing that, words kept for the reader."""
    dates = [
        element.get("Date", "")
        for element in kind_meta.findall("ukm:ComingIntoForce/ukm:DateTime", NS)
        if element.get("Date")
    ]
    wording: list[str] = []
    if dates or prelims is None:
        return list(dict.fromkeys(dates)), wording
    for element in prelims.findall(".//leg:ComingIntoForce", NS):
        for clause in element.findall("leg:ComingIntoForceClauses", NS) or [element]:
            text = _date_text(clause) or _text(clause)
            if not text:
                continue
            (dates if _YEAR_RE.search(text) and _date_text(clause) else wording).append(text)
    return list(dict.fromkeys(dates)), wording


def _at(time: str) -> str:
    """ "at 11:45" for a `Time` attribute ("11:45:00"), "" without one."""
    return f"At {time[:5]}." if re.match(r"^\d{2}:\d{2}", time) else ""


def _prelims_text(prelims: etree._Element | None, path: str) -> str:
    element = prelims.find(path, NS) if prelims is not None else None
    return _text(element)


def _prelims_date(prelims: etree._Element | None, path: str) -> str:
    if prelims is None:
        return ""
    element = prelims.find(path, NS)
    return _date_text(element) if element is not None else ""


def _date_text(element: etree._Element) -> str:
    return _text(element.find("leg:DateText", NS))
