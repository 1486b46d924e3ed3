"""Hansard API (hansard-api.parliament.uk) JSON: search pages and debate sections.

The spider searches (`/search/debates.json`, `/search/contributions/Spoken.json`), then
fetches each matching section (`/debates/debate/{ExtId}.json`). These functions turn those
bodies into plain values and `Document`s; see FORMAT-parliament.md for the format notes.

One document per section that has words of its own. A heading with nothing said under it
("Petition", or a regulations' title over a "Motion to Regret") contributes its title to
each child's, and the children are the documents, so a child reached through its heading
and the same child fetched on its own are the same document, read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bs4 import BeautifulSoup, NavigableString

from timeline_spiders.items import Contribution, Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.reading import Record, html_to_text, load_json_record, snippet
from timeline_spiders.text import mentions

#: Where readers read debates (the API is on hansard-api.parliament.uk).
PUBLIC_SITE = "https://hansard.parliament.uk"

# Items tagged like this are page furniture (printed column breaks, time stamps), not words
# anyone said; counting them as speeches would pollute search and speaker lists.
NON_TEXT_TAGS = frozenset({"hs_columnnumber", "hs_timecode", "hs_timeline"})

SUMMARY_CHARS = 300

_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_COLUMN_MARK = re.compile(r"\s*\[Column [^\]]+\]\s*")
_TRAILING_GROUP = re.compile(r"\s*\(([^()]*)\)\s*$")
#: Party labels as Hansard prints them after a member's name.
PARTIES = frozenset(
    {
        "Con", "Lab", "LD", "SNP", "DUP", "UUP", "SDLP", "PC", "Green", "Ind", "Reform",
        "Alliance", "CB", "Lab/Co-op", "Lab Co-op", "Non-Afl", "Bishops", "TUV", "Alba",
        "Ind Con", "Ind Lab", "Ind LD", "Ind UU", "Ind SD", "Con Ind", "Lab Ind", "Co-op",
        "Reform UK", "SF", "Respect", "Plaid Cymru", "Crossbench", "Non-affiliated",
    }
)  # fmt: skip
#: The start of an attribution that names an office, with the person in brackets after it.
_ROLE = re.compile(
    r"^The |Speaker|Chair|Minister|Secretary of State|Solicitor General|Attorney General|"
    r"Leader of the|Chancellor|Whip"
)


@dataclass(frozen=True)
class SearchPage:
    """One page of a Hansard search, reduced to what the spider needs to go on.

    `debate_ext_ids` are the sections to fetch (in result order, without repeats);
    `contribution_ext_ids` are the matched speeches where the endpoint names them (the
    Spoken search does, the debates search does not); the spider pages a speech search
    by them. `total` is the API's `TotalResultCount` (None when absent), which is not
    reliable enough to stop paging on: `count` (results on this page) is.
    """

    debate_ext_ids: list[str]
    contribution_ext_ids: list[str]
    total: int | None
    count: int


@dataclass(frozen=True)
class Speaker:
    """Who a contribution is attributed to, read apart: "The Parliamentary Under-Secretary
    of State for Schools (Lord Nash) (Con)" is Lord Nash, Con, speaking as the minister."""

    member_id: int | None
    name: str
    role: str = ""
    constituency: str = ""
    party: str = ""

    def merged(self, other: Speaker) -> Speaker:
        """This speaker with what `other` (the same member elsewhere) adds."""
        return Speaker(
            self.member_id,
            self.name or other.name,
            self.role or other.role,
            self.constituency or other.constituency,
            self.party or other.party,
        )


def parse_attribution(text: str, member_id: int | None = None) -> Speaker:
    """Read an `AttributedTo` ("Martin Vickers (Brigg and Immingham) (Con)",
    "Madam Deputy Speaker (Caroline Nokes)") into name, office, constituency and party."""
    head, groups = " ".join(text.split()), list[str]()
    while match := _TRAILING_GROUP.search(head):
        groups.insert(0, " ".join(match[1].split()))
        head = head[: match.start()]
    party = groups.pop() if groups and groups[-1] in PARTIES else ""
    if _ROLE.search(head) and groups:
        name, *rest = groups
        return Speaker(member_id, name, head, rest[0] if rest else "", party)
    if _ROLE.search(head) and not groups and member_id is None:
        return Speaker(None, head, head, "", party)  # "Mr Speaker": an office, no name given
    return Speaker(member_id, head, "", groups[0] if groups else "", party)


def title_slug(title: str) -> str:
    """The cosmetic last URL segment hansard.parliament.uk uses: the title in PascalCase with
    punctuation dropped, "School Census: Pupils' Nationality" -> "SchoolCensusPupilsNationality".
    """
    words = re.split(r"[^A-Za-z0-9]+", re.sub(r"['\u2018\u2019`]", "", title))
    return "".join(w[:1].upper() + w[1:] for w in words if w) or "Debate"


