"""Re-derive citations and campaign tags for everything stored, without crawling.

Run after the rules file changes (`scrapy retag`), and by the nightly job after
crawling, so a rules change reaches items no source re-sent. The nightly job skips the
work when neither the rules nor the tagging code changed since the last re-tag: items
crawled in between were tagged with the same rules as they were stored.

Items are read and written a chunk at a time, each chunk in a short transaction of its
own, so memory stays bounded and the site's readers (and the nightly job's writers)
never wait long at any size. Only rows that differ are written. The rules' fingerprint
is recorded after the last chunk, so a re-tag that is killed part-way is redone whole
by the next run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlite_utils

from pipelines.citations import cited_by
from pipelines.curation import CAMPAIGN_SOURCE
from pipelines.storage import TimelineStore
from pipelines.storage.store import StoredText
from pipelines.tagging import CampaignRules, tag_text
from timeline_spiders.text import document_text

#: Change this when tagging or citation code changes what it finds, so the next nightly
#: run re-tags everything even though the rules file is the same.
TAGGING_VERSION = "2"
STATE_KEY = "retagged_with"
#: Items per chunk: a chunk of debates is a few megabytes of text and well under a second.
CHUNK_SIZE = 500


def rules_fingerprint(rules: CampaignRules) -> str:
    """A fingerprint of the rules as loaded (comments and layout don't count)."""
    return hashlib.sha256(f"{TAGGING_VERSION}:{rules!r}".encode()).hexdigest()


@dataclass
class RetagReport:
    items: int = 0
    tags_changed: int = 0
    citations_changed: int = 0
    skipped: bool = False

    def __str__(self) -> str:
        if self.skipped:
            return "Campaign rules unchanged since the last re-tag: nothing to re-tag."
        return (
            f"Re-tagged {self.items} items: {self.tags_changed} with changed campaign tags, "
            f"{self.citations_changed} with changed citations."
        )


def retag_all(
    db: sqlite_utils.Database,
    rules: CampaignRules,
    *,
    only_if_rules_changed: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> RetagReport:
    store = TimelineStore(db)
    fingerprint = rules_fingerprint(rules)
    if only_if_rules_changed and store.state(STATE_KEY) == fingerprint:
        return RetagReport(skipped=True)
    report = RetagReport()
    with db.atomic():
        store.sync_campaigns(rules.campaign_rows())
    after = 0
    while chunk := store.texts_after(after, chunk_size):
        with db.atomic():
            _retag_chunk(store, rules, chunk, report)
        after = chunk[-1].rowid
    with db.atomic():
        store.set_state(STATE_KEY, fingerprint)
    return report


def _retag_chunk(
    store: TimelineStore, rules: CampaignRules, chunk: list[StoredText], report: RetagReport
) -> None:
    ids = [item.id for item in chunk]
    stored_tags = store.rule_tags_of(ids)
    stored_cites = store.citations_of(ids)
    for item in chunk:
        report.items += 1
        text = document_text(item.title, item.summary, item.body)
        cites = cited_by(item.id, text)
        if set(cites.items()) != stored_cites.get(item.id, set()):
            store.write_citations(item.id, cites)
            report.citations_changed += 1
        if item.source == CAMPAIGN_SOURCE:
            continue  # staff chose these items' campaigns in data/campaign_events.csv
        tags = tag_text(rules, text, cites)
        as_rows = {
            (t.campaign, t.rule, json.dumps(list(t.terms)), t.status, t.score, t.context)
            for t in tags
        }
        if as_rows != stored_tags.get(item.id, set()):
            store.write_rule_tags(item.id, tags)
            report.tags_changed += 1
