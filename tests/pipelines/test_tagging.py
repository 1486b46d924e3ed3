from pathlib import Path

import pytest

from pipelines.tagging import RulesError, load_rules, tag_text

RULES = load_rules(Path(__file__).resolve().parents[2] / "data" / "campaigns.yml")


def campaigns(text: str, cites: list[str] | None = None) -> list[str]:
    return [tag.campaign for tag in tag_text(RULES, text, cites or [])]


def test_nationality_in_the_school_census_is_boycott_school_census():
    text = "From this autumn the school census will record each pupil's nationality."
    assert campaigns(text) == ["boycott-school-census"]


def test_citing_si_2016_808_is_enough_whatever_the_words():
    assert campaigns("Motion to Regret", cites=["uksi/2016/808"]) == ["boycott-school-census"]


def test_alternative_provision_census_is_labels_last_a_lifetime():
    text = "The alternative provision census will collect reasons for placement."
    assert campaigns(text) == ["labels-last-a-lifetime"]


def test_pregnancy_recorded_as_a_reason_for_alternative_provision_is_labels_last_a_lifetime():
    text = "Councils record whether pupils in alternative provision were placed for pregnancy."
    assert campaigns(text) == ["labels-last-a-lifetime"]


def test_near_miss_alternative_provision_for_mental_health_without_data_is_not_tagged():
    text = "Alternative provision helps pupils with mental health needs return to school."
    assert campaigns(text) == []


def test_an_item_can_belong_to_both_campaigns():
    text = "The school census asks for nationality; the AP census asks about pregnancy."
    assert campaigns(text) == ["boycott-school-census", "labels-last-a-lifetime"]


def test_near_miss_the_2021_population_census_is_not_tagged():
    text = (
        "The 2021 census will ask every household about country of birth and nationality; "
        "schools will help families take part in census day."
    )
    assert campaigns(text) == []


def test_near_miss_an_immigration_debate_without_schools_is_not_tagged():
    text = (
        "The Home Office will publish nationality statistics on immigration enforcement, "
        "and data on visas granted by country of birth."
    )
    assert campaigns(text) == []


def test_words_far_apart_do_not_match_together():
    filler = " ".join(["unrelated"] * 60)
    assert campaigns(f"The school census is collected. {filler} Nationality law.") == []


def test_a_tag_says_which_rule_and_terms_matched():
    (tag,) = tag_text(RULES, "The Home Office asked for pupil data from the school census.", [])
    assert tag.campaign == "boycott-school-census"
    assert tag.rule == "Home Office use of pupil data"
    assert tag.terms == ("home office", "pupil data")


def test_rules_give_search_phrases_and_tracked_documents():
    assert "alternative provision census" in RULES.search_phrases()
    assert RULES.search_plan().tracked_list("legislation") == ["uksi/2016/808", "uksi/2017/807"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaigns.yml"
    path.write_text(text, encoding="utf-8")
    return path


VALID_CAMPAIGN = """\
campaigns:
  - slug: test-campaign
    hashtag: "#Test"
    title: Test
    description: A test campaign.
    rules:
"""


@pytest.mark.parametrize(
    ("rules", "line", "reason"),
    [
        ("      - name: no kind\n", 7, "needs exactly one of cites, any_of, all_of"),
        ("      - name: bad\n        cites: [SI 2016/808]\n", 7, "is not like uksi/2016/808"),
        ("      - name: one group\n        all_of: [[a, b]]\n", 7, "two or more lists"),
        ("      - name: typo\n        any_off: [a]\n", 7, "unknown rule field(s): any_off"),
        ("      - name: x\n        any_of: a: b\n", 8, "not valid YAML"),
    ],
)
def test_a_rules_file_with_a_mistake_is_refused_naming_the_line(tmp_path, rules, line, reason):
    path = write(tmp_path, VALID_CAMPAIGN + rules)
    with pytest.raises(RulesError) as error:
        load_rules(path)
    assert f"{path}:{line}:" in str(error.value)
    assert reason in str(error.value)


def test_a_bad_slug_is_refused(tmp_path):
    path = write(tmp_path, VALID_CAMPAIGN.replace("test-campaign", "Test Campaign"))
    with pytest.raises(RulesError, match=":2: slug 'Test Campaign'"):
        load_rules(path)


def test_a_wildcard_matches_word_starts(tmp_path):
    path = write(tmp_path, VALID_CAMPAIGN + "      - name: w\n        any_of: [pupil* data]\n")
    rules = load_rules(path)
    assert [t.terms for t in tag_text(rules, "Pupils' data was shared", [])] == [("pupil* data",)]
    assert tag_text(rules, "Pupil records were shared", []) == []
