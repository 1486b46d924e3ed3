"""Reading and checking the rules file staff edit (`data/campaigns.yml`).

Staff make mistakes a program must not guess around: a misspelt key (`exlude:`), a key
written twice, a wildcard that would tag half of Hansard (`c*`), an empty campaign list.
Each is refused with one sentence naming the file and line, and nothing is re-tagged.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from pipelines.tagging.checking import PhraseReader, RulesError
from pipelines.tagging.rule_reading import LEGISLATION_ID, RuleReader
from pipelines.tagging.rules import Campaign, CampaignRules, Phrase, Rule
from pipelines.tagging.words import read_words
from pipelines.tagging.yaml_lines import LineLoader, Located, line_of

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOP_KEYS = frozenset({"campaigns", "tracked", "negation_words", "not_negating"})
CAMPAIGN_KEYS = frozenset(
    {"slug", "hashtag", "title", "description", "search_phrases", "rules", "exclude"}
    | {"denials", "show_suggested_from", "outweighs_denials_from"}
)
#: What each tracked list holds, as a pattern its entries must match and an example.
TRACKED_FORMS: dict[str, tuple[re.Pattern[str], str]] = {
    "legislation": (LEGISLATION_ID, "like uksi/2016/808"),
    "legislation_title_searches": (re.compile(r"^\S.*$"), "a title to search for"),
    "govuk_paths": (re.compile(r"^/[^\s?#]+$"), "a GOV.UK path like /government/..."),
    "bills": (re.compile(r"^[1-9]\d*$"), "a Bills API bill id like 1773"),
    "committee_business": (re.compile(r"^[1-9]\d*$"), "a Committees API business id"),
    "petitions": (re.compile(r"^[1-9]\d*$"), "a petition id like 131215"),
}


def load_rules(path: str | Path) -> CampaignRules:
    """Read and check the rules file; raise RulesError naming the line of any mistake.

    The file is read every time, so an edit is always seen; rules already made from the
    same text are reused, because every spider's tagging and storage pipelines load them
    (a third of a second each) and the re-tagging caches live on the rules."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError(f"{path}: cannot read the rules file: {error.strerror}.") from None
    return _rules_from(str(path), text)


@functools.lru_cache(maxsize=4)
def _rules_from(path: str, text: str) -> CampaignRules:
    try:
        document = yaml.load(text, Loader=LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        problem = getattr(error, "problem", None) or str(error)
        raise RulesError(f"{where}: not valid YAML: {problem}.") from None
    return FileReader(Path(path)).read(document)


class FileReader(PhraseReader):
    """Turns the parsed file into CampaignRules, failing at the first mistake."""

    def read(self, document: Any) -> CampaignRules:
        if not isinstance(document, Located) or not isinstance(document.get("campaigns"), list):
            raise self.fail(document, "the file must have a 'campaigns:' list")
        self.known_keys(document, TOP_KEYS, "top-level")
        if not document["campaigns"]:
            raise self.fail(document["campaigns"], "'campaigns:' is empty: nothing would be tagged")
        campaigns = [self.campaign(entry) for entry in document["campaigns"]]
        seen: set[str] = set()
        for campaign, entry in zip(campaigns, document["campaigns"], strict=True):
            if campaign.slug in seen:
                raise self.fail(entry, f"campaign slug {campaign.slug!r} is used twice")
            seen.add(campaign.slug)
        negations = document.get("negation_words") or []
        words = tuple(w.lower() for w in self.strings(document, "negation_words", negations))
        return CampaignRules(
            tuple(campaigns),
            self.tracked(document),
            words,
            self.not_negating(document, frozenset(words)),
        )

    def not_negating(self, document: Located, negations: frozenset[str]) -> tuple[str, ...]:
        """Phrases in which a negation word negates nothing; each must hold one."""
        phrases = self.strings(document, "not_negating", document.get("not_negating") or [])
        for phrase in phrases:
            if negations.isdisjoint(read_words(phrase).words):
                raise self.fail(
                    document,
                    f"'not_negating' phrase {phrase!r} has none of the negation_words",
                    document.line_of("not_negating"),
                )
        return tuple(phrases)

    def tracked(self, document: Located) -> dict[str, tuple[str, ...]]:
        tracked = document.get("tracked") or Located()
        if not isinstance(tracked, Located):
            raise self.fail(document, "'tracked:' must be a mapping of lists")
        self.known_keys(tracked, frozenset(TRACKED_FORMS), "tracked list")
        lists = {}
        for name, values in tracked.items():
            if isinstance(values, list):
                values = [str(v) if isinstance(v, int) else v for v in values]
            lists[name] = tuple(self.strings(tracked, name, values, tracked.line_of(name)))
            form, example = TRACKED_FORMS[name]
            for value in lists[name]:
                if not form.match(value):
                    line = line_of(tracked[name]) or tracked.line_of(name)
                    raise self.fail(tracked, f"tracked {name} {value!r} is not {example}", line)
        return lists

    def campaign(self, entry: Any) -> Campaign:
        if not isinstance(entry, Located):
            raise self.fail(entry, "each campaign must be a mapping with slug, hashtag, ...")
        self.known_keys(entry, CAMPAIGN_KEYS, "campaign")
        for key in ("slug", "hashtag", "title", "description"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise self.fail(entry, f"campaign is missing '{key}'")
        slug = entry["slug"]
        if not SLUG.match(slug):
            raise self.fail(entry, f"slug {slug!r} must be lower-case-words-with-dashes")
        rules = entry.get("rules")
        if not isinstance(rules, list) or not rules:
            raise self.fail(entry, f"campaign {slug!r} has no 'rules:' list")
        reader = RuleReader(self)
        return Campaign(
            slug=slug,
            hashtag=entry["hashtag"].strip(),
            title=entry["title"].strip(),
            description=" ".join(entry["description"].split()),
            rules=(*(reader.rule(rule) for rule in rules), *self.hashtag_rule(entry)),
            show_suggested_from=self.threshold(entry),
            outweighs_denials_from=self.outweighing(entry),
            exclude=tuple(self.phrases(entry, "exclude", entry.get("exclude") or [])),
            denials=tuple(self.phrases(entry, "denials", entry.get("denials") or [])),
            search_phrases=tuple(
                self.strings(entry, "search_phrases", entry.get("search_phrases") or [])
            ),
        )

    def hashtag_rule(self, entry: Located) -> tuple[Rule, ...]:
        """The campaign named by its own hashtag ("#LabelsLastaLifetime") confirms its tag
        without a rule saying so."""
        words = read_words(entry["hashtag"]).words
        if len(words) != 1 or len(words[0]) < 4:
            return ()
        phrase = Phrase.parse(f"={words[0]}")
        return (Rule(name="campaign's hashtag", groups=((phrase,),), confirms=True),)

    def threshold(self, entry: Located) -> float:
        value = self.score(entry, "show_suggested_from", "from which suggested tags are shown")
        if value is None:
            raise self.fail(
                entry,
                f"campaign {entry['slug']!r} needs 'show_suggested_from:', a score from 0 to 1"
                " from which suggested tags are shown publicly",
            )
        return value

    def outweighing(self, entry: Located) -> float | None:
        return self.score(
            entry, "outweighs_denials_from", "from which an item's own matches outweigh its denials"
        )

    def score(self, entry: Located, key: str, meaning: str) -> float | None:
        """The campaign's optional score setting `key`, from 0 to 1."""
        if key not in entry:
            return None
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.fail(
                entry,
                f"campaign {entry['slug']!r}: '{key}:' must be a score from 0 to 1 {meaning}",
                entry.line_of(key),
            )
        return float(value)
