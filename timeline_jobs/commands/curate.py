"""`scrapy curate`: load the staff files in data/ without crawling."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from pipelines.curation import apply_curation
from pipelines.schema import open_database
from pipelines.tagging import RulesError, load_rules


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Load campaign events, tag overrides and notes from data/ (no crawling)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            rules = load_rules(self.settings.get("CAMPAIGN_RULES"))
        except RulesError as error:
            print(f"Rules refused, nothing loaded: {error}")
            self.exitcode = 2
            return
        db = open_database(self.settings.get("TIMELINE_DB"))
        try:
            report = apply_curation(db, rules, self.settings.get("CURATION_DIR"))
            print(report)
        finally:
            db.conn.close()
        self.exitcode = 0 if report.ok else 1
