"""How good are the campaign rules? Precision and recall against labelled examples.

`data/tagging_evaluation/` holds texts as they appear in the sources, each labelled
with the campaigns it truly belongs to, hard negatives included, in two splits: `dev`,
which staff may tune the rules on, and `test`, held out to say how the rules do on
items nobody tuned them for. Staff run the evaluation after changing the rules, to see
what a change gains and what it breaks.

A tag counts as given when the public pages would show it: confirmed, or suggested
with a score from the campaign's `show_suggested_from` up. True tags below that wait in
the review queue; the evaluation counts them apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.citations import cited_by
from pipelines.tagging import CampaignRules, Context, Tagger
from pipelines.tagging.rules import written_keys
from pipelines.tagging.words import read_words, stem
from timeline_spiders.items import Tag
from timeline_spiders.text import document_text

SPLITS = ("dev", "test")


@dataclass
class CampaignScore:
    campaign: str
    true_positives: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)
    #: True tags suggested below the campaign's threshold: staff see them for review.
    review_queue: list[str] = field(default_factory=list)
    #: Wrong tags suggested below the threshold, which staff would reject in review.
    review_rejects: list[str] = field(default_factory=list)

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
    kind: str = ""
    context: str = ""


@dataclass
class Evaluation:
    """Scores per campaign, and per class of example how many were tagged right."""

    examples: int
    scores: list[CampaignScore]
    classes: dict[str, tuple[int, int]]  # class -> (right, total)


def load_examples(path: str | Path) -> list[Example]:
    """The labelled examples of one split. An example without its `campaigns` label
    (an empty list for none) is refused: read as "none" it would score a positive as a
    negative without anyone noticing."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    unlabelled = [
        entry.get("id", "?") for entry in document["examples"] if "campaigns" not in entry
    ]
    if unlabelled:
        raise ValueError(
            f"{path}: no campaigns label (write campaigns: [] for none): {', '.join(unlabelled)}"
        )
    return [
        Example(
            id=entry["id"],
            text=document_text(entry.get("title", ""), "", entry["text"]),
            cites=list(entry.get("cites") or []),
            campaigns=set(entry["campaigns"] or []),
            kind=entry.get("class", ""),
            context=" ".join((entry.get("context") or "").split()),
        )
        for entry in document["examples"]
    ]


def tags_for(tagger: Tagger, example: Example) -> list[Tag]:
    """The tags the pipeline would give the example: citations found as the pipeline
    finds them, the example's context read as context."""
    cites = set(example.cites) | set(cited_by(example.id, example.text))
    context = None
    if example.context:
        context = Context(example.context, "the context", cited_by(example.id, example.context))
    return tagger.tag(example.text, cites, context)


def evaluate(rules: CampaignRules, examples: list[Example]) -> Evaluation:
    """Score each campaign's rules as the public pages would show their tags."""
    tagger = Tagger(rules)
    thresholds = {c.slug: c.show_suggested_from for c in rules.campaigns}
    scores = {slug: CampaignScore(slug) for slug in rules.slugs}
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for example in examples:
        tags = {tag.campaign: tag for tag in tags_for(tagger, example)}
        shown = {s for s, t in tags.items() if t.status == "confirmed" or t.score >= thresholds[s]}
        for slug, score in scores.items():
            _count(score, example, slug in shown, slug in tags)
        total[example.kind] += 1
        right[example.kind] += shown == example.campaigns
    classes = {kind: (right[kind], total[kind]) for kind in sorted(total)}
    return Evaluation(len(examples), list(scores.values()), classes)


def _count(score: CampaignScore, example: Example, shown: bool, tagged: bool) -> None:
    relevant = score.campaign in example.campaigns
    if shown and relevant:
        score.true_positives.append(example.id)
    elif shown:
        score.false_positives.append(example.id)
    elif relevant:
        score.false_negatives.append(example.id)
        if tagged:
            score.review_queue.append(example.id)
    elif tagged:
        score.review_rejects.append(example.id)


def words_no_example_has(rules: CampaignRules, examples: list[Example]) -> list[str]:
    """The rules' words, as written, that no example has in any form. A word cut short
    as if it were a wildcard ("overpa" for overpaid, overpayment) is a stem no English
    word has, so it silently matches nothing; a rare word ("Stormont") is listed too,
    and staff tell which is which."""
    present: set[str] = set()
    for example in examples:
        for text in (example.text, example.context):
            for word in set(read_words(text).words):
                present.update((stem(word), f"={word}"))
    return sorted(
        {
            key if key.startswith("=") else word
            for phrase in rules.phrases()
            for word, key in written_keys(phrase.text)
            if key not in present
        }
    )


def format_evaluation(name: str, evaluation: Evaluation, *, listed: bool = True) -> str:
    """The scores as staff read them; `listed` adds each wrong and missed example."""
    lines = [f"{name}: {evaluation.examples} labelled examples"]
    for score in evaluation.scores:
        lines.append(
            f"  {score.campaign}: precision {score.precision:.2f}, recall {score.recall:.2f}"
            f" ({len(score.true_positives)} right, {len(score.false_positives)} wrongly tagged,"
            f" {len(score.false_negatives)} missed; review queue: {len(score.review_queue)}"
            f" true and {len(score.review_rejects)} wrong tags below the threshold)"
        )
        if listed:
            lines += [f"    wrongly tagged: {example}" for example in score.false_positives]
            lines += [f"    missed: {example}" for example in score.false_negatives]
    classes = ", ".join(f"{k} {r}/{t}" for k, (r, t) in evaluation.classes.items())
    lines.append(f"  examples tagged exactly right, by class: {classes}")
    return "\n".join(lines)
