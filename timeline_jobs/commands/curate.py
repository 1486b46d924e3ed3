"""`scrapy curate`: load the staff files in data/ without crawling."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from pipelines.curation import apply_curation
from pipelines.database import DatabaseUnusable, open_database
from pipelines.schema import migrate
from pipelines.tagging import RulesError, load_rules
from timeline_jobs.lock import JobLocked, exclusive_job


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Load campaign events, tag overrides and notes from data/ (no crawling)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--confirm-removals",
            action="store_true",
            help="apply a file even if it takes most of what it published off the timeline",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            rules = load_rules(self.settings.get("CAMPAIGN_RULES"))
        except RulesError as error:
            print(f"Rules refused, nothing loaded: {error}")
            self.exitcode = 2
            return
        db_path = self.settings.get("TIMELINE_DB")
        try:
            with exclusive_job(db_path, "scrapy curate"):
                db = open_database(db_path)
                try:
                    migrate(db)
                    report = apply_curation(
                        db,
                        rules,
                        self.settings.get("CURATION_DIR"),
                        confirm_removals=opts.confirm_removals,
                    )
                finally:
                    db.conn.close()
        except (JobLocked, DatabaseUnusable) as error:
            print(error)
            self.exitcode = 2
            return
        print(report)
        self.exitcode = 0 if report.ok else 1
