"""Campaign tagging from the rules file staff edit (`data/campaigns.yml`).

The rules are data, not code: this module only knows how to read, check and apply
them. Every tag records the rule and the terms that produced it, so staff can see why
an item is on a campaign page and fix the rule (or override the tag) when it is wrong.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from scrapy.crawler import Crawler

from timeline_spiders.context import SearchPlan
from timeline_spiders.items import Document, Tag
from timeline_spiders.text import document_text, words

DEFAULT_WINDOW = 40
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEGISLATION_ID = re.compile(r"^[a-z]+/\d{4}/\d+$")


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file and line."""


# --- Reading the file, with line numbers for every mapping ------------------------------


class _Located(dict):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings remember the line they start on."""


def _construct_located(loader: _LineLoader, node: yaml.MappingNode) -> _Located:
    mapping = _Located(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_located)


# --- The rules as Python values ----------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """A phrase of one or more words; a word ending in * matches any word it starts."""

    text: str
    parts: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Phrase:
        parts = tuple(
            part + "*" if raw.endswith("*") else part for raw in text.split() for part in words(raw)
        )
        return cls(text, parts)


@dataclass(frozen=True)
class Rule:
    name: str
    cites: tuple[str, ...] = ()
    any_of: tuple[Phrase, ...] = ()
    all_of: tuple[tuple[Phrase, ...], ...] = ()
    within: int = DEFAULT_WINDOW


@dataclass(frozen=True)
class Campaign:
    slug: str
    hashtag: str
    title: str
    description: str
    rules: tuple[Rule, ...]
    exclude: tuple[Phrase, ...] = ()
    search_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CampaignRules:
    campaigns: tuple[Campaign, ...]
    tracked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def slugs(self) -> list[str]:
        return [campaign.slug for campaign in self.campaigns]

    def search_phrases(self) -> list[str]:
        """Every campaign's search phrases, once each, in file order."""
        return list(dict.fromkeys(p for c in self.campaigns for p in c.search_phrases))

    def search_plan(self) -> SearchPlan:
        """What spiders are asked to find: the search phrases and tracked documents."""
        return SearchPlan(phrases=tuple(self.search_phrases()), tracked=self.tracked)

    def campaign_rows(self) -> list[dict[str, str]]:
        """The campaigns as rows of the `campaigns` table."""
        return [
            {"slug": c.slug, "hashtag": c.hashtag, "title": c.title, "description": c.description}
            for c in self.campaigns
        ]

    @cached_property
    def vocabulary(self) -> Vocabulary:
        phrases = [
            phrase
            for campaign in self.campaigns
            for phrase in (
                *campaign.exclude,
                *(p for rule in campaign.rules for p in rule.any_of),
                *(p for rule in campaign.rules for group in rule.all_of for p in group),
            )
        ]
        return Vocabulary.of(phrases)


