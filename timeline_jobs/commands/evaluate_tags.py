"""`scrapy evaluate_tags`: precision and recall of the campaign rules on labelled examples."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from pipelines.evaluation import evaluate, format_scores, load_examples
from pipelines.tagging import RulesError, load_rules


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Score the campaign rules against data/tagging_evaluation.yml"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--examples",
            default="data/tagging_evaluation.yml",
            help="labelled examples (default: %(default)s)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            rules = load_rules(self.settings.get("CAMPAIGN_RULES"))
        except RulesError as error:
            print(f"Rules refused: {error}")
            self.exitcode = 2
            return
        examples = load_examples(opts.examples)
        print(format_scores(evaluate(rules, examples), len(examples)))
