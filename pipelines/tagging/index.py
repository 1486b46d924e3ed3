"""A text's words indexed for the rules: where each rule word occurs, and which sentences
are negative or list instruments.

Only the rules' vocabulary is indexed: a debate has thousands of words and the rules ask
about a few hundred. Each word is stemmed once per run (the stems are cached), and each
phrase is looked up once per text however many rules use it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cached_property
from typing import NamedTuple

from pipelines.tagging.rules import Phrase, Vocabulary
from pipelines.tagging.words import read_words, stem

#: Words that end an instrument's title when a year follows ("... Regulations 2016").
INSTRUMENT_WORDS = frozenset({"regulations", "order", "act", "rules", "scheme"})
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
#: A sentence naming this many instruments is a list of them (a committee's report of the
#: instruments it considered, the instruments laid that day), not a discussion of one.
LIST_LENGTH = 3


class Span(NamedTuple):
    """Where a phrase occurs: its first and last word position, and the phrase."""

    start: int
    end: int
    phrase: Phrase


#: Words whose keys are remembered per vocabulary (the vocabulary of a year of Hansard
#: is a few hundred thousand words; past this the rest are worked out each time).
MAX_REMEMBERED_WORDS = 500_000


def _wanted(distinct: set[str], vocabulary: Vocabulary) -> dict[str, tuple[str, ...]]:
    """The index keys of each distinct word the rules ask about: its stem, or the word
    itself where a rule wants it exactly. Each distinct word is looked at once, and
    its keys remembered for the next text."""
    known = vocabulary.keys_of_words
    wanted: dict[str, tuple[str, ...]] = {}
    for word in distinct:
        keys = known.get(word)
        if keys is None:
            keys = _keys_of(word, vocabulary)
            if len(known) < MAX_REMEMBERED_WORDS:
                known[word] = keys
        if keys:
            wanted[word] = keys
    return wanted


def _keys_of(word: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    keys = [f"={word}"] if word in vocabulary.exact_words else []
    word_stem = stem(word)
    if word_stem in vocabulary.keys:
        keys.append(word_stem)
    return tuple(keys)


class IndexedText:
    """One text as the rules read it."""

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.text = text
        self.read = read_words(text)
        wanted = _wanted(set(self.read.words), vocabulary)
        self.positions: dict[str, list[int]] = {}
        negative: list[int] = []
        for position, word in enumerate(self.read.words):
            if word in wanted:
                for key in wanted[word]:
                    self.positions.setdefault(key, []).append(position)
            if word in vocabulary.negations:
                negative.append(position)
        self.negated = {self.read.sentence_of(position) for position in negative}
        self.present = frozenset(self.positions)
        self._found: dict[str, list[Span]] = {}

    def find(self, phrase: Phrase) -> list[Span]:
        """Every place `phrase` occurs, in order."""
        if not phrase.keys <= self.present:
            return []
        found = self._found.get(phrase.text)
        if found is None:
            first, *later = phrase.segments
            spans = [Span(start, end, phrase) for start, end in self._run(first)]
            for segment in later:
                following = self._run(segment)
                spans = [joined for span in spans if (joined := self._follow(span, following))]
            found = self._found[phrase.text] = spans
        return found

    def find_any(self, phrases: tuple[Phrase, ...]) -> list[Span]:
        """Every place any of `phrases` occurs, ordered by where it starts."""
        present = self.present
        # The presence test inline: most phrases are absent from most texts.
        spans = [span for phrase in phrases if phrase.keys <= present for span in self.find(phrase)]
        if len(spans) < 2:
            return spans
        return sorted(spans, key=lambda span: (span.start, span.end))

    def _run(self, keys: tuple[str, ...]) -> list[tuple[int, int]]:
        first, *rest = keys
        starts = self.positions.get(first, [])
        for offset, key in enumerate(rest, start=1):
            if not starts:
                break
            following = set(self.positions.get(key, ()))
            starts = [start for start in starts if start + offset in following]
        return [(start, start + len(keys) - 1) for start in starts]

    def _follow(self, span: Span, following: list[tuple[int, int]]) -> Span | None:
        """`span` joined to the first of `following` after it in the same sentence."""
        index = bisect_left(following, (span.end + 1, -1))
        if index == len(following):
            return None
        start, end = following[index]
        if self.read.sentence_of(start) != self.read.sentence_of(span.start):
            return None
        return Span(span.start, end, span.phrase)

    def sentences(self, start: int, end: int) -> range:
        """The sentences a stretch of words runs through."""
        return range(self.read.sentence_of(start), self.read.sentence_of(end) + 1)

    @cached_property
    def list_sentences(self) -> set[int]:
        """Sentences that name LIST_LENGTH or more instruments by title."""
        words = self.read.words
        counts: dict[int, int] = {}
        for position, word in enumerate(words[:-1]):
            if word in INSTRUMENT_WORDS and _YEAR.match(words[position + 1]):
                sentence = self.read.sentence_of(position)
                counts[sentence] = counts.get(sentence, 0) + 1
        return {sentence for sentence, count in counts.items() if count >= LIST_LENGTH}