def load_rules(path: str | Path) -> CampaignRules:
    """Read and check the rules file; raise RulesError naming the line of any mistake."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError(f"{path}: cannot read the rules file: {error.strerror}") from None
    try:
        document = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise RulesError(f"{where}: not valid YAML: {problem}") from None
    return _RulesReader(path).read(document)


class _RulesReader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: Any, reason: str) -> RulesError:
        line = getattr(node, "line", 0)
        return RulesError(f"{self.path}:{line}: {reason}" if line else f"{self.path}: {reason}")

    def read(self, document: Any) -> CampaignRules:
        if not isinstance(document, dict) or not isinstance(document.get("campaigns"), list):
            raise self.fail(document, "the file must have a 'campaigns:' list")
        campaigns = [self.campaign(entry) for entry in document["campaigns"]]
        seen: set[str] = set()
        for campaign, entry in zip(campaigns, document["campaigns"], strict=True):
            if campaign.slug in seen:
                raise self.fail(entry, f"campaign slug {campaign.slug!r} is used twice")
            seen.add(campaign.slug)
        tracked = document.get("tracked") or {}
        if not isinstance(tracked, dict):
            raise self.fail(document, "'tracked:' must be a mapping of lists")
        tracked_lists = {
            name: tuple(self.strings(tracked, name, values)) for name, values in tracked.items()
        }
        for legislation_id in tracked_lists.get("legislation", ()):
            if not LEGISLATION_ID.match(legislation_id):
                raise self.fail(
                    tracked, f"tracked legislation {legislation_id!r} is not like uksi/2016/808"
                )
        return CampaignRules(tuple(campaigns), tracked_lists)

    def campaign(self, entry: Any) -> Campaign:
        if not isinstance(entry, dict):
            raise self.fail(entry, "each campaign must be a mapping with slug, hashtag, ...")
        for key in ("slug", "hashtag", "title", "description"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise self.fail(entry, f"campaign is missing '{key}'")
        if not SLUG.match(entry["slug"]):
            raise self.fail(entry, f"slug {entry['slug']!r} must be lower-case-words-with-dashes")
        rules = entry.get("rules")
        if not isinstance(rules, list) or not rules:
            raise self.fail(entry, f"campaign {entry['slug']!r} has no 'rules:' list")
        return Campaign(
            slug=entry["slug"],
            hashtag=entry["hashtag"].strip(),
            title=entry["title"].strip(),
            description=" ".join(entry["description"].split()),
            rules=tuple(self.rule(entry, rule) for rule in rules),
            exclude=tuple(self.phrases(entry, "exclude", entry.get("exclude") or [])),
            search_phrases=tuple(
                self.strings(entry, "search_phrases", entry.get("search_phrases") or [])
            ),
        )

    def rule(self, campaign: Any, entry: Any) -> Rule:
        if not isinstance(entry, dict):
            raise self.fail(campaign, "each rule must be a mapping with a name")
        unknown = set(entry) - {"name", "cites", "any_of", "all_of", "within"}
        if unknown:
            raise self.fail(entry, f"unknown rule field(s): {', '.join(sorted(unknown))}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(entry, "rule is missing 'name'")
        kinds = [key for key in ("cites", "any_of", "all_of") if key in entry]
        if len(kinds) != 1:
            raise self.fail(entry, f"rule {name!r} needs exactly one of cites, any_of, all_of")
        within = entry.get("within", DEFAULT_WINDOW)
        if not isinstance(within, int) or isinstance(within, bool) or within < 1:
            raise self.fail(entry, f"rule {name!r}: 'within' must be a whole number of words")
        if "cites" in entry:
            cites = self.strings(entry, "cites", entry["cites"])
            for legislation_id in cites:
                if not LEGISLATION_ID.match(legislation_id):
                    raise self.fail(
                        entry, f"rule {name!r}: {legislation_id!r} is not like uksi/2016/808"
                    )
            return Rule(name=name, cites=tuple(cites), within=within)
        if "any_of" in entry:
            return Rule(name=name, any_of=tuple(self.phrases(entry, "any_of", entry["any_of"])))
        groups = entry["all_of"]
        if (
            not isinstance(groups, list)
            or len(groups) < 2
            or not all(isinstance(g, list) for g in groups)
        ):
            raise self.fail(entry, f"rule {name!r}: 'all_of' must be two or more lists of phrases")
        return Rule(
            name=name,
            all_of=tuple(tuple(self.phrases(entry, "all_of", group)) for group in groups),
            within=within,
        )

    def strings(self, owner: Any, key: str, values: Any) -> list[str]:
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            raise self.fail(owner, f"'{key}' must be a list of non-empty text values")
        return [v.strip() for v in values]

    def phrases(self, owner: Any, key: str, values: Any) -> list[Phrase]:
        phrases = [Phrase.parse(value) for value in self.strings(owner, key, values)]
        for phrase in phrases:
            if not phrase.parts:
                raise self.fail(owner, f"'{key}' phrase {phrase.text!r} has no words")
        return phrases


# --- Applying the rules ------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Every word and wildcard stem the rules use: the only words worth indexing."""

    exact: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, phrases: Iterable[Phrase]) -> Vocabulary:
        parts = {part for phrase in phrases for part in phrase.parts}
        return cls(
            exact=frozenset(part for part in parts if not part.endswith("*")),
            stems=frozenset(part[:-1] for part in parts if part.endswith("*")),
        )


