"""legislation.gov.uk "changes to legislation" feeds: which later legislation amends an item,
and what an item amends.

Pure functions over bytes, tested against fixtures. See FORMAT-legislation-changes.md (next
to this file) for the format facts and where they come from.

Two feeds per item, both Atom with one `ukm:Effect` per entry:

* `/changes/affected/{type}/{year}/{number}/data.feed`: effects ON the item (it is the
  affected side; the entries name what amends it);
* `/changes/affecting/{type}/{year}/{number}/data.feed`: effects BY the item on others.

An effect is an editor's record of one change ("words inserted" in "Sch. 1 para. 2"). The
ids of both sides come from the effect's `AffectedURI`/`AffectingURI` (identifier URIs such
as http://www.legislation.gov.uk/id/uksi/2013/2094); when a URI is missing, which happens,
the Class/Year/Number attributes are used instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from timeline_spiders.items import Amendment, AmendmentList
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.legislation import (
    ATOM_NS,
    MAIN_TYPE_CODES,
    NS,
    PUBLIC_HOST,
    legislation_id_from_url,
)
from timeline_spiders.parsers.reading import load_xml

DIRECTIONS = ("affected", "affecting")


@dataclass(frozen=True)
class Effect:
    """One recorded change of one item of legislation by another.

    Ids are "type/year/number" (None if the feed names neither a URI nor a type, year and
    number for that side). Provisions are the editors' short labels ("reg. 3", "Sch. 1
    para. 2"), empty when the effect is on the whole item. `applied` says whether the
    revised text on legislation.gov.uk already includes the change; None if not stated.
    """

    affecting_id: str | None
    affected_id: str | None
    affecting_title: str
    affected_title: str
    effect_type: str
    affected_provisions: str
    affecting_provisions: str = ""
    effect_id: str = ""
    applied: bool | None = None
    in_force_dates: tuple[str, ...] = ()
    modified: str = ""


@dataclass(frozen=True)
class ChangesPage:
    """One page of a changes feed.

    `next_url` is the feed's own `rel="next"` link verbatim (absent on the last page).
    `total` is openSearch:totalResults, which changes feeds usually leave out (the docs
    promise it only for legislation listings), so it is often None.
    """

    effects: list[Effect]
    next_url: str | None
    total: int | None
    page: int | None = None

    def amendment_list(self, feed_url: str) -> AmendmentList:
        """The links between instruments this page records, to store under `feed_url`
        (the feed's public URL, so a nightly run knows when it last read that feed).
        Effects missing either side's id link nothing and are left out."""
        return AmendmentList(
            feed_url=feed_url,
            amendments=[
                Amendment(
                    affecting_id=effect.affecting_id,
                    affected_id=effect.affected_id,
                    affecting_title=effect.affecting_title,
                    affected_title=effect.affected_title,
                    effect_type=effect.effect_type,
                    affected_provisions=effect.affected_provisions,
                    affecting_provisions=effect.affecting_provisions,
                    in_force_dates=effect.in_force_dates,
                    applied=effect.applied,
                )
                for effect in self.effects
                if effect.affecting_id and effect.affected_id
            ],
        )


def changes_feed_url(direction: str, legislation_id: str, results_count: int | None = None) -> str:
    """Feed of effects on ("affected") or by ("affecting") one item of legislation."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    url = f"{PUBLIC_HOST}/changes/{direction}/{legislation_id}/data.feed"
    return f"{url}?results-count={results_count}" if results_count else url


def parse_changes_feed(body: bytes) -> ChangesPage:
    """Parse one page of a changes feed into effects.

    An empty feed (no entries) is valid: most instruments are never amended. Raises
    MalformedResponse for HTML (a CDN challenge arrives with status 200), truncated XML,
    XML that is not an Atom feed, or a feed whose entries carry no ukm:Effect (some other
    listing fetched by mistake).
    """
    root = load_xml(body, "changes feed")
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise MalformedResponse(
            f"not an Atom feed: root element is {etree.QName(root).localname!r}, expected "
            f"'feed' in the {ATOM_NS} namespace"
        )
    entries = root.findall("atom:entry", NS)
    effects: list[Effect] = []
    for entry in entries:
        element = entry.find("atom:content/ukm:Effect", NS)
        if element is None:
            element = entry.find(".//ukm:Effect", NS)
        if element is not None:
            effects.append(_effect(element))
    if entries and not effects:
        raise MalformedResponse(
            "Atom feed has entries but none holds a ukm:Effect: not a changes feed"
        )

    next_url = None
    for link in root.findall("atom:link", NS):
        if link.get("rel") == "next" and link.get("href"):
            next_url = link.get("href")
            break
    return ChangesPage(
        effects=effects,
        next_url=next_url,
        total=_int(root.findtext("openSearch:totalResults", namespaces=NS)),
        page=_int(root.findtext("leg:page", namespaces=NS)),
    )


# --- helpers -------------------------------------------------------------------------


def _effect(element: etree._Element) -> Effect:
    applied = (element.get("Applied") or "").strip().lower()
    in_force = tuple(
        dict.fromkeys(
            date
            for date in (
                (node.get("Date") or "").strip()
                for node in element.findall("ukm:InForceDates/ukm:InForce", NS)
            )
            if date
        )
    )
    return Effect(
        affecting_id=_side_id(element, "Affecting"),
        affected_id=_side_id(element, "Affected"),
        affecting_title=_child_text(element, "ukm:AffectingTitle"),
        affected_title=_child_text(element, "ukm:AffectedTitle"),
        effect_type=(element.get("Type") or "").strip(),
        affected_provisions=_provisions(element, "Affected"),
        affecting_provisions=_provisions(element, "Affecting"),
        effect_id=(element.get("EffectId") or "").strip(),
        applied={"true": True, "false": False}.get(applied),
        in_force_dates=in_force,
        modified=(element.get("Modified") or "").strip(),
    )


def _side_id(element: etree._Element, side: str) -> str | None:
    """Id of one side: its URI first, else Class + Year + Number."""
    from_uri = legislation_id_from_url(element.get(f"{side}URI") or "")
    if from_uri:
        return from_uri
    code = MAIN_TYPE_CODES.get((element.get(f"{side}Class") or "").strip())
    year = (element.get(f"{side}Year") or "").strip()
    number = (element.get(f"{side}Number") or "").strip()
    if code and year and number.isdigit():
        return f"{code}/{year}/{int(number)}"
    return None


def _provisions(element: etree._Element, side: str) -> str:
    """The attribute label ("Sch. 1 para. 2"); else the child element's section labels."""
    label = " ".join((element.get(f"{side}Provisions") or "").split())
    if label:
        return label
    container = element.find(f"ukm:{side}Provisions", NS)
    if container is None:
        return ""
    return " ".join(" ".join(str(text) for text in container.itertext()).split())


def _child_text(element: etree._Element, path: str) -> str:
    child = element.find(path, NS)
    if child is None:
        return ""
    return " ".join(" ".join(str(text) for text in child.itertext()).split())


def _int(text: str | None) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isdigit() else None
