"""A text's words indexed for the rules: where each rule word occurs, and which sentences
are negative or list instruments.

Only the rules' vocabulary is indexed: a debate has thousands of words and the rules ask
about a few hundred. Each word is stemmed once per run (the stems are cached), and each
phrase is looked up once per text however many rules use it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cached_property
from itertools import compress, count
from operator import itemgetter
from typing import NamedTuple

from pipelines.tagging.rules import Phrase, Vocabulary, telling_word
from pipelines.tagging.words import read_words, stem

#: Words that end an instrument's title when a year follows ("... Regulations 2016").
INSTRUMENT_WORDS = frozenset({"regulations", "order", "act", "rules", "scheme"})
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
#: Words that start the next title of a list once one has ended ("... Order; the ...").
_NEXT = frozenset({"the", "and"})
#: Words before the year of an instrument's number: "SI 2016/808", "Statutory Instrument
#: 2016/808" ("S.I." is read as "s", "i").
_NUMBERED = frozenset({"si", "instrument"})
_LIST_CUES = INSTRUMENT_WORDS | _NUMBERED | {"i"}
#: A sentence naming this many instruments is a list of them (a committee's report of the
#: instruments it considered, the instruments laid that day), not a discussion of one.
LIST_LENGTH = 3
#: How many words from a match a negation word may be and still deny it.
NEGATION_REACH = 3
#: Words that, starting a sentence, carry on the subject of the sentence before.
CONTINUING = frozenset({"it", "its", "they", "these", "those", "such"})


_BY_PLACE = itemgetter(0, 1)


class Span(NamedTuple):
    """Where a phrase occurs: its first and last word position, and the phrase."""

    start: int
    end: int
    phrase: Phrase


#: The phrases of a list by their telling word, by the list's identity (the list is
#: kept with them, so its id is not reused while it is here).
_BY_TELLING_WORD: dict[int, tuple[tuple[Phrase, ...], dict[str, tuple[Phrase, ...]]]] = {}


def by_telling_word(phrases: tuple[Phrase, ...]) -> dict[str, tuple[Phrase, ...]]:
    """`phrases` by their telling word, worked out once per list: a text can only have
    the phrases whose telling word it has."""
    cached = _BY_TELLING_WORD.get(id(phrases))
    if cached is not None and cached[0] is phrases:
        return cached[1]
    if len(_BY_TELLING_WORD) >= 10_000:
        _BY_TELLING_WORD.clear()
    grouped: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        grouped.setdefault(telling_word(phrase), []).append(phrase)
    index = {key: tuple(group) for key, group in grouped.items()}
    _BY_TELLING_WORD[id(phrases)] = (phrases, index)
    return index


#: The index key under which negation words are found (no stem has a space).
NEGATION = " negation"
_MAX_REMEMBERED_WORDS = 500_000


def _learn(words: set[str], vocabulary: Vocabulary) -> None:
    """Work out the index keys of words met for the first time: the stem, the word
    itself where a rule wants it exactly, NEGATION for a negation word. Words the rules
    do not ask about (nearly all) are only remembered as known."""
    known, word_keys = vocabulary.known_words, vocabulary.word_keys
    if len(known) + len(words) > _MAX_REMEMBERED_WORDS:
        known.clear()
        word_keys.clear()
    for word in words:
        found = [f"={word}"] if word in vocabulary.exact_words else []
        word_stem = stem(word)
        if word_stem in vocabulary.keys:
            found.append(word_stem)
        if word in vocabulary.negations:
            found.append(NEGATION)
        if found:
            word_keys[word] = tuple(found)
    known.update(words)


def _wanted(words: list[str], vocabulary: Vocabulary) -> dict[str, tuple[str, ...]]:
    """The index keys of the words of a text that the rules ask about. Set operations
    (in C) pick them out: a debate has a thousand different words, the rules want few."""
    unique = set(words)
    _learn(unique.difference(vocabulary.known_words), vocabulary)
    word_keys = vocabulary.word_keys
    return {word: word_keys[word] for word in unique.intersection(word_keys)}


def _negating(words: list[str], negative: list[int], vocabulary: Vocabulary) -> list[int]:
    """The places of negation words that negate: not those inside a phrase of the
    rules' `not_negating` ("not only", "whether or not")."""
    exceptions = vocabulary.not_negating_at
    if not exceptions:
        return negative
    return [
        position
        for position in negative
        if not any(
            tuple(words[position - at : position - at + len(phrase)]) == phrase
            for phrase, at in exceptions.get(words[position], ())
            if position >= at
        )
    ]