class _Text:
    """A document's words, and where each word or stem the rules use occurs.

    Only the rules' vocabulary is indexed: a debate has thousands of words and the
    rules ask about a few dozen. The words a stem (`pupil*`) stands for are found once
    per document by bisecting its sorted distinct words.
    """

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.words = words(text)
        distinct = sorted(set(self.words))
        stem_words: dict[str, list[str]] = {}
        for stem in vocabulary.stems:
            start = bisect_left(distinct, stem)
            end = bisect_left(distinct, stem + "\uffff", start)
            stem_words[stem] = distinct[start:end]
        wanted = vocabulary.exact.union(*stem_words.values())
        self.positions: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(self.words):
            if word in wanted:
                self.positions[word].append(position)
        for stem, matching in stem_words.items():
            self.positions[stem + "*"] = sorted(
                position for word in matching for position in self.positions[word]
            )

    def _candidates(self, part: str) -> list[int]:
        return self.positions.get(part, [])

    def find(self, phrase: Phrase) -> list[int]:
        """Start positions of `phrase`: where its first word is followed by the rest.

        Every word of every phrase is indexed, so each following word is a set lookup
        rather than a look at the text.
        """
        first, *rest = phrase.parts
        starts = self._candidates(first)
        for offset, part in enumerate(rest, start=1):
            if not starts:
                break
            following = set(self._candidates(part))
            starts = [start for start in starts if start + offset in following]
        return starts


def _near(positions: list[int], low: int, high: int) -> bool:
    index = bisect_left(positions, low)
    return index < len(positions) and positions[index] <= high


def match_campaign(campaign: Campaign, text: _Text, cites: Iterable[str]) -> Tag | None:
    """The first rule of `campaign` that matches, as a Tag, or None."""
    cited = set(cites)
    excluded = sorted(p for phrase in campaign.exclude for p in text.find(phrase))
    for rule in campaign.rules:
        if rule.cites:
            hits = [legislation_id for legislation_id in rule.cites if legislation_id in cited]
            if hits:
                return Tag(campaign.slug, rule.name, tuple(hits))
        elif rule.any_of:
            for phrase in rule.any_of:
                for start in text.find(phrase):
                    if not _near(excluded, start - rule.within, start + rule.within):
                        return Tag(campaign.slug, rule.name, (phrase.text,))
        else:
            tag = _match_all_of(campaign, rule, text, excluded)
            if tag:
                return tag
    return None


def _match_all_of(campaign: Campaign, rule: Rule, text: _Text, excluded: list[int]) -> Tag | None:
    groups = [[(phrase, text.find(phrase)) for phrase in group] for group in rule.all_of]
    groups = [[(phrase, found) for phrase, found in group if found] for group in groups]
    if not all(groups):
        return None
    anchor_group, *other_groups = groups
    for anchor_phrase, anchor_positions in anchor_group:
        for anchor in anchor_positions:
            low, high = anchor - rule.within, anchor + rule.within
            if _near(excluded, low, high):
                continue
            terms = [anchor_phrase.text]
            for group in other_groups:
                hit = next((p for p, found in group if _near(found, low, high)), None)
                if hit is None:
                    break
                terms.append(hit.text)
            else:
                return Tag(campaign.slug, rule.name, tuple(terms))
    return None


def tag_text(rules: CampaignRules, text: str, cites: Iterable[str]) -> list[Tag]:
    """The campaign tags the rules give a text that cites the given legislation."""
    indexed = _Text(text, rules.vocabulary)
    cites = list(cites)
    tags = [match_campaign(campaign, indexed, cites) for campaign in rules.campaigns]
    return [tag for tag in tags if tag is not None]


class TaggingPipeline:
    """Tag each item by the campaign rules (loaded once per crawl from CAMPAIGN_RULES)."""

    def __init__(self, rules_path: str) -> None:
        self.rules = load_rules(rules_path)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TaggingPipeline:
        return cls(crawler.settings.get("CAMPAIGN_RULES"))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Document):
            return item  # Gone and AmendmentList items carry nothing to derive
        text = document_text(item.title, item.summary, item.body)
        item.campaigns = tag_text(self.rules, text, item.cites)
        return item
