"""The campaign rules as Python values, once `load_rules` has read and checked them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from pipelines.tagging.words import read_words, stem
from timeline_spiders.context import SearchPlan

#: A rule's `within` when it gives none: this many words either side.
DEFAULT_WINDOW = 40
#: How much one match of a text rule counts when the rule gives no `weight`.
DEFAULT_WEIGHT = 0.6
SENTENCE = "sentence"
#: Written between words of a phrase: what follows comes later in the same sentence.
GAP = "..."

NegationPolicy = Literal["weaker", "cancels", "counts"]


@dataclass(frozen=True)
class Phrase:
    """Words that occur together, each matched by its stem (`pupil` matches "pupils'")
    or, written `=word`, only as written. `...` between words lets other words of the
    same sentence come between them: "where ... born" matches "where a child was born".

    `segments` holds, for each run of adjacent words, the index key of each word: the
    stem, or `=word` for a word matched only as written.
    """

    text: str
    segments: tuple[tuple[str, ...], ...]
    #: Every key of the phrase: a text without all of them cannot have the phrase.
    keys: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> Phrase:
        segments = [tuple(key for _, key in written_keys(run)) for run in text.split(GAP)]
        every_key = frozenset(key for segment in segments for key in segment)
        return cls(text, tuple(segments), every_key)


def telling_word(phrase: Phrase) -> str:
    """The index key of the phrase's longest word, the likeliest to be rare ("offic" in
    "to the home office"): a text without it cannot have the phrase."""
    return max(sorted(phrase.keys), key=len)


def written_keys(text: str) -> list[tuple[str, str]]:
    """Each word of a rule's text with its index key: its stem, or `=word` for a word
    written with = to match only as written."""
    return [
        (word, f"={word}" if raw.startswith("=") else stem(word))
        for raw in text.split()
        if raw != GAP
        for word in read_words(raw).words
    ]


@dataclass(frozen=True)
class Rule:
    """One way an item can belong to a campaign; see the header of data/campaigns.yml."""

    name: str
    cites: tuple[str, ...] = ()
    in_passing: tuple[Phrase, ...] = ()
    groups: tuple[tuple[Phrase, ...], ...] = ()
    within: int | None = DEFAULT_WINDOW  # None: the same sentence
    in_order: bool = False
    unless: tuple[Phrase, ...] = ()
    scope: tuple[Phrase, ...] = ()
    weight: float = DEFAULT_WEIGHT
    confirms: bool = False
    when_negated: NegationPolicy = "weaker"

    @property
    def phrases(self) -> Iterable[Phrase]:
        yield from self.in_passing
        yield from (phrase for group in self.groups for phrase in group)
        yield from self.unless
        yield from self.scope


@dataclass(frozen=True)
class Campaign:
    slug: str
    hashtag: str
    title: str
    description: str
    rules: tuple[Rule, ...]
    show_suggested_from: float
    exclude: tuple[Phrase, ...] = ()
    #: Phrases saying something is not collected or held: see `denials` in the rules file.
    denials: tuple[Phrase, ...] = ()
    #: The score from which an item's own undenied matches outweigh its denials: see
    #: `outweighs_denials_from` in the rules file; None: denials always doubt.
    outweighs_denials_from: float | None = None
    search_phrases: tuple[str, ...] = ()

    @cached_property
    def stoppers(self) -> tuple[tuple[Phrase, ...], ...]:
        """For each rule, in order, the phrases that cancel its match in a sentence: its
        own `unless` and the campaign's `exclude`, as one list made once."""
        made: dict[tuple[Phrase, ...], tuple[Phrase, ...]] = {}
        for rule in self.rules:
            stoppers = (*rule.unless, *self.exclude)
            made.setdefault(stoppers, stoppers)
        return tuple(made[(*rule.unless, *self.exclude)] for rule in self.rules)

    @cached_property
    def _text_rules_by_word(self) -> dict[str, frozenset[int]]:
        """For each telling word, the text rules (by position) that a text with it may
        match: each rule is listed under the telling words of its group with fewest of
        them, since a text needs one of every group's."""
        found: dict[str, set[int]] = {}
        for position, rule in enumerate(self.rules):
            if rule.cites or not rule.groups:
                continue
            words = min(({telling_word(p) for p in group} for group in rule.groups), key=len)
            for word in words:
                found.setdefault(word, set()).add(position)
        return {word: frozenset(positions) for word, positions in found.items()}

    def text_rules_possible(self, present: frozenset[str]) -> frozenset[int]:
        """The positions of the text rules that a text with the index keys `present` may
        match: usually a handful of the campaign's rules, so the rest are never tried."""
        by_word = self._text_rules_by_word
        return frozenset().union(*(by_word[word] for word in by_word.keys() & present))