class IndexedText:
    """One text as the rules read it."""

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.text = text
        self.read = read_words(text)
        words = self.read.words
        wanted = _wanted(words, vocabulary)
        positions: dict[str, list[int]] = {}
        # The places of the few wanted words, picked out in C (map, compress): a Python
        # loop over every word of every debate was a sixth of tagging's time.
        for position in compress(count(), map(wanted.__contains__, words)):
            for key in wanted[words[position]]:
                if key in positions:
                    positions[key].append(position)
                else:
                    positions[key] = [position]
        negative = _negating(self.read.words, positions.pop(NEGATION, []), vocabulary)
        self.positions = positions
        self.vocabulary = vocabulary
        self._wanted = wanted
        self._runs: dict[str, dict[tuple[str, ...], list[tuple[int, int]]]] = {}
        #: Where the negation words that negate are, in order.
        self.negations = negative
        self.present = frozenset(self.positions)
        self._found: dict[str, list[Span]] = {}
        #: find_any's answers, by the phrase list's identity (the list is kept with its
        #: answer, so a list made for one call and dropped never lends its id to another).
        self._found_any: dict[int, tuple[tuple[Phrase, ...], list[Span]]] = {}

    def find(self, phrase: Phrase) -> list[Span]:
        """Every place `phrase` occurs, in order (worked out once per text)."""
        found = self._found.get(phrase.text)
        if found is None:
            found = self._found[phrase.text] = self._places(phrase)
        return found

    def _places(self, phrase: Phrase) -> list[Span]:
        if not phrase.keys <= self.present:
            return []
        first, *later = phrase.segments
        spans = [Span(start, end, phrase) for start, end in self._run(first)]
        for segment in later:
            following = self._run(segment)
            spans = [joined for span in spans if (joined := self._follow(span, following))]
        return spans

    def may_have(self, phrases: tuple[Phrase, ...]) -> bool:
        """Whether the text has the telling word of any of `phrases` (one set
        operation): without, it has none of them."""
        return not by_telling_word(phrases).keys().isdisjoint(self.present)

    def find_any(self, phrases: tuple[Phrase, ...]) -> list[Span]:
        """Every place any of `phrases` occurs, ordered by where it starts. A list none of
        whose phrases can be here (the usual case: most texts are about something else)
        costs one set operation; each list is looked for once per text."""
        cached = self._found_any.get(id(phrases))
        if cached is not None and cached[0] is phrases:
            return cached[1]
        index, known, present = by_telling_word(phrases), self._found, self.present
        found: list[Span] = []
        for first in index.keys() & present:
            for phrase in index[first]:
                spans = known.get(phrase.text)
                if spans is None:
                    spans = known[phrase.text] = self._places(phrase)
                found += spans
        found.sort(key=_BY_PLACE)
        self._found_any[id(phrases)] = (phrases, found)
        return found

    def _run(self, keys: tuple[str, ...]) -> list[tuple[int, int]]:
        """Where the words of `keys` occur one after another."""
        found = self._runs.get(keys[0])
        if found is None:
            found = self._runs[keys[0]] = self._runs_from(keys[0])
        return found.get(keys, [])

    def _runs_from(self, first: str) -> dict[tuple[str, ...], list[tuple[int, int]]]:
        """Every run of the rules' phrases that starts with `first`, where it occurs:
        one walk along the text from each place `first` is. A run stops at the end of its
        sentence: a title ending "for schools" and a text starting "Census day" do not
        make "school census"."""
        found: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        start_node = self.vocabulary.run_starts.get(first)
        if start_node is None:
            return found
        words, wanted, last = self.read.words, self._wanted, len(self.read.words) - 1
        starts = self._sentence_starts
        for start in self.positions.get(first, ()):
            walking = [(start_node, start)]
            while walking:
                node, at = walking.pop()
                for run in node.ends:
                    found.setdefault(run, []).append((start, at))
                if node.following and at < last and at + 1 not in starts:
                    for key in wanted.get(words[at + 1], ()):
                        if key in node.following:
                            walking.append((node.following[key], at + 1))
        return found

    @cached_property
    def _sentence_starts(self) -> frozenset[int]:
        return frozenset(self.read.sentence_starts)

    def _follow(self, span: Span, following: list[tuple[int, int]]) -> Span | None:
        """`span` joined to the first of `following` after it in the same sentence."""
        index = bisect_left(following, (span.end + 1, -1))
        if index == len(following):
            return None
        start, end = following[index]
        if self.read.sentence_of(start) != self.read.sentence_of(span.start):
            return None
        return Span(span.start, end, span.phrase)

    def negated(self, start: int, end: int) -> bool:
        """Whether a negation word in the same sentence is among, or within
        NEGATION_REACH words of, the words from `start` to `end`: "the data is not
        collected" denies the match; in "parents were not asked whether a record of her
        pregnancy went to the Department" the negation is about something else."""
        return bool(self._negations_near(start, end))

    def denied(self, start: int, end: int) -> bool:
        """Whether a phrase from `start` to `end` is denied by a negation word around it,
        not one of its own words: "not the ONS count" denies "ONS count", but the "not"
        of "that is not in this group" is the phrase itself and denies nothing."""
        return any(not start <= at <= end for at in self._negations_near(start, end))

    def _negations_near(self, start: int, end: int) -> list[int]:
        """The places of the negation words within NEGATION_REACH words of `start` to
        `end`, in their sentence."""
        first = self.read.sentence_bounds(self.read.sentence_of(start))[0]
        last = self.read.sentence_bounds(self.read.sentence_of(end))[1]
        low, high = max(first, start - NEGATION_REACH), min(last, end + NEGATION_REACH)
        return self.negations[bisect_left(self.negations, low) : bisect_right(self.negations, high)]

    def continued(self, sentences: set[int]) -> set[int]:
        """`sentences` with each following sentence that carries on their subject: one
        that starts with a pronoun ("The Welsh Government decides what PLASC collects.
        It does not collect pupils' nationality.")."""
        words, starts = self.read.words, self.read.sentence_starts
        found = set(sentences)
        for sentence in sorted(sentences):
            following = sentence + 1
            while following < len(starts) and words[starts[following]] in CONTINUING:
                found.add(following)
                following += 1
        return found

    def sentences(self, start: int, end: int) -> range:
        """The sentences a stretch of words runs through."""
        return range(self.read.sentence_of(start), self.read.sentence_of(end) + 1)

    @cached_property
    def list_sentences(self) -> set[int]:
        """Sentences that name LIST_LENGTH or more instruments: by title ("... Regulations
        2016", or a title ending where the next one starts: "... Order; the ..."), or by
        number ("S.I. 2016/808"), with the numbers that follow one without their own
        "S.I." ("amended by S.I. 2014/1231, 2016/808 and 2018/733")."""
        words = self.read.words
        counts: dict[int, int] = {}
        numbered: set[int] = set()
        # Only the words that can start a name, picked out in C: a debate with a
        # citation has thousands of words and a handful of these.
        for position in compress(count(), map(_LIST_CUES.__contains__, words[:-1])):
            word, following = words[position], words[position + 1]
            if word in INSTRUMENT_WORDS:
                named = bool(_YEAR.match(following)) or following in _NEXT
            else:
                named = self._numbers_an_instrument(position) and bool(_YEAR.match(following))
            if named:
                sentence = self.read.sentence_of(position)
                counts[sentence] = counts.get(sentence, 0) + 1
                if word not in INSTRUMENT_WORDS:
                    numbered.add(sentence)
        for sentence in numbered:
            start, end = self.read.sentence_bounds(sentence)
            counts[sentence] += sum(
                1
                for at in range(max(start, 1), end)
                if _YEAR.match(words[at])
                and words[at + 1].isdigit()
                and not self._numbers_an_instrument(at - 1)
            )
        return {sentence for sentence, named in counts.items() if named >= LIST_LENGTH}

    def _numbers_an_instrument(self, position: int) -> bool:
        """Whether the word at `position` is one that comes before an instrument's year
        and number: "SI", "Instrument", the "I" of "S.I."."""
        words = self.read.words
        word = words[position]
        return word in _NUMBERED or (word == "i" and position > 0 and words[position - 1] == "s")
