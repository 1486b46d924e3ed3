"""How good are the campaign rules? Precision and recall against labelled examples.

`data/tagging_evaluation.yml` holds texts as they appear in the sources, each labelled
with the campaigns it truly belongs to, near misses included. Staff run the evaluation
after changing the rules, to see what a change gains and what it breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.citations import cited_by
from pipelines.tagging import CampaignRules, tag_text
from timeline_spiders.text import document_text


@dataclass
class CampaignScore:
    campaign: str
    true_positives: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        tagged = len(self.true_positives) + len(self.false_positives)
        return len(self.true_positives) / tagged if tagged else 1.0

    @property
    def recall(self) -> float:
        relevant = len(self.true_positives) + len(self.false_negatives)
        return len(self.true_positives) / relevant if relevant else 1.0


@dataclass
class Example:
    id: str
    text: str
    cites: list[str]
    campaigns: set[str]


def load_examples(path: str | Path) -> list[Example]:
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [
        Example(
            id=entry["id"],
            text=document_text(entry.get("title", ""), "", entry["text"]),
            cites=list(entry.get("cites") or []),
            campaigns=set(entry.get("campaigns") or []),
        )
        for entry in document["examples"]
    ]


def evaluate(rules: CampaignRules, examples: list[Example]) -> list[CampaignScore]:
    """Score each campaign's rules; the cited legislation is found as the pipeline would."""
    scores = {slug: CampaignScore(slug) for slug in rules.slugs}
    for example in examples:
        cites = set(example.cites) | set(cited_by(example.id, example.text))
        predicted = {tag.campaign for tag in tag_text(rules, example.text, cites)}
        for slug, score in scores.items():
            if slug in predicted and slug in example.campaigns:
                score.true_positives.append(example.id)
            elif slug in predicted:
                score.false_positives.append(example.id)
            elif slug in example.campaigns:
                score.false_negatives.append(example.id)
    return list(scores.values())


def format_scores(scores: list[CampaignScore], examples: int) -> str:
    lines = [f"{examples} labelled examples"]
    for score in scores:
        lines.append(
            f"{score.campaign}: precision {score.precision:.2f}, recall {score.recall:.2f} "
            f"({len(score.true_positives)} right, {len(score.false_positives)} wrongly tagged, "
            f"{len(score.false_negatives)} missed)"
        )
        lines += [f"  wrongly tagged: {example}" for example in score.false_positives]
        lines += [f"  missed: {example}" for example in score.false_negatives]
    return "\n".join(lines)