class Runs:
    """Runs of adjacent index keys (the parts of phrases between `...`) as a tree by
    their first key: a text finds every run that starts at a word in one walk, however
    many runs share that word ("pupil data", "pupil record", "pupil level data")."""

    __slots__ = ("ends", "following")

    def __init__(self) -> None:
        #: Runs that end here, as their keys.
        self.ends: list[tuple[str, ...]] = []
        self.following: dict[str, Runs] = {}

    @classmethod
    def of(cls, runs: Iterable[tuple[str, ...]]) -> dict[str, Runs]:
        starts: dict[str, Runs] = {}
        for run in runs:
            node = starts.setdefault(run[0], cls())
            for key in run[1:]:
                node = node.following.setdefault(key, cls())
            node.ends.append(run)
        return starts


@dataclass(frozen=True)
class Vocabulary:
    """Every index key the rules use (stems, and `=word` for exact words) and the words
    that make a sentence negative: the only words worth indexing in a text."""

    keys: frozenset[str]
    negations: frozenset[str]
    #: Every run of adjacent keys in the rules' phrases.
    runs: frozenset[tuple[str, ...]] = frozenset()
    #: The words of each phrase in which a negation word negates nothing ("not only").
    not_negating: tuple[tuple[str, ...], ...] = ()

    @cached_property
    def not_negating_at(self) -> dict[str, tuple[tuple[tuple[str, ...], int], ...]]:
        """By negation word, each phrase that holds it and where in the phrase it is."""
        found: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for words in self.not_negating:
            for at, word in enumerate(words):
                if word in self.negations:
                    found.setdefault(word, []).append((words, at))
        return {word: tuple(places) for word, places in found.items()}

    @cached_property
    def run_starts(self) -> dict[str, Runs]:
        return Runs.of(self.runs)

    @cached_property
    def exact_words(self) -> frozenset[str]:
        return frozenset(key[1:] for key in self.keys if key.startswith("="))

    @cached_property
    def known_words(self) -> set[str]:
        """Every word whose index keys are worked out (see `index`): a re-tag reads the
        same few hundred thousand words again and again."""
        return set()

    @cached_property
    def word_keys(self) -> dict[str, tuple[str, ...]]:
        """The index keys of each known word that has any: the few the rules ask about."""
        return {}


@dataclass(frozen=True)
class CampaignRules:
    campaigns: tuple[Campaign, ...]
    tracked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    negation_words: tuple[str, ...] = ()
    #: Phrases in which a negation word negates nothing: "not only", "whether or not".
    not_negating: tuple[str, ...] = ()

    @property
    def slugs(self) -> list[str]:
        return [campaign.slug for campaign in self.campaigns]

    def search_phrases(self) -> list[str]:
        """Every campaign's search phrases, once each, in file order."""
        return list(dict.fromkeys(p for c in self.campaigns for p in c.search_phrases))

    def search_plan(self) -> SearchPlan:
        """What spiders are asked to find: the search phrases and tracked documents."""
        return SearchPlan(phrases=tuple(self.search_phrases()), tracked=self.tracked)

    def campaign_rows(self) -> list[dict[str, str | float]]:
        """The campaigns as rows of the `campaigns` table."""
        return [
            {
                "slug": c.slug,
                "hashtag": c.hashtag,
                "title": c.title,
                "description": c.description,
                "show_suggested_from": c.show_suggested_from,
            }
            for c in self.campaigns
        ]

    def phrases(self) -> list[Phrase]:
        """Every phrase the rules look for in a text."""
        return [
            phrase
            for campaign in self.campaigns
            for phrase in (
                *campaign.exclude,
                *campaign.denials,
                *(p for rule in campaign.rules for p in rule.phrases),
            )
        ]

    @cached_property
    def vocabulary(self) -> Vocabulary:
        phrases = self.phrases()
        return Vocabulary(
            keys=frozenset(key for phrase in phrases for key in phrase.keys),
            negations=frozenset(self.negation_words),
            not_negating=tuple(tuple(read_words(p).words) for p in self.not_negating),
            runs=frozenset(run for phrase in phrases for run in phrase.segments),
        )
