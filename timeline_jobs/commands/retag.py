"""`scrapy retag`: apply the campaign rules to everything stored, without crawling."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from pipelines.retag import retag_all
from pipelines.schema import open_database
from pipelines.tagging import RulesError, load_rules


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Re-derive campaign tags and citations for every stored item from the rules file"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            rules = load_rules(self.settings.get("CAMPAIGN_RULES"))
        except RulesError as error:
            print(f"Rules refused, nothing re-tagged: {error}")
            self.exitcode = 2
            return
        db = open_database(self.settings.get("TIMELINE_DB"))
        try:
            print(retag_all(db, rules))
        finally:
            db.conn.close()
