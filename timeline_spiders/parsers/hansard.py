"""Hansard API (hansard-api.parliament.uk) JSON: search pages and debate sections.

The spider searches (`/search/debates.json`, `/search/contributions/Spoken.json`), then
fetches each matching section (`/debates/debate/{ExtId}.json`). These functions turn those
bodies into plain values and `Document`s; see FORMAT-parliament.md for the format notes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from timeline_spiders.items import Contribution, Document, Event
from timeline_spiders.parsers import MalformedResponse

PUBLIC_BASE = "https://hansard.parliament.uk"

# Items tagged like this are page furniture (printed column breaks, time stamps), not words
# anyone said; counting them as speeches would pollute search and speaker lists.
NON_TEXT_TAGS = frozenset({"hs_columnnumber", "hs_timecode", "hs_timeline"})

SUMMARY_SNIPPET_CHARS = 300

_BLOCK_TAGS = (
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
)
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_COLUMN_MARK = re.compile(r"\s*\[Column [^\]]+\]\s*")


@dataclass(frozen=True)
class SearchPage:
    """One page of a Hansard search, reduced to what the spider needs to go on.

    `debate_ext_ids` are the sections to fetch (in result order, without repeats);
    `contribution_ext_ids` are the matched speeches where the endpoint names them (the
    Spoken search does, the debates search does not), and `matches_by_debate` groups them by
    section so the spider can pass them to `parse_debate`. `total` is the API's
    `TotalResultCount` (None when absent), which is not reliable enough to stop paging on:
    `count` (results on this page) is.
    """

    debate_ext_ids: list[str]
    contribution_ext_ids: list[str]
    total: int | None
    count: int
    matches_by_debate: dict[str, list[str]] = field(default_factory=dict)


def load_json(body: bytes, what: str) -> Any:
    """Decode a JSON body, or say plainly that it was not JSON (a challenge page, a cut-off
    transfer), so the spider reports the URL instead of storing nothing silently."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        head = body[:60].decode("utf-8", "replace").strip()
        raise MalformedResponse(f"{what}: body is not JSON ({exc}); starts {head!r}") from exc


