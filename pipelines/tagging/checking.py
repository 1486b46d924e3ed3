"""Checks every part of the rules file shares: where a mistake is, the keys a mapping may
have, lists of text and lists of phrases. `reading` (the file and its campaigns) and
`rule_reading` (one rule) both build on it, so neither needs the other's module.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pipelines.tagging.rules import GAP, Phrase
from pipelines.tagging.yaml_lines import Located, LocatedList, line_of


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file and line."""


class PhraseReader:
    """The rules file's checks of text and phrases, failing with the file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: Each phrase and each list of phrases read once: a named list used by several
        #: rules is one list, which a text looks for once however many rules use it.
        self._phrases: dict[str, Phrase] = {}
        self._lists: dict[tuple[str, ...], tuple[Phrase, ...]] = {}

    def fail(self, node: Any, reason: str, line: int = 0) -> RulesError:
        line = line or line_of(node)
        where = f"{self.path}:{line}" if line else str(self.path)
        return RulesError(f"{where}: {reason}.")

    def known_keys(self, mapping: Located, allowed: frozenset[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(
                    mapping, f"unknown {what} key '{key}' (known: {known})", mapping.line_of(key)
                )

    def strings(self, owner: Any, key: str, values: Any, line: int = 0) -> list[str]:
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            where = line or line_of(values) or _key_line(owner, key)
            hint = ""
            if isinstance(values, list) and any(isinstance(v, bool) for v in values):
                hint = " (write no, yes, on and off in quotes: YAML reads them as true or false)"
            raise self.fail(owner, f"'{key}' must be a list of non-empty text values{hint}", where)
        return [v.strip() for v in values]

    def phrases(self, owner: Any, key: str, values: Any) -> tuple[Phrase, ...]:
        """A list of phrases, which may include named lists (`[*birth, passport]`): one
        concept's words are written once and used by every rule that needs them."""
        line = line_of(values) or _key_line(owner, key)
        texts = tuple(dict.fromkeys(self.strings(owner, key, _flattened(values), line)))
        for text in texts:
            problem = phrase_problem(text)
            if problem:
                raise self.fail(owner, f"'{key}' phrase {text!r} {problem}", line)
        if texts not in self._lists:
            self._lists[texts] = tuple(self._phrase(text) for text in texts)
        return self._lists[texts]

    def _phrase(self, text: str) -> Phrase:
        if text not in self._phrases:
            self._phrases[text] = Phrase.parse(text)
        return self._phrases[text]


def _flattened(values: Any) -> Any:
    """A list with the lists it includes (YAML aliases such as `*birth`) spelt out."""
    if not isinstance(values, list) or not any(isinstance(v, list) for v in values):
        return values
    flat = LocatedList()
    flat.line = line_of(values)
    for value in values:
        flat += _flattened(value) if isinstance(value, list) else [value]
    return flat


def _key_line(owner: Any, key: str) -> int:
    return owner.line_of(key) if isinstance(owner, Located) else line_of(owner)


_REGEX_LIKE = re.compile(r"[\[\](){}|\\^$+?]")


def phrase_problem(text: str) -> str:
    """What is wrong with a phrase as staff wrote it, or "" when nothing is."""
    if "*" in text:
        return (
            "has a wildcard (*): words already match their other forms (pupil matches"
            " pupils), so write the word itself"
        )
    if _REGEX_LIKE.search(text):
        return "looks like a regular expression: write the words as they appear in a text"
    runs = [run.split() for run in text.split(GAP)]
    if any(not run for run in runs):
        return f"needs words on both sides of '{GAP}'"
    words = [word.lstrip("=") for run in runs for word in run]
    if not any(re.search(r"[A-Za-z0-9]", word) for word in words):
        return "has no words"
    if len(words) == 1 and len(re.sub(r"[^A-Za-z0-9]", "", words[0])) == 1:
        return "is a single letter, which would match far too much"
    return ""
