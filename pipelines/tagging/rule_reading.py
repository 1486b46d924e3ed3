"""Checking one rule of the rules file: which forms it uses and whether they fit."""

from __future__ import annotations

import re
from typing import Any, cast

from pipelines.tagging.checking import PhraseReader
from pipelines.tagging.rules import (
    DEFAULT_WEIGHT,
    DEFAULT_WINDOW,
    SENTENCE,
    NegationPolicy,
    Phrase,
    Rule,
)
from pipelines.tagging.yaml_lines import Located

RULE_KEYS = frozenset(
    {"name", "cites", "in_passing", "any_of", "all_of", "within", "in_order", "unless"}
    | {"scope", "weight", "confirms", "when_negated"}
)
KINDS = ("cites", "any_of", "all_of")
#: Keys that only make sense with one kind of rule.
ONLY_WITH = {"in_passing": "cites", "within": "all_of", "in_order": "all_of", "confirms": "any_of"}
NEGATION_POLICIES = ("weaker", "cancels", "counts")
LEGISLATION_ID = re.compile(r"^[a-z]+/\d{4}/\d+$")


class RuleReader:
    """Reads one campaign's rules with the file reader's messages and phrase checks."""

    def __init__(self, file: PhraseReader) -> None:
        self.file = file

    def rule(self, entry: Any) -> Rule:
        if not isinstance(entry, Located):
            raise self.file.fail(entry, "each rule must be a mapping with a name")
        self.file.known_keys(entry, RULE_KEYS, "rule")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.file.fail(entry, "rule is missing 'name'")
        kinds = [key for key in KINDS if key in entry]
        if len(kinds) != 1:
            raise self.file.fail(entry, f"rule {name!r} needs exactly one of cites, any_of, all_of")
        for key, kind in ONLY_WITH.items():
            if key in entry and kind not in entry:
                line = entry.line_of(key)
                raise self.file.fail(entry, f"rule {name!r}: '{key}' goes only with '{kind}'", line)
        if "cites" in entry:
            return self.citation_rule(entry, name)
        return Rule(name=name, **self.text_rule_fields(entry, name))

    def citation_rule(self, entry: Located, name: str) -> Rule:
        for key in ("unless", "scope", "weight", "when_negated"):
            if key in entry:
                line = entry.line_of(key)
                raise self.file.fail(
                    entry, f"rule {name!r}: a citation rule takes no '{key}'", line
                )
        cites = self.file.strings(entry, "cites", entry["cites"])
        for legislation_id in cites:
            if not LEGISLATION_ID.match(legislation_id):
                raise self.file.fail(
                    entry, f"rule {name!r}: {legislation_id!r} is not like uksi/2016/808"
                )
        in_passing = self.file.phrases(entry, "in_passing", entry.get("in_passing") or [])
        return Rule(name=name, cites=tuple(cites), in_passing=tuple(in_passing), confirms=True)

    def text_rule_fields(self, entry: Located, name: str) -> dict[str, Any]:
        groups: tuple[tuple[Phrase, ...], ...]
        if "any_of" in entry:
            groups = (tuple(self.file.phrases(entry, "any_of", entry["any_of"])),)
        else:
            groups = self.groups(entry, name)
        return {
            "groups": groups,
            "within": self.within(entry, name),
            "in_order": self.flag(entry, name, "in_order"),
            "unless": tuple(self.file.phrases(entry, "unless", entry.get("unless") or [])),
            "scope": tuple(self.file.phrases(entry, "scope", entry.get("scope") or [])),
            "weight": self.weight(entry, name),
            "confirms": self.flag(entry, name, "confirms"),
            "when_negated": self.negation(entry, name),
        }

    def groups(self, entry: Located, name: str) -> tuple[tuple[Phrase, ...], ...]:
        groups = entry["all_of"]
        if (
            not isinstance(groups, list)
            or len(groups) < 2
            or not all(isinstance(g, list) for g in groups)
        ):
            raise self.file.fail(
                entry, f"rule {name!r}: 'all_of' must be two or more lists of phrases"
            )
        return tuple(tuple(self.file.phrases(entry, "all_of", group)) for group in groups)

    def within(self, entry: Located, name: str) -> int | None:
        within = entry.get("within", DEFAULT_WINDOW)
        if within == SENTENCE:
            return None
        if not isinstance(within, int) or isinstance(within, bool) or within < 1:
            raise self.file.fail(
                entry,
                f"rule {name!r}: 'within' must be a whole number of words or 'sentence'",
                entry.line_of("within"),
            )
        return within

    def flag(self, entry: Located, name: str, key: str) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            line = entry.line_of(key)
            raise self.file.fail(entry, f"rule {name!r}: '{key}' must be true or false", line)
        return value

    def weight(self, entry: Located, name: str) -> float:
        weight = entry.get("weight", DEFAULT_WEIGHT)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 1:
            line = entry.line_of("weight")
            raise self.file.fail(entry, f"rule {name!r}: 'weight' must be above 0, at most 1", line)
        if "confirms" in entry and "weight" in entry:
            line = entry.line_of("weight")
            raise self.file.fail(entry, f"rule {name!r}: a rule that confirms has no weight", line)
        return float(weight)

    def negation(self, entry: Located, name: str) -> NegationPolicy:
        policy = entry.get("when_negated", "weaker")
        if policy not in NEGATION_POLICIES:
            raise self.file.fail(
                entry,
                f"rule {name!r}: 'when_negated' must be one of {', '.join(NEGATION_POLICIES)}",
                entry.line_of("when_negated"),
            )
        return cast(NegationPolicy, policy)
