"""`scrapy evaluate_tags`: precision and recall of the campaign rules on labelled examples."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand

from pipelines.evaluation import (
    SPLITS,
    evaluate,
    format_evaluation,
    load_examples,
    words_no_example_has,
)
from pipelines.tagging import RulesError, load_rules


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def short_desc(self) -> str:
        return "Score the campaign rules against data/tagging_evaluation/ (dev and test)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--examples",
            default="data/tagging_evaluation",
            help="folder of labelled examples, one file per split (default: %(default)s)",
        )
        parser.add_argument(
            "--split",
            choices=[*SPLITS, "all"],
            default="all",
            help="which split to score: tune the rules on dev only (default: %(default)s)",
        )
        parser.add_argument(
            "--summary",
            action="store_true",
            help="figures only, without the wrong and missed examples",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            rules = load_rules(self.settings.get("CAMPAIGN_RULES"))
        except RulesError as error:
            print(f"Rules refused: {error}")
            self.exitcode = 2
            return
        splits = SPLITS if opts.split == "all" else (opts.split,)
        for split in splits:
            examples = load_examples(Path(opts.examples) / f"{split}.yml")
            evaluation = evaluate(rules, examples)
            print(format_evaluation(split, evaluation, listed=not opts.summary))
            if split == "dev":
                # Only the split the rules are tuned on: the test split's words stay unseen.
                unseen = words_no_example_has(rules, examples)
                print(
                    f"  rule words no dev example has in any form ({len(unseen)}; a rare word,"
                    f" or one cut short that matches nothing): {', '.join(unseen) or 'none'}"
                )