def debate_url(house: str, date: str, ext_id: str, title: str) -> str:
    """Public canonical URL of a debate section (never the API host)."""
    return f"{PUBLIC_SITE}/{house}/{date}/debates/{ext_id}/{title_slug(title)}"


def clean_title(text: str) -> str:
    """Hansard titles carry stray leading spaces and doubled spaces; collapse them."""
    return " ".join(text.split())


def parse_search_page(body: bytes) -> SearchPage:
    """Read a page of `/search/debates.json` or `/search/contributions/Spoken.json`.

    Both return `{"Results": [...], "TotalResultCount": N}`; each result names its section
    in `DebateSectionExtId` (usually a GUID, sometimes not: `DeferredDivisions2026-01-14`),
    and Spoken results also carry `ContributionExtId`.
    """
    page = load_json_record(body, "Hansard search")
    debate_ids: dict[str, None] = {}
    contribution_ids: dict[str, None] = {}
    results = page.required_records("Results")
    for result in results:
        debate_ids[result.required_text("DebateSectionExtId")] = None
        contribution_id = result.text("ContributionExtId")
        if contribution_id:
            contribution_ids[contribution_id] = None
    return SearchPage(
        debate_ext_ids=list(debate_ids),
        contribution_ext_ids=list(contribution_ids),
        total=page.integer("TotalResultCount"),
        count=len(results),
    )


# --- one debate section -------------------------------------------------------------------


@dataclass
class _Section:
    """A section as read: its overview, its own speeches and text, and its children."""

    record: Record
    ext_id: str
    title: str
    date: str
    house: str
    location: str
    hrs_tag: str
    body: list[str] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    children: list[Record] = field(default_factory=list)


def parse_debate(body: bytes, phrases: Iterable[str] = ()) -> list[Document]:
    """Turn `/debates/debate/{ExtId}.json` into a document for each section in it that has
    words of its own: the section itself, its child sections, theirs, in reading order.

    Each title names the heading above it ("Education (...) Regulations 2016 — Motion to
    Regret"), from the walk or, for a section fetched on its own, from its `Navigator`
    (unless that heading is the day's root, e.g. "Lords Chamber"). The summary leads with
    the first speech that uses one of `phrases` (the campaigns' search phrases), or else
    the first speech.
    """
    data = load_json_record(body, "Hansard debate")
    if "Items" not in data and "ChildDebates" not in data:
        raise MalformedResponse("Hansard debate: neither 'Items' nor 'ChildDebates' present")
    root = _read_section(data, "the response")
    heading = _navigator_parent_title(data, root.ext_id)
    return list(_documents(root, heading, list(phrases)))


def _documents(section: _Section, heading: str, phrases: list[str]) -> Iterable[Document]:
    if section.contributions or section.body:
        yield _document(section, heading if heading != section.title else "", phrases)
    for index, child in enumerate(section.children):
        yield from _documents(
            _read_section(child, f"child section {index}"), section.title, phrases
        )


def _read_section(record: Record, where: str) -> _Section:
    overview = record.record("Overview")
    if overview is None:
        raise MalformedResponse(f"Hansard debate: {where} has no 'Overview'")
    match = _ISO_DATE.match(overview.text("Date"))
    ext_id, house = overview.text("ExtId"), overview.text("House")
    if not ext_id or not match or not house:
        raise MalformedResponse(f"Hansard debate: {where} lacks ExtId, Date or House")
    section = _Section(
        record=record,
        ext_id=ext_id,
        title=clean_title(overview.text("Title")) or f"{house} debate, {match[1]}",
        date=match[1],
        house=house,
        location=clean_title(overview.text("Location")),
        hrs_tag=overview.text("HRSTag"),
        children=record.records("ChildDebates"),
    )
    _read_items(section)
    return section


def _read_items(section: _Section) -> None:
    """The section's own words into its body and its speeches, one speaker per member."""
    url = debate_url(section.house, section.date, section.ext_id, section.title)
    column = ""
    by_member: dict[int, Speaker] = {}
    for item in _in_reading_order(section.record.records("Items")):
        if item.text("ItemType") != "Contribution":
            continue  # timestamps and the like
        text, starts_in, column = _item_text(item.text("Value"), column)
        if item.text("HRSTag").lower() in NON_TEXT_TAGS or not text:
            continue
        member_id = _member_id(item)
        speaker = parse_attribution(item.text("AttributedTo"), member_id)
        section.body.append(f"{item.text('AttributedTo')}: {text}" if speaker.name else text)
        if not speaker.name and member_id is None:
            continue  # motion text, "Motion withdrawn." and other procedure: body only
        if member_id is not None:
            speaker = by_member[member_id] = by_member.get(member_id, speaker).merged(speaker)
        external_id = item.text("ExternalId") or f"item-{item.integer('ItemId')}"
        section.contributions.append(
            Contribution(
                external_id=external_id,
                order=len(section.contributions) + 1,
                text=_COLUMN_MARK.sub(" ", text).strip(),
                member_id=member_id,
                member_name=speaker.name,
                column=starts_in,
                url=f"{url}#contribution-{external_id}",
                role=speaker.role,
            )
        )
    _one_name_per_member(section, by_member)


