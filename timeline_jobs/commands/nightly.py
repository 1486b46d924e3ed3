"""`scrapy nightly`: the scheduled job."""

from __future__ import annotations

import argparse
import uuid
from datetime import datetime
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from pipelines.curation import apply_curation
from pipelines.database import DatabaseUnusable, open_database
from pipelines.retag import retag_all
from pipelines.schema import migrate, optimise_search_index
from pipelines.storage import utc_now
from pipelines.storage.runs import RunLog
from pipelines.tagging import CampaignRules, RulesError, load_rules
from timeline_jobs.alerts import AlertSettings, send_alerts
from timeline_jobs.lock import JobLocked, exclusive_job
from timeline_jobs.report import format_outcome, format_run_report
from timeline_jobs.run_recorder import RunRecorder, SourceRun
from timeline_jobs.schedule import Schedule, SourceHistory, schedule
from timeline_spiders.base import TimelineSpider
from timeline_spiders.sources import Source, source_named

#: The `runs` row that says whether the campaign rules file was read (shown on /status).
RULES_RUN = "campaign rules"


class Command(ScrapyCommand):
    requires_project = True
    #: Sources not due this run (timeline_jobs/schedule.py).
    waiting = 0

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
            "what did succeed is stored either way. Refuses to start while another job "
            "writes to the same database."
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
        parser.add_argument(
            "--every-source",
            action="store_true",
            help="ask every source now, whether or not it is due (see SOURCE_SCHEDULE)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        db_path = Path(self.settings.get("TIMELINE_DB"))
        names = self.in_dependency_order(self.spiders_for(opts.source))
        try:
            with exclusive_job(db_path, "scrapy nightly"):
                prepare_database(db_path)
                rules = self.rules_checked(db_path)
                if rules is None:
                    self.exitcode = 1
                    return
                if not (opts.source or opts.backfill or opts.every_source):
                    names = self.due(db_path, names)
                self.exitcode = self.run_job(db_path, names, rules, opts.backfill)
        except (JobLocked, DatabaseUnusable) as error:
            print(error)
            self.exitcode = 2

    def rules_checked(self, db_path: Path) -> CampaignRules | None:
        """The campaign rules, or None when the file is refused: then nothing is crawled,
        the tags of the rules in force before stay, and a `campaign rules` run row says
        why on /status."""
        assert self.settings is not None
        path = self.settings.get("CAMPAIGN_RULES")
        started = utc_now()
        run = SourceRun(RULES_RUN, uuid.uuid4().hex[:12], started, started, status="ok")
        try:
            rules = load_rules(path)
        except RulesError as error:
            run.status, run.errors = "failed", [{"url": str(path), "reason": str(error)}]
            print(f"{error}\nNothing was crawled; the rules in force before still apply.")
            rules = None
        RunLog(db_path).started(run.as_row())
        return rules

    def due(self, db_path: Path, names: list[str]) -> list[str]:
        """The spiders of the sources due this run (all of them unless SOURCE_SCHEDULE is
        `due`); says which wait and why."""
        assert self.settings is not None
        if self.settings.get("SOURCE_SCHEDULE") != "due":
            return names
        by_source = {self.source_of_spider(name): name for name in names}
        history = {
            source: SourceHistory(last_success, last_attempt)
            for source, (last_success, last_attempt) in RunLog(db_path).last_starts().items()
        }
        now = datetime.fromisoformat(utc_now())
        plan: Schedule = schedule(map(source_named, by_source), history, now)
        if plan.waiting:
            print(plan)
        self.waiting = len(plan.waiting)
        return [name for source, name in by_source.items() if source in plan.asked]

    def run_job(self, db_path: Path, names: list[str], rules: CampaignRules, backfill: bool) -> int:
        """Crawl, load the staff files, re-tag, re-index, send alerts; the exit status.
        A destination that does not take its alert is reported, and never fails the run."""
        assert self.settings is not None
        started_at = utc_now()
        runs = self.crawl(names, backfill)
        print(format_run_report(runs))
        staff_ok = self.after_crawl(db_path, rules)
        self.alert(db_path, rules, started_at)
        sources = [self.source_of_spider(name) for name in names]
        print(format_outcome(runs, sources, waiting=self.waiting))
        all_ran = {run.source for run in runs} == set(sources) and not self.bootstrap_failed
        sources_ok = all_ran and all(run.succeeded for run in runs)
        return 0 if sources_ok and staff_ok else 1

    def source_of_spider(self, name: str) -> str:
        assert self.crawler_process is not None
        return _source_of_spider(self.crawler_process.spider_loader.load(name))

    @property
    def bootstrap_failed(self) -> bool:
        assert self.crawler_process is not None
        return bool(self.crawler_process.bootstrap_failed)

    def crawl(self, names: list[str], backfill: bool) -> list[SourceRun]:
        """Run the spiders in one process, each after the sources whose items it reads."""
        assert self.crawler_process is not None and self.settings is not None
        self.settings.set("TIMELINE_JOB_ID", uuid.uuid4().hex[:12], priority="cmdline")
        if backfill:
            self.settings.set("TIMELINE_BACKFILL", True, priority="cmdline")
        if not names:
            return []  # nothing due this run
        crawlers: list[Crawler] = [self.crawler_process.create_crawler(name) for name in names]
        started: dict[str, object] = {}
        for crawler in crawlers:
            source = _source_of(crawler)
            after = [started[other] for other in source.reads_items_of if other in started]
            started[source.name] = self.crawler_process.crawl(crawler, prerequisites=after)
        self.crawler_process.start()
        recorders = [crawler.get_extension(RunRecorder) for crawler in crawlers]
        return [r.run for r in recorders if r is not None and r.run is not None]

    def after_crawl(self, db_path: Path, rules: CampaignRules) -> bool:
        """Load the staff files, re-tag, re-index; whether staff files and re-tag went
        through (a refused file or re-tag needs a person, so the run says so)."""
        db = open_database(db_path)
        try:
            assert self.settings is not None
            curation = apply_curation(db, rules, self.settings.get("CURATION_DIR"))
            print(curation)
            retag = retag_all(db, rules, only_if_rules_changed=True)
            print(retag)
            steps = optimise_search_index(db)
            print(f"Search index optimised in {steps} short step{'s' if steps != 1 else ''}.")
        finally:
            db.conn.close()
        return curation.ok and not retag.refused

    def alert(self, db_path: Path, rules: CampaignRules, started_at: str) -> None:
        """Tell the campaigns what this run found; the outcome is a run row of its own."""
        assert self.settings is not None
        job_id = self.settings.get("TIMELINE_JOB_ID")
        db = open_database(db_path)
        try:
            report = send_alerts(
                db, rules, AlertSettings.from_settings(self.settings), job_id, started_at
            )
        finally:
            db.conn.close()
        print(report)
        RunLog(db_path).started(report.as_run(job_id, started_at, utc_now()).as_row())

    def spiders_for(self, wanted: list[str]) -> list[str]:
        """Spider names for `--source` values, which may name a spider or a source."""
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        by_source = {_source_of_spider(loader.load(name)): name for name in loader.list()}
        available = sorted(set(loader.list()) | set(by_source))
        names = []
        for value in wanted or sorted(loader.list()):
            if value not in available:
                raise UsageError(f"unknown source {value!r}; choose from {', '.join(available)}")
            names.append(by_source.get(value, value))
        return list(dict.fromkeys(names))

    def in_dependency_order(self, names: list[str]) -> list[str]:
        """Spiders whose items another reads (`Source.reads_items_of`) come first."""
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        spider_of = {_source_of_spider(loader.load(name)): name for name in names}
        ordered: list[str] = []

        def visit(name: str) -> None:
            if name in ordered:
                return
            for source in source_named(_source_of_spider(loader.load(name))).reads_items_of:
                if source in spider_of:
                    visit(spider_of[source])
            ordered.append(name)

        for name in names:
            visit(name)
        return ordered


def prepare_database(db_path: Path) -> None:
    """Create the database where there is none (saying so) and bring its schema up to
    date; anything unusable about it is a DatabaseUnusable sentence."""
    existed = db_path.exists()
    db = open_database(db_path, create=True)
    try:
        if not existed:
            print(f"No database at {db_path}: created a new, empty timeline.")
        if migrate(db):
            print("Database schema brought up to date.")
    finally:
        db.conn.close()


def _source_of_spider(spider_class: type) -> str:
    if issubclass(spider_class, TimelineSpider):
        return spider_class.source.name
    return str(getattr(spider_class, "name", ""))


def _source_of(crawler: Crawler) -> Source:
    assert crawler.spidercls is not None and issubclass(crawler.spidercls, TimelineSpider)
    return crawler.spidercls.source
