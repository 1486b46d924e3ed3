"""What every spider yields: one `Document` per source document.

Spiders only fetch and parse. They describe a document and the dated things that
happened to it (`Event`s) in the source's own terms; the shared pipelines then
normalise dates, find citations, tag campaigns and store it. Keeping this contract
small is what lets a new source be added as a spider alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: When a document a spider found is stored: always; only when its text has one of the
#: campaigns' search phrases word for word (an API whose search matches any word of a
#: phrase); or only when a campaign rule tags it (a bill's amendments: thousands, of
#: which a handful are about pupil data). The relevance pipeline applies it after tagging.
KeepIf = Literal["always", "mentions_search_phrase", "tagged"]


@dataclass
class Event:
    """A dated thing that happened to a document.

    `date` is the value as the source gave it: an ISO date or datetime where the
    source has one (preferred), otherwise text such as "31st October 2016". The date
    pipeline turns it into YYYY-MM-DD or rejects the item with a clear error.
    `key` tells apart events of the same kind on one document (for example two
    change-history entries); the event's stable id is `<document id>:<kind>[:<key>]`.
    Empty `title`/`url` fall back to the document's.
    """

    kind: str
    date: str
    key: str = ""
    title: str = ""
    summary: str = ""
    url: str = ""


@dataclass
class Contribution:
    """One speech in a debate, stored so staff can search who said what.

    `member_name` is the member's one name in the debate, with their `party` and
    `constituency` apart; `role` is the office they spoke in, if any ("The Minister for
    School Standards").
    """

    external_id: str
    order: int
    text: str
    member_id: int | None = None
    member_name: str = ""
    column: str = ""
    url: str = ""
    role: str = ""
    party: str = ""
    constituency: str = ""


@dataclass(frozen=True)
class Tag:
    """A campaign tag and why it was given: the rule's name and the terms that matched.

    A tag is `confirmed` when something certain gave it (a citation of the campaign's
    instrument, the campaign named, a staff choice) and `suggested` when only text rules
    did; a suggested tag's `score` (0 to 1) says how sure the rules are, and the public
    pages show it only from the campaign's threshold up. `context` explains a tag given
    by what surrounds the text ("the debate's heading cites SI 2016/808").
    """

    campaign: str
    rule: str
    terms: tuple[str, ...] = ()
    status: Literal["confirmed", "suggested"] = "confirmed"
    score: float = 1.0
    context: str = ""


@dataclass
class Document:
    """One source document, keyed by a stable id such as `legislation:uksi/2016/808`.

    `url` is always the public canonical URL, never the host the spider fetched from.
    `body` is plain text (never HTML): it feeds full-text search, citations and tagging.
    `metadata` holds source-specific fields (SI number, house, UIN, attachments...).
    `fingerprint` is a hash of what a reader sees, where the source can say (GOV.UK):
    versions are keyed on it, so a changed timestamp alone is no new version. When it
    changes and the source reported no new event for the change, storage adds a
    `silent_change_kind` event (for example `guidance_updated`) saying so.
    The pipelines fill `cites` (legislation id -> the text that cited it) and `campaigns`;
    spiders leave them empty. `keep_if` says whether the document is stored whatever it
    says (the default) or only when it is relevant (see `KeepIf`).
    """

    id: str
    source: str
    doc_type: str
    title: str
    url: str
    summary: str = ""
    body: str = ""
    events: list[Event] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    silent_change_kind: str = ""
    keep_if: KeepIf = "always"
    cites: dict[str, str] = field(default_factory=dict)
    campaigns: list[Tag] = field(default_factory=list)


@dataclass
class Gone:
    """The source no longer serves a document we stored (HTTP 404 or 410).

    Storage marks the stored item gone with the day it was seen; nothing is deleted.
    """

    id: str
    url: str
    status: int


@dataclass
class Amendment:
    """One change one piece of legislation makes to another (legislation.gov.uk effects).

    Ids are legislation ids such as `uksi/2016/808`; provisions are the editors' labels
    ("reg. 3", "Sch. 1 para. 2").
    """

    affecting_id: str
    affected_id: str
    affecting_title: str = ""
    affected_title: str = ""
    effect_type: str = ""
    affected_provisions: str = ""
    #: Which provisions of the affecting instrument make the change: one change can be
    #: made by several provisions, each an effect of its own.
    affecting_provisions: str = ""
    #: When the change came into force (a change not in force yet has none).
    in_force_dates: tuple[str, ...] = ()
    #: Whether legislation.gov.uk's revised text includes it yet (None: not said).
    applied: bool | None = None


@dataclass
class AmendmentList:
    """The amendments one page of a changes feed lists, stored as links between
    instruments. `feed_url` is the feed's public URL, so a nightly run knows when it last
    read that feed."""

    feed_url: str
    amendments: list[Amendment]
