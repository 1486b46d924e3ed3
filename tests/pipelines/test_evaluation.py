from pathlib import Path

from pipelines.evaluation import Example, evaluate, load_examples
from pipelines.tagging import load_rules

DATA = Path(__file__).resolve().parents[2] / "data"
RULES = load_rules(DATA / "campaigns.yml")


def test_scores_count_right_wrong_and_missed_tags():
    examples = [
        Example("a", "The school census records pupil nationality.", [], {"boycott-school-census"}),
        Example("b", "Nothing relevant here.", [], {"boycott-school-census"}),
        Example("c", "The AP census collects reasons for placement.", [], set()),
    ]
    scores = {score.campaign: score for score in evaluate(RULES, examples)}
    boycott = scores["boycott-school-census"]
    assert (boycott.true_positives, boycott.false_negatives) == (["a"], ["b"])
    assert boycott.recall == 0.5
    labels = scores["labels-last-a-lifetime"]
    assert (labels.false_positives, labels.precision) == (["c"], 0.0)


def test_the_campaign_rules_meet_the_quality_targets_on_the_labelled_examples():
    examples = load_examples(DATA / "tagging_evaluation.yml")
    assert len(examples) >= 80
    for score in evaluate(RULES, examples):
        assert score.precision >= 0.95, (score.campaign, score.false_positives)
        assert score.recall >= 0.95, (score.campaign, score.false_negatives)