def text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def clean_title(value: Any) -> str:
    """Hansard titles carry stray leading spaces and doubled spaces; collapse them."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _soup_text(soup: BeautifulSoup | Tag) -> str:
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for el in soup.find_all(_BLOCK_TAGS):
        el.insert_before("\n")
        el.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def html_to_text(html: str | None) -> str:
    """Plain text from an API HTML fragment: one line per paragraph, entities decoded.

    Both APIs deliver speeches and answers as HTML; the store wants plain text only, and
    paragraph breaks are kept because they make long answers readable in the timeline.
    """
    if not html:
        return ""
    return _soup_text(BeautifulSoup(html, "lxml"))


def _iso_date(value: Any) -> str:
    """`2016-10-31T00:00:00` -> `2016-10-31`; anything else is passed on for the date
    pipeline to judge rather than guessed at here."""
    text = text_of(value)
    match = _ISO_DATE.match(text)
    return match.group(1) if match else text


def title_slug(title: str) -> str:
    """The cosmetic last URL segment hansard.parliament.uk uses: the title in PascalCase with
    punctuation dropped, "School Census: Pupils' Nationality" -> "SchoolCensusPupilsNationality".
    """
    words = re.split(r"[^A-Za-z0-9]+", re.sub(r"['\u2018\u2019`]", "", title))
    return "".join(w[:1].upper() + w[1:] for w in words if w) or "Debate"


def debate_url(house: str, date: str, ext_id: str, title: str) -> str:
    """Public canonical URL of a debate section (never the API host)."""
    return f"{PUBLIC_BASE}/{house}/{date}/debates/{ext_id}/{title_slug(title)}"


def parse_search_page(body: bytes) -> SearchPage:
    """Read a page of `/search/debates.json` or `/search/contributions/Spoken.json`.

    Both return `{"Results": [...], "TotalResultCount": N}`; each result names its section
    in `DebateSectionExtId`, and Spoken results also carry `ContributionExtId`.
    """
    data = load_json(body, "Hansard search")
    if not isinstance(data, dict) or not isinstance(data.get("Results"), list):
        raise MalformedResponse("Hansard search: no 'Results' list in the response")
    debate_ids: list[str] = []
    contribution_ids: list[str] = []
    matches: dict[str, list[str]] = {}
    for result in data["Results"]:
        if not isinstance(result, dict):
            raise MalformedResponse("Hansard search: a result is not an object")
        debate_id = text_of(result.get("DebateSectionExtId"))
        if not debate_id:
            raise MalformedResponse("Hansard search: a result has no DebateSectionExtId")
        if debate_id not in matches:
            matches[debate_id] = []
            debate_ids.append(debate_id)
        contribution_id = text_of(result.get("ContributionExtId"))
        if contribution_id and contribution_id not in matches[debate_id]:
            matches[debate_id].append(contribution_id)
            contribution_ids.append(contribution_id)
    total = data.get("TotalResultCount")
    return SearchPage(
        debate_ext_ids=debate_ids,
        contribution_ext_ids=contribution_ids,
        total=total if isinstance(total, int) and not isinstance(total, bool) else None,
        count=len(data["Results"]),
        matches_by_debate={k: v for k, v in matches.items() if v},
    )


def _check_section(node: Any, where: str) -> dict[str, Any]:
    if not isinstance(node, dict) or not isinstance(node.get("Overview"), dict):
        raise MalformedResponse(f"Hansard debate: {where} has no 'Overview'")
    for key in ("Items", "ChildDebates"):
        if node.get(key) is not None and not isinstance(node[key], list):
            raise MalformedResponse(f"Hansard debate: {where} '{key}' is not a list")
    return node


def _sorted_items(items: list[Any]) -> list[dict[str, Any]]:
    """Items in reading order. The API does not promise list order, `OrderInSection` does;
    items without one keep their place after the numbered ones."""
    indexed = [(i, it) for i, it in enumerate(items) if isinstance(it, dict)]

    def key(pair: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
        index, it = pair
        order = it.get("OrderInSection")
        if isinstance(order, int) and not isinstance(order, bool):
            return (0, order, index)
        return (1, 0, index)

    return [it for _, it in sorted(indexed, key=key)]


def _member_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    return None


@dataclass
class _Walk:
    """State carried through a section and its child sections while reading them."""

    url: str
    column: str = ""
    body: list[str] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    section_titles: list[str] = field(default_factory=list)


def _item_text(value: str, walk: _Walk) -> tuple[str, str]:
    """Plain text of one item with column breaks kept as `[Column N]`, plus the column the
    item starts in. Columns are how the printed Hansard is cited, so they must survive."""
    soup = BeautifulSoup(value, "lxml")
    start_column = walk.column
    first = True
    for span in soup.find_all(attrs={"data-column-number": True}):
        number = " ".join(str(span.get("data-column-number", "")).split())
        if not number:
            continue
        before = span.find_previous(string=lambda s: bool(s.strip()))
        if first and before is None:
            start_column = number  # the item opens the new column
        first = False
        walk.column = number
        span.replace_with(NavigableString(f" [Column {number}] "))
    return _soup_text(soup), start_column


def _walk_section(node: dict[str, Any], walk: _Walk, depth: int) -> None:
    overview = node["Overview"]
    title = clean_title(overview.get("Title"))
    if depth > 0 and title:
        walk.section_titles.append(title)
        walk.body.append(title)
    for item in _sorted_items(node.get("Items") or []):
        value = item.get("Value") if isinstance(item.get("Value"), str) else ""
        tag = text_of(item.get("HRSTag")).lower()
        if item.get("ItemType") != "Contribution":
            continue  # timestamps and the like
        text, column = _item_text(value, walk)
        if tag in NON_TEXT_TAGS:
            if text:  # a bare column marker still moves the column on: keep it visible
                walk.body.append(text)
            continue
        if not text:
            continue
        attributed = clean_title(item.get("AttributedTo"))
        member_id = _member_id(item.get("MemberId"))
        walk.body.append(f"{attributed}: {text}" if attributed else text)
        if not attributed and member_id is None:
            continue  # motion text, "Motion withdrawn." and other procedure: body only
        external_id = text_of(item.get("ExternalId"))
        item_id = item.get("ItemId")
        walk.contributions.append(
            Contribution(
                external_id=external_id or f"item-{item_id}",
                order=len(walk.contributions) + 1,
                text=_COLUMN_MARK.sub(" ", text).strip(),
                member_id=member_id,
                member_name=clean_title(item.get("MemberName")) or attributed,
                column=column,
                url=f"{walk.url}#contribution-{external_id}" if external_id else walk.url,
            )
        )
    for index, child in enumerate(node.get("ChildDebates") or []):
        _walk_section(_check_section(child, f"child section {index}"), walk, depth + 1)


def _parent_title(data: dict[str, Any], ext_id: str) -> str:
    """The title of the heading this section sits under, unless that is the day's root
    (e.g. "Lords Chamber"): a bare "Motion to Regret" or "Topical Questions" means nothing
    in a timeline without the heading above it."""
    nav = [n for n in data.get("Navigator") or [] if isinstance(n, dict)]
    by_id = {n.get("Id"): n for n in nav}
    own = next((n for n in nav if text_of(n.get("ExternalId")).lower() == ext_id.lower()), None)
    if own is None:
        return ""
    parent = by_id.get(own.get("ParentId"))
    if parent is None or parent.get("ParentId") is None:
        return ""
    return clean_title(parent.get("Title"))


def _snippet(text: str, limit: int = SUMMARY_SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "\u2026"


def parse_debate(body: bytes, matched_contribution_ids: AbstractSet[str] = frozenset()) -> Document:
    """Turn `/debates/debate/{ExtId}.json` into one `Document` for that section.

    The search points at a section; that section is the document (one debate event per
    section), and its `ChildDebates` are read into it, because a debate heading often keeps
    all its speeches in a child such as "Motion to Regret". Contributions are numbered in
    reading order across the child sections. `matched_contribution_ids` (from the Spoken
    search) choose the summary snippet and are recorded in metadata.
    """
    data = load_json(body, "Hansard debate")
    root = _check_section(data, "the response")
    overview = root["Overview"]
    ext_id = text_of(overview.get("ExtId"))
    date = _iso_date(overview.get("Date"))
    house = text_of(overview.get("House"))
    if not ext_id or not date or not house:
        raise MalformedResponse("Hansard debate: Overview lacks ExtId, Date or House")
    if "Items" not in root and "ChildDebates" not in root:
        raise MalformedResponse("Hansard debate: neither 'Items' nor 'ChildDebates' present")
    location = clean_title(overview.get("Location"))
    own_title = clean_title(overview.get("Title")) or f"{house} debate, {date}"
    parent = _parent_title(data, ext_id)
    title = f"{parent} \u2014 {own_title}" if parent and parent != own_title else own_title

    walk = _Walk(url=debate_url(house, date, ext_id, own_title))
    _walk_section(root, walk, 0)

    wanted = {i.lower() for i in matched_contribution_ids}
    matched = [c for c in walk.contributions if c.external_id.lower() in wanted]
    speakers: list[dict[str, Any]] = []
    seen: set[object] = set()
    for c in walk.contributions:
        key = c.member_id if c.member_id is not None else c.member_name
        if key not in seen:
            seen.add(key)
            speakers.append({"member_id": c.member_id, "name": c.member_name})

    place = ", ".join(p for p in (house, location) if p)
    lead = matched[0] if matched else next(iter(walk.contributions), None)
    summary = f"{place}: {_snippet(lead.text)}" if lead else place

    return Document(
        id=f"hansard:{ext_id}",
        source="hansard",
        doc_type="debate",
        title=title,
        url=walk.url,
        summary=summary,
        body="\n\n".join(walk.body),
        events=[Event(kind="debate", date=date)],
        contributions=walk.contributions,
        metadata={
            "house": house,
            "location": location,
            "ext_id": ext_id,
            "hrs_tag": text_of(overview.get("HRSTag")),
            "section_title": own_title,
            "parent_title": parent,
            "child_sections": walk.section_titles,
            "speakers": speakers,
            "matched_contributions": [c.external_id for c in matched],
        },
    )