def _one_name_per_member(section: _Section, by_member: dict[int, Speaker]) -> None:
    """Every speech of a member under the fullest name the section gives them, with their
    party and constituency: "Martin Vickers" is the "Martin Vickers (Brigg and
    Immingham) (Con)" who spoke before."""
    seen: dict[object, Speaker] = {}
    for index, contribution in enumerate(section.contributions):
        speaker = by_member.get(contribution.member_id or -1) or parse_attribution(
            contribution.member_name, contribution.member_id
        )
        section.contributions[index] = replace(
            contribution,
            member_name=speaker.name,
            party=speaker.party,
            constituency=speaker.constituency,
        )
        seen.setdefault(contribution.member_id or speaker.name, speaker)
    section.speakers = list(seen.values())


def debate_place(house: str, location: str) -> str:
    """Where it was said, once: "Lords Chamber", "Commons, Westminster Hall"."""
    if location and house.lower() in location.lower():
        return location
    return ", ".join(part for part in (house, location) if part)


def _document(section: _Section, heading: str, phrases: list[str]) -> Document:
    title = f"{heading} \u2014 {section.title}" if heading else section.title
    place = debate_place(section.house, section.location)
    lead = next(
        (c for c in section.contributions if phrases and mentions(c.text, phrases)),
        next(iter(section.contributions), None),
    )
    who = f"{lead.member_name}: " if lead and lead.member_name else ""
    return Document(
        id=f"hansard:{section.ext_id}",
        source="hansard",
        doc_type="debate",
        title=title,
        url=debate_url(section.house, section.date, section.ext_id, section.title),
        summary=f"{place}. {who}{snippet(lead.text, SUMMARY_CHARS)}" if lead else place,
        body="\n\n".join(section.body),
        events=[Event(kind="debate", date=section.date)],
        contributions=section.contributions,
        metadata={
            "house": section.house,
            "location": section.location,
            "ext_id": section.ext_id,
            "hrs_tag": section.hrs_tag,
            "section_title": section.title,
            "heading": heading,
            "speakers": [vars(speaker) for speaker in section.speakers],
            "lead_contribution": lead.external_id if lead else None,
        },
    )


def _in_reading_order(items: list[Record]) -> list[Record]:
    """Items in reading order. The API does not promise list order, `OrderInSection` does;
    items without one keep their place after the numbered ones."""

    def key(pair: tuple[int, Record]) -> tuple[int, int, int]:
        index, item = pair
        order = item.integer("OrderInSection")
        return (0, order, index) if order is not None else (1, 0, index)

    return [item for _, item in sorted(enumerate(items), key=key)]


def _member_id(item: Record) -> int | None:
    value = item.values.get("MemberId")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())  # some older records send the id as text
        return value or None
    member_id = item.integer("MemberId")
    return member_id if member_id and member_id > 0 else None


def _item_text(value: str, column: str) -> tuple[str, str, str]:
    """Plain text of one item with column breaks kept as `[Column N]`, the column the item
    starts in, and the column it ends in. Columns are how the printed Hansard is cited."""
    soup = BeautifulSoup(value, "html.parser")
    starts_in, first = column, True
    for span in soup.select("[data-column-number]"):
        number = " ".join(str(span.get("data-column-number", "")).split())
        if not number:
            continue
        if first and span.find_previous(string=lambda s: bool(s.strip())) is None:
            starts_in = number  # the item opens the new column
        first = False
        column = number
        span.replace_with(NavigableString(f" [Column {number}] "))
    text = html_to_text(str(soup))
    bare_marker = _COLUMN_MARK.fullmatch(text) is not None
    return ("" if bare_marker else text), starts_in, column


def _navigator_parent_title(data: Record, ext_id: str) -> str:
    """The title of the heading this section sits under, unless that is the day's root
    (e.g. "Lords Chamber"): a bare "Motion to Regret" or "Topical Questions" means nothing
    in a timeline without the heading above it."""
    nav = data.records("Navigator")
    by_id = {node.integer("Id"): node for node in nav}
    own = next((n for n in nav if n.text("ExternalId").lower() == ext_id.lower()), None)
    if own is None or own.integer("ParentId") is None:
        return ""
    parent = by_id.get(own.integer("ParentId"))
    if parent is None or parent.integer("ParentId") is None:
        return ""
    return clean_title(parent.text("Title"))
