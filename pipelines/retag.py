"""Re-derive citations and campaign tags for everything stored, without crawling.

Run after the rules file changes (`scrapy retag`), and by the nightly job after
crawling, so a rules change reaches items no source re-sent. The nightly job skips the
work when neither the rules nor the tagging code changed since the last re-tag: items
crawled in between were tagged with the same rules as they were stored.

A rules change that would take away most of the stored tags is more likely a mistake
(a campaign's rules deleted, a phrase misspelt) than an intention, so it is refused
unless confirmed (`scrapy retag --confirm`), and the nightly job leaves the tags alone
and says why. Deciding that needs the new tags of every item before any is written, so
the changes are worked out first and written after; when too many items change to keep
their changes in memory, they are worked out again while writing.

Items are read and written a chunk at a time, each chunk in a short transaction of its
own, so memory stays bounded and the site's readers (and the nightly job's writers)
never wait long at any size. Only rows that differ are written. The rules' fingerprint
is recorded after the last chunk, so a re-tag that is killed part-way is redone whole
by the next run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from pipelines.citations import cited_by
from pipelines.curation import CAMPAIGN_SOURCE
from pipelines.storage import TimelineStore
from pipelines.storage.store import StoredText
from pipelines.tagging import CampaignRules, Tagger, item_text
from timeline_spiders.items import Tag
from timeline_spiders.text import document_text

#: Change this when tagging or citation code changes what it finds, so the next nightly
#: run re-tags everything even though the rules file is the same.
TAGGING_VERSION = "8"
STATE_KEY = "retagged_with"
#: Items per chunk: a chunk of debates is a few megabytes of text and well under a second.
CHUNK_SIZE = 500
#: A re-tag that would remove more than this share of the stored tags needs confirming.
MOST_TAGS = 0.5
#: Changed items whose new rows are kept between working them out and writing them.
KEPT_CHANGES = 100_000


def rules_fingerprint(rules: CampaignRules) -> str:
    """A fingerprint of the rules as loaded (comments and layout don't count), the same
    in every process: sets are written sorted, since their order (and so their repr)
    changes with Python's hash seed, and a fingerprint that did made every nightly run
    re-tag everything."""
    canonical = json.dumps(_canonical(rules), sort_keys=True)
    return hashlib.sha256(f"{TAGGING_VERSION}:{canonical}".encode()).hexdigest()


def _canonical(value: Any) -> Any:
    """`value` as JSON-ready data whose text does not depend on the hash seed."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_canonical(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


@dataclass
class RetagReport:
    items: int = 0
    tags_changed: int = 0
    citations_changed: int = 0
    tags_added: int = 0
    tags_removed: int = 0
    to_suggested: int = 0
    to_confirmed: int = 0
    skipped: bool = False
    #: Why nothing was written, when the re-tag was refused.
    refused: str = ""
    removed_by_campaign: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        if self.skipped:
            return "Campaign rules unchanged since the last re-tag: nothing to re-tag."
        if self.refused:
            return f"Re-tag refused, stored tags left as they were: {self.refused}"
        return (
            f"Re-tagged {self.items} items: {self.tags_added} tags added, {self.tags_removed}"
            f" removed, {self.to_suggested} moved from confirmed to suggested and"
            f" {self.to_confirmed} from suggested to confirmed ({self.tags_changed} items);"
            f" {self.citations_changed} items with changed citations."
        )


@dataclass(frozen=True)
class Change:
    """What re-tagging writes for one item: its citations, its tags, or both."""

    item_id: str
    cites: dict[str, str] | None
    tags: list[Tag] | None


def retag_all(
    db: sqlite_utils.Database,
    rules: CampaignRules,
    *,
    only_if_rules_changed: bool = False,
    confirm: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> RetagReport:
    """Re-tag every stored item; refuse, unless `confirm`, to remove most stored tags."""
    store = TimelineStore(db)
    fingerprint = rules_fingerprint(rules)
    if only_if_rules_changed and store.state(STATE_KEY) == fingerprint:
        return RetagReport(skipped=True)
    report = RetagReport()
    if confirm:
        # Nothing can be refused, so each chunk is written as soon as it is worked out:
        # one pass, however many items change.
        chunks = _changes(store, rules, chunk_size, report)
    else:
        kept: list[Change] | None = []
        for changes in _changes(store, rules, chunk_size, report):
            if kept is not None and len(kept) + len(changes) <= KEPT_CHANGES:
                kept.extend(changes)
            else:
                kept = None
        report.refused = _refusal(db, report)
        if report.refused:
            return report
        chunks = (
            _chunked(kept, chunk_size) if kept is not None else _changes(store, rules, chunk_size)
        )
    with db.atomic():
        store.sync_campaigns(rules.campaign_rows())
    for chunk in chunks:
        with db.atomic():
            _write(store, chunk)
    with db.atomic():
        store.set_state(STATE_KEY, fingerprint)
    return report


def _changes(
    store: TimelineStore, rules: CampaignRules, chunk_size: int, report: RetagReport | None = None
) -> Iterator[list[Change]]:
    """Each chunk's changes, counted into `report` when one is given."""
    tagger = Tagger(rules)
    after = 0
    while chunk := store.texts_after(after, chunk_size):
        yield _chunk_changes(store, tagger, chunk, report or RetagReport())
        after = chunk[-1].rowid


def _chunk_changes(
    store: TimelineStore, tagger: Tagger, chunk: list[StoredText], report: RetagReport
) -> list[Change]:
    ids = [item.id for item in chunk]
    stored_tags, stored_cites = store.rule_tags_of(ids), store.citations_of(ids)
    changes = []
    for item in chunk:
        report.items += 1
        cites = cited_by(item.id, document_text(item.title, item.summary, item.body))
        new_cites = cites if set(cites.items()) != stored_cites.get(item.id, set()) else None
        new_tags = None
        if item.source != CAMPAIGN_SOURCE:  # staff chose these items' campaigns
            read = item_text(item.id, item.source, item.title, item.summary, item.body, "", cites)
            tags = tagger.tag(read.text, read.cites, read.context)
            before = stored_tags.get(item.id, set())
            if {_row(tag) for tag in tags} != before:
                new_tags = tags
                _count(report, before, tags)
        if new_cites is not None or new_tags is not None:
            report.citations_changed += new_cites is not None
            changes.append(Change(item.id, new_cites, new_tags))
    return changes


def _row(tag: Tag) -> tuple[Any, ...]:
    return (tag.campaign, tag.rule, json.dumps(list(tag.terms)), tag.status, tag.score, tag.context)


def _count(report: RetagReport, before: set[tuple[Any, ...]], tags: list[Tag]) -> None:
    report.tags_changed += 1
    old = {row[0]: row[3] for row in before}
    new = {tag.campaign: tag.status for tag in tags}
    report.tags_added += len(new.keys() - old.keys())
    for campaign in old.keys() - new.keys():
        report.tags_removed += 1
        report.removed_by_campaign[campaign] += 1
    for campaign in old.keys() & new.keys():
        report.to_suggested += (old[campaign], new[campaign]) == ("confirmed", "suggested")
        report.to_confirmed += (old[campaign], new[campaign]) == ("suggested", "confirmed")


def _refusal(db: sqlite_utils.Database, report: RetagReport) -> str:
    """Why the re-tag must not go ahead unconfirmed, or "" when it may."""
    (stored,) = db.execute("select count(*) from item_campaigns").fetchone()
    if not stored or report.tags_removed <= MOST_TAGS * stored:
        return ""
    per_campaign = ", ".join(
        f"{campaign} {count}" for campaign, count in report.removed_by_campaign.most_common()
    )
    return (
        f"the rules would remove {report.tags_removed} of the {stored} stored tags"
        f" ({per_campaign}), more than {MOST_TAGS:.0%}; check data/campaigns.yml, and run"
        " `scrapy retag --confirm` if that is what you want."
    )


def _chunked(changes: list[Change], size: int) -> Iterator[list[Change]]:
    for start in range(0, len(changes), size):
        yield changes[start : start + size]


def _write(store: TimelineStore, changes: list[Change]) -> None:
    for change in changes:
        if change.cites is not None:
            store.write_citations(change.item_id, change.cites)
        if change.tags is not None:
            store.write_rule_tags(change.item_id, change.tags)
