"""`scrapy retag`: apply the campaign rules to everything stored, without crawling."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from pipelines.database import DatabaseUnusable, open_database
from pipelines.retag import retag_all
from pipelines.schema import migrate
from pipelines.tagging import RulesError, load_rules
from timeline_jobs.lock import JobLocked, exclusive_job


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Re-derive campaign tags and citations for every stored item from the rules file"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="re-tag even when the rules would remove most of the stored tags",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            rules = load_rules(self.settings.get("CAMPAIGN_RULES"))
        except RulesError as error:
            print(f"Rules refused, nothing re-tagged: {error}")
            self.exitcode = 2
            return
        db_path = self.settings.get("TIMELINE_DB")
        try:
            with exclusive_job(db_path, "scrapy retag"):
                db = open_database(db_path)
                try:
                    migrate(db)
                    report = retag_all(db, rules, confirm=opts.confirm)
                    print(report)
                    if report.refused:
                        self.exitcode = 1
                finally:
                    db.conn.close()
        except (JobLocked, DatabaseUnusable) as error:
            print(error)
            self.exitcode = 2
