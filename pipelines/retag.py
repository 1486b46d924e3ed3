"""Re-derive citations and campaign tags for everything stored, without crawling.

Run after the rules file changes (and by the nightly job after crawling, so a rules
change is applied even to items no source re-sent). Only rows that differ are written,
all in one transaction: a refused rules file or a crash re-tags nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from pipelines.citations import cited_by
from pipelines.curation import CAMPAIGN_SOURCE
from pipelines.storage import TimelineStore
from pipelines.tagging import CampaignRules, tag_text
from pipelines.text import document_text


@dataclass
class RetagReport:
    items: int = 0
    tags_changed: int = 0
    citations_changed: int = 0

    def __str__(self) -> str:
        return (
            f"Re-tagged {self.items} items: {self.tags_changed} with changed campaign tags, "
            f"{self.citations_changed} with changed citations."
        )


def retag_all(db: sqlite_utils.Database, rules: CampaignRules) -> RetagReport:
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
    return report


def _grouped(db: sqlite_utils.Database, sql: str) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for item_id, *rest in db.execute(sql):
        grouped.setdefault(item_id, []).append(tuple(rest))
    return grouped
