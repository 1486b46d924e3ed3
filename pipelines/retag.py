"""Re-derive citations and campaign tags for everything stored, without crawling.

Run after the rules file changes (`scrapy retag`), and by the nightly job after
crawling, so a rules change reaches items no source re-sent. The nightly job skips the
work when neither the rules nor the tagging code changed since the last re-tag: items
crawled in between were tagged with the same rules as they were stored, and at the
scale of all of Hansard a re-tag takes hours. Only rows that differ are written, all in
one transaction: a refused rules file or a crash re-tags nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlite_utils

from pipelines.citations import cited_by
from pipelines.curation import CAMPAIGN_SOURCE
from pipelines.storage import TimelineStore
from pipelines.tagging import CampaignRules, tag_text
from pipelines.text import document_text

#: Change this when tagging or citation code changes what it finds, so the next nightly
#: run re-tags everything even though the rules file is the same.
TAGGING_VERSION = "2"
STATE_KEY = "retagged_with"


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
    db: sqlite_utils.Database, rules: CampaignRules, *, only_if_rules_changed: bool = False
) -> RetagReport:
    fingerprint = rules_fingerprint(rules)
    if only_if_rules_changed and _last_fingerprint(db) == fingerprint:
        return RetagReport(skipped=True)
    store = TimelineStore(db)
    report = RetagReport()
    stored_tags = _grouped(db, "select item_id, campaign, rule, terms from item_campaigns")
    stored_cites = _grouped(db, "select item_id, legislation_id, matched_text from citations")
    store.sync_campaigns(rules)
    with db.conn:
        for item_id, source, title, summary, body in db.execute(
            "select id, source, title, summary, body from items"
        ):
            report.items += 1
            text = document_text(title, summary, body)
            cites = cited_by(item_id, text)
            if set(cites.items()) != {(a, b) for a, b, *_ in stored_cites.get(item_id, [])}:
                store.write_citations(item_id, cites)
                report.citations_changed += 1
            if source == CAMPAIGN_SOURCE:
                continue  # staff chose these items' campaigns in data/campaign_events.csv
            tags = tag_text(rules, text, cites)
            as_rows = {(t.campaign, t.rule, json.dumps(list(t.terms))) for t in tags}
            if as_rows != set(stored_tags.get(item_id, [])):
                store.write_rule_tags(item_id, tags)
                report.tags_changed += 1
        db.execute(
            "insert into state (key, value) values (?, ?)"
            " on conflict (key) do update set value = excluded.value",
            [STATE_KEY, fingerprint],
        )
    return report


def _last_fingerprint(db: sqlite_utils.Database) -> str | None:
    row = db.execute("select value from state where key = ?", [STATE_KEY]).fetchone()
    return row[0] if row else None


def _grouped(db: sqlite_utils.Database, sql: str) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for item_id, *rest in db.execute(sql):
        grouped.setdefault(item_id, []).append(tuple(rest))
    return grouped
