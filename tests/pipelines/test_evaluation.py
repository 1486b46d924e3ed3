from pathlib import Path

import pytest

from pipelines.evaluation import (
    Example,
    evaluate,
    format_evaluation,
    load_examples,
    words_no_example_has,
)
from pipelines.tagging import load_rules

DATA = Path(__file__).resolve().parents[2] / "data"
RULES = load_rules(DATA / "campaigns.yml")
EXAMPLES = DATA / "tagging_evaluation"


def test_scores_count_right_wrong_and_missed_tags():
    examples = [
        Example("a", "The school census records pupil nationality.", [], {"boycott-school-census"}),
        Example("b", "Nothing relevant here.", [], {"boycott-school-census"}),
        Example("c", "The AP census collects reasons for placement.", [], set()),
    ]
    scores = {score.campaign: score for score in evaluate(RULES, examples).scores}
    boycott = scores["boycott-school-census"]
    assert (boycott.true_positives, boycott.false_negatives) == (["a"], ["b"])
    assert boycott.recall == 0.5
    labels = scores["labels-last-a-lifetime"]
    assert (labels.false_positives, labels.precision) == (["c"], 0.0)


def test_a_suggested_tag_below_the_threshold_is_a_miss_that_waits_in_the_review_queue():
    # The AP census named alone (a collection's dates) is weak evidence.
    text = "The AP census is collected each January."
    evaluation = evaluate(RULES, [Example("a", text, [], {"labels-last-a-lifetime"})])
    labels = next(s for s in evaluation.scores if s.campaign == "labels-last-a-lifetime")
    assert (labels.false_negatives, labels.review_queue) == (["a"], ["a"])
    assert "review queue: 1 true and 0 wrong tags below the threshold" in format_evaluation(
        "dev", evaluation
    )


def test_an_example_is_read_with_its_context():
    example = Example(
        "a",
        "I thank the Minister. Who will see why a named child was placed?",
        [],
        {"labels-last-a-lifetime"},
        kind="context",
        context="Debate heading: Alternative Provision Census: Reasons for Placement.",
    )
    evaluation = evaluate(RULES, [example])
    assert evaluation.classes == {"context": (1, 1)}


def test_rule_words_no_example_has_are_listed_so_a_word_cut_short_is_seen(tmp_path):
    rules = tmp_path / "campaigns.yml"
    rules.write_text(
        "campaigns:\n"
        "  - slug: test-campaign\n    hashtag: '#Test'\n    title: Test\n"
        "    description: A test campaign.\n    show_suggested_from: 0.5\n    rules:\n"
        "      - name: repaid\n        all_of: [[student loan], [overpa, =repaid, stormont]]\n",
        encoding="utf-8",
    )
    examples = [Example("a", "#Test: student loans were overpaid, and some repaid.", [], set())]
    # "overpa" is no form of overpaid (its stem is "overpaid"): it would match nothing.
    assert words_no_example_has(load_rules(rules), examples) == ["overpa", "stormont"]


def test_an_example_without_its_campaigns_label_is_refused_not_read_as_negative(tmp_path):
    split = tmp_path / "dev.yml"
    split.write_text(
        "examples:\n"
        "  - id: labelled\n    text: Pupil nationality.\n    campaigns: []\n"
        "  - id: forgotten\n    text: Pupil nationality in the school census.\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"no campaigns label.*: forgotten$"):
        load_examples(split)


def test_both_splits_are_there_and_the_test_split_is_held_out():
    dev, test = (load_examples(EXAMPLES / f"{split}.yml") for split in ("dev", "test"))
    assert len(dev) >= 6700 and len(test) >= 570
    assert not {example.id for example in dev} & {example.id for example in test}


def test_the_campaign_rules_meet_the_quality_targets_on_the_held_out_test_split():
    """Only figures are reported, never the examples: the test split is not for tuning."""
    evaluation = evaluate(RULES, load_examples(EXAMPLES / "test.yml"))
    figures = {
        f"{score.campaign} {name}": round(value, 3)
        for score in evaluation.scores
        for name, value in (("precision", score.precision), ("recall", score.recall))
    }
    assert {name: value for name, value in figures.items() if value < 0.95} == {}
