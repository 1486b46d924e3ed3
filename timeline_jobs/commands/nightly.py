"""`scrapy nightly`: the scheduled job."""

from __future__ import annotations

import argparse
import uuid

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from pipelines.curation import apply_curation
from pipelines.retag import retag_all
from pipelines.schema import open_database
from pipelines.tagging import RulesError, load_rules
from timeline_spiders.commands._report import format_outcome, format_run_report


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Run every source, re-tag and re-index, print and store the run report"

    def long_desc(self) -> str:
        return (
            "Runs every spider in one process, loads the staff files in data/, then "
            "re-derives citations and campaign tags for everything stored and optimises the "
            "search index. Prints one line per source and stores the report in the runs "
            "table. Exits 0 only if every source succeeded and every staff file loaded; "
            "what did succeed is stored either way."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--source",
            action="append",
            default=[],
            metavar="NAME",
            help="run only this source or spider (repeatable); default: every source",
        )
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="search every source from BACKFILL_FROM, not from the last successful run",
        )

    def spiders_for(self, wanted: list[str]) -> list[str]:
        """Spider names for `--source` values, which may name a spider or a source."""
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        by_source = {loader.load(name).source: name for name in loader.list()}
        available = sorted(set(loader.list()) | set(by_source))
        names = []
        for value in wanted or sorted(loader.list()):
            if value not in available:
                raise UsageError(f"unknown source {value!r}; choose from {', '.join(available)}")
            names.append(by_source.get(value, value))
        return list(dict.fromkeys(names))

    def in_dependency_order(self, names: list[str]) -> list[str]:
        """Spiders named in another's `runs_after` come first."""
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        ordered: list[str] = []

        def visit(name: str) -> None:
            if name in ordered:
                return
            for other in loader.load(name).runs_after:
                if other in names:
                    visit(other)
            ordered.append(name)

        for name in names:
            visit(name)
        return ordered

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None and self.settings is not None
        try:
            rules = load_rules(self.settings.get("CAMPAIGN_RULES"))
        except RulesError as error:
            raise UsageError(str(error), print_help=False) from None
        names = self.in_dependency_order(self.spiders_for(opts.source))

        self.settings.set("TIMELINE_JOB_ID", uuid.uuid4().hex[:12], priority="cmdline")
        if opts.backfill:
            self.settings.set("TIMELINE_BACKFILL", True, priority="cmdline")
        crawlers = [self.crawler_process.create_crawler(name) for name in names]
        tasks: dict[str, object] = {}
        for name, crawler in zip(names, crawlers, strict=True):
            after = [tasks[other] for other in crawler.spidercls.runs_after if other in tasks]
            tasks[name] = self.crawler_process.crawl(crawler, prerequisites=after)
        self.crawler_process.start()

        runs = [c.run_recorder.run for c in crawlers if getattr(c, "run_recorder", None)]
        runs = [run for run in runs if run is not None]
        print(format_run_report(runs))

        db = open_database(self.settings.get("TIMELINE_DB"))
        try:
            curation = apply_curation(db, rules, self.settings.get("CURATION_DIR"))
            print(curation)
            print(retag_all(db, rules, only_if_rules_changed=True))
            db["items"].optimize()
            print("Search index optimised.")
        finally:
            db.conn.close()
        print(format_outcome(runs))
        all_ran = len(runs) == len(names) and not self.crawler_process.bootstrap_failed
        sources_ok = all_ran and all(run.succeeded for run in runs)
        self.exitcode = 0 if sources_ok and curation.ok else 1
