"""Applying the rules to a text: which rules match, how strongly, and the tag that says so.

A tag is `confirmed` when something certain gave it: a citation of the campaign's
instrument, or a rule marked `confirms` (the campaign named, the instrument's title).
Otherwise each text rule that matches is a piece of evidence with a strength (its
weight; halved in a negative sentence; a little less when only the context has it), and
the tag's score combines the independent pieces: 1 - (1 - s1)(1 - s2)... A citation or
title that only sits in a list of instruments, or is cited in passing ("as amended by
S.I. 2016/808"), is weak evidence rather than a confirmation.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise

from pipelines.citations import Citation, citation_mentions
from pipelines.tagging.index import IndexedText, Span
from pipelines.tagging.rules import DEFAULT_WINDOW, Campaign, CampaignRules, Phrase, Rule
from pipelines.tagging.words import fold, read_words
from timeline_spiders.items import Tag

NEGATED_FACTOR = 0.5
CONTEXT_FACTOR = 0.9
#: A second match of the same rule, in another sentence, counts this much of the first.
REPEAT_FACTOR = 0.5
#: A rule whose groups the context and the text share between them ("School Census:
#: Nationality" as the heading, "the Home Office" in the speech) counts this much of its
#: weight: the two halves are further apart than the rule's window.
COMPLETED_FACTOR = 0.75
#: A match in an item whose heading or question has one of the rule's `unless` or the
#: campaign's `exclude` phrases counts this much: the item is about something else.
EXCLUDED_CONTEXT_FACTOR = 0.5
#: A match in an item that elsewhere has one of those phrases, not denied ("the
#: Office for National Statistics has said"; not "not the ONS count"), counts this much.
EXCLUDED_ELSEWHERE_FACTOR = 0.5
IN_A_LIST = 0.3
IN_PASSING = 0.4
#: How many words before a citation an `in_passing` phrase may end.
PASSING_DISTANCE = 3
#: The words that join citations into one run ("by S.I. 2016/808 and S.I. 2017/807").
_JOINING = frozenset({"and", "or"})


@dataclass(frozen=True)
class Context:
    """What surrounds a text and explains it: the heading of a debate, the question a
    written answer answers. `describes` names it in a tag's explanation ("the debate's
    heading"); `cites` is what it cites (legislation id -> citing text)."""

    text: str
    describes: str = "the context"
    cites: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Evidence:
    rule: Rule
    strength: float
    terms: tuple[str, ...]
    confirmed: bool = False
    explains: str = ""  # "" when the text itself has it, else how the context does
    #: Weakened because the item, or its context, is also about something the rule or
    #: campaign excludes (another census, Prevent, Wales).
    doubted: bool = False


def hits(rule: Rule, text: IndexedText, inside: tuple[int, int] | None = None) -> Iterator[Hit]:
    """Where all of a rule's groups occur together (in order, where the rule says so),
    all of them `inside` these first and last words if given."""
    if not all(text.may_have(phrases) for phrases in rule.groups):
        return
    groups: list[list[Span]] = []
    for phrases in rule.groups:
        groups.append(text.find_any(phrases))
        if not groups[-1]:
            return
    anchors, *others = groups
    starts = [[span.start for span in group] for group in others]
    for anchor in anchors:
        low, high = _bounds(rule, text, anchor)
        if inside is not None:
            if not inside[0] <= anchor.start <= anchor.end <= inside[1]:
                continue
            low, high = max(low, inside[0]), min(high, inside[1])
        chosen = [anchor]
        cursor = anchor.end + 1 if rule.in_order else low
        for group, group_starts in zip(others, starts, strict=True):
            found = _first_within(group, group_starts, cursor, high)
            if found is None:
                break
            chosen.append(found)
            cursor = found.end + 1 if rule.in_order else low
        else:
            start, end = min(s.start for s in chosen), max(s.end for s in chosen)
            yield Hit(start, end, tuple(span.phrase.text for span in chosen))


def _bounds(rule: Rule, text: IndexedText, anchor: Span) -> tuple[int, int]:
    """Where the rule's other groups may be: within its number of words of the anchor,
    or in the anchor's sentence (and, in a run-on one, within the default window)."""
    if rule.within is None:
        first, last = text.read.sentence_bounds(text.read.sentence_of(anchor.start))
        return max(first, anchor.start - DEFAULT_WINDOW), min(last, anchor.end + DEFAULT_WINDOW)
    return anchor.start - rule.within, anchor.end + rule.within


def _first_within(group: list[Span], starts: list[int], low: int, high: int) -> Span | None:
    for span in group[bisect_left(starts, low) :]:
        if span.start > high:
            return None
        if span.end <= high:
            return span
    return None


def text_evidence(
    rule: Rule,
    text: IndexedText,
    scoped: bool,
    stoppers: tuple[Phrase, ...] = (),
    denying: frozenset[int] = frozenset(),
) -> list[Evidence]:
    """The best match of a text rule, and its best one in another sentence (repetition
    is weaker evidence than the first match, but evidence). A match in a sentence with
    one of `stoppers` (the rule's `unless` and the campaign's `exclude`), or in one of
    the `denying` sentences, does not count; one in an item that has a stopper
    elsewhere, not denied there, counts half: a story on the population census that
    mentions schools and country of birth is about that census, but "England's count,
    not the ONS one" says which census it is about."""
    if not scoped:
        return []
    found = list(hits(rule, text))
    if not found:
        return []
    stopped = text.find_any(stoppers) if stoppers else []
    excluded = text.continued(_sentences_of(text, stopped)) | denying
    elsewhere = EXCLUDED_ELSEWHERE_FACTOR if _affirmed(text, stopped) else 1.0
    best = _strongest_first(rule, text, found, excluded, elsewhere)
    if not best:
        return []
    first = best[0][2]
    doubted = elsewhere < 1.0
    strength = best[0][0]
    confirmed = rule.confirms and strength == 1.0
    evidence = [Evidence(rule, strength, first.terms, confirmed=confirmed, doubted=doubted)]
    first_sentence = text.read.sentence_of(first.start)
    again = next((e for e in best[1:] if text.read.sentence_of(e[1]) != first_sentence), None)
    if again is not None and not rule.confirms:
        strength = again[0] * REPEAT_FACTOR
        evidence.append(Evidence(rule, strength, again[2].terms, doubted=doubted))
    return evidence


def _strongest_first(
    rule: Rule, text: IndexedText, found: list[Hit], excluded: set[int], factor: float
) -> list[tuple[float, int, Hit]]:
    """The matches outside the `excluded` sentences with their strengths (`factor` of
    each), strongest first, then earliest."""
    best: list[tuple[float, int, Hit]] = []
    for hit in found:
        sentences = set(text.sentences(hit.start, hit.end))
        if sentences & excluded:
            continue
        strength = _strength(rule, text, hit, sentences) * factor
        if strength > 0:
            best.append((strength, hit.start, hit))
    best.sort(key=lambda entry: (-entry[0], entry[1]))
    return best


def _strength(rule: Rule, text: IndexedText, hit: Hit, sentences: set[int]) -> float:
    if rule.confirms:
        return IN_A_LIST if sentences <= text.list_sentences else 1.0
    if rule.when_negated != "counts" and text.negated(hit.start, hit.end):
        return 0.0 if rule.when_negated == "cancels" else rule.weight * NEGATED_FACTOR
    return rule.weight


def _sentences_of(text: IndexedText, spans: list[Span]) -> set[int]:
    return {sentence for span in spans for sentence in text.sentences(span.start, span.end)}


def citation_evidence(rule: Rule, text: IndexedText, cites: Collection[str]) -> list[Evidence]:
    """A citation of the rule's legislation: confirmed, unless every mention of it is in
    a list of instruments or in passing."""
    cited = [legislation_id for legislation_id in rule.cites if legislation_id in cites]
    if not cited:
        return []
    folded = fold(text.text)
    mentions = citation_mentions(folded)
    strengths = [
        _mention_strength(rule, text, folded, mention.start, run_start)
        for mention, run_start in zip(mentions, _run_starts(folded, mentions), strict=True)
        if mention.legislation_id in cited
    ] or [1.0]
    strength = max(strengths)
    return [Evidence(rule, strength, tuple(cited), confirmed=strength == 1.0)]


def _run_starts(folded: str, mentions: list[Citation]) -> list[int]:
    """For each mention, where the run of citations it belongs to starts: "amended by
    S.I. 2016/808 and S.I. 2017/807" is one run, and the words before its first
    citation say where both are."""
    starts: list[int] = []
    for index, mention in enumerate(mentions):
        start = mention.start
        if index:
            previous = mentions[index - 1]
            between = folded[previous.start + len(previous.matched_text) : mention.start]
            if set(read_words(between).words) <= _JOINING:
                start = starts[-1]
        starts.append(start)
    return starts


def _mention_strength(
    rule: Rule, text: IndexedText, folded: str, offset: int, run_start: int
) -> float:
    """How much one mention counts: the words before it (or before the run of
    citations it ends) say where it is (citations are rare, so they are counted only
    for a mention)."""
    last = len(text.read.words) - 1
    position = min(len(read_words(folded[:offset]).words), last)
    if text.read.sentence_of(position) in text.list_sentences:
        return IN_A_LIST
    first = min(len(read_words(folded[:run_start]).words), last)
    before = text.find_any(rule.in_passing)
    if any(0 < first - span.end <= PASSING_DISTANCE for span in before):
        return IN_PASSING
    return 1.0


def campaign_evidence(
    campaign: Campaign, text: IndexedText, cites: Collection[str], other: IndexedText | None
) -> list[Evidence]:
    """Every piece of evidence the text gives for the campaign. A rule with `scope`
    needs one of its scope phrases in the text or in the `other` text (its context, or
    the text a context surrounds)."""
    evidence: list[Evidence] = []
    denying = denying_sentences(campaign, text)
    possible = campaign.text_rules_possible(text.present)
    for position, (rule, stoppers) in enumerate(
        zip(campaign.rules, campaign.stoppers, strict=True)
    ):
        if rule.cites:
            evidence += citation_evidence(rule, text, cites)
        elif position in possible:
            scoped = not rule.scope or _has_any(rule, text) or _has_any(rule, other)
            evidence += text_evidence(rule, text, scoped, stoppers, denying)
    return evidence


def denying_sentences(campaign: Campaign, text: IndexedText) -> frozenset[int]:
    """The sentences with one of the campaign's `denials` ("the Department does not
    collect")."""
    if not campaign.denials:
        return frozenset()
    return frozenset(_sentences_of(text, text.find_any(campaign.denials)))


def subject_denied(campaign: Campaign, text: IndexedText) -> bool:
    """Whether a text rule of the campaign matches inside a sentence with one of its
    `denials`: the text says that what the campaign is about is not collected ("does not
    collect the reasons for placements in alternative provision"), not that something
    else is ("the diagnosis itself is not collected")."""
    denying = denying_sentences(campaign, text)
    bounds = [text.read.sentence_bounds(sentence) for sentence in sorted(denying)]
    return any(
        next(hits(rule, text, inside), None) is not None
        for rule in campaign.rules
        if not rule.cites
        for inside in bounds
    )


#: Words by which an answer's sentence points back at its question: "this
#: information", "such data", "the information requested", "the requested figures".
_POINTERS, _THINGS, _ASKED = (
    frozenset({"this", "that", "such", "these", "those"}),
    frozenset({"information", "data", "figures", "statistics", "details", "records"}),
    frozenset({"requested", "sought"}),
)


def denies_its_question(campaign: Campaign, text: IndexedText, evidence: list[Evidence]) -> bool:
    """Whether `text`, an answer, says that what its question asked is not collected: a
    sentence with one of the campaign's `denials` that points back at the question
    ("The Department does not collect this information centrally", "The information
    requested is not collected") or names again a phrase of several words that a rule
    matched ("does not collect information on the reasons for placements"; one word,
    "student", is too common to say what is denied)."""
    denying = denying_sentences(campaign, text)
    if not denying:
        return False
    repeated = {
        Phrase.parse(term)
        for piece in evidence
        if not piece.confirmed
        for term in piece.terms
        if " " in term
    }
    for sentence in denying:
        start, end = text.read.sentence_bounds(sentence)
        words = text.read.words[start : end + 1]
        if any(_points_back(a, b) for a, b in pairwise(words)):
            return True
        if any(
            start <= span.start and span.end <= end
            for phrase in repeated
            for span in text.find(phrase)
        ):
            return True
    return False


def outweighs_denials(campaign: Campaign, own: list[Evidence]) -> bool:
    """Whether an item's own matches outside its denying sentences (the matches inside
    them are already cancelled) are, by themselves, as strong as the campaign's
    `outweighs_denials_from`: an answer that the Department "does not collect student
    records directly" which goes on to say where every student's record goes is about
    the records. Matches an `unless` or `exclude` phrase doubts do not count. Off for a
    campaign without the setting, whose denials are its news."""
    if campaign.outweighs_denials_from is None:
        return False
    tag = tag_from(campaign, [piece for piece in own if not piece.doubted])
    return tag is not None and tag.score >= campaign.outweighs_denials_from


def _points_back(first: str, second: str) -> bool:
    """Whether two words in a row point back at a question: "this information", "the
    requested figures", "the information requested"."""
    if second in _THINGS:
        return first in _POINTERS or first in _ASKED
    return first in _THINGS and second in _ASKED


def _doubted(evidence: list[Evidence], factor: float) -> list[Evidence]:
    """The evidence as doubted, each unconfirmed piece `factor` as strong."""
    return [
        piece if piece.confirmed else replace(piece, strength=piece.strength * factor, doubted=True)
        for piece in evidence
    ]


def _has_any(rule: Rule, text: IndexedText | None) -> bool:
    return text is not None and bool(text.find_any(rule.scope))


def tag_from(campaign: Campaign, evidence: list[Evidence]) -> Tag | None:
    """One tag for the campaign from all its evidence, or None without any. In an item
    whose every match is doubted (about something the rule or campaign excludes,
    elsewhere in the item or in its question: Wales's pupil referral unit census,
    Scotland's pupil census), matches do not add up: the strongest alone is the score."""
    if not evidence:
        return None
    confirmed = next((e for e in evidence if e.confirmed), None)
    if confirmed is not None:
        terms = confirmed.terms
        return Tag(campaign.slug, confirmed.rule.name, terms, "confirmed", 1.0, confirmed.explains)
    strongest = max(evidence, key=lambda e: e.strength)
    doubt = 1.0
    alone = all(piece.doubted for piece in evidence)
    for piece in [strongest] if alone else _independent(evidence):
        doubt *= 1 - piece.strength
    terms = tuple(dict.fromkeys(term for piece in evidence for term in piece.terms))
    score = round(1 - doubt, 2)
    return Tag(campaign.slug, strongest.rule.name, terms, "suggested", score, strongest.explains)


def _independent(evidence: list[Evidence]) -> list[Evidence]:
    """The evidence, with the citations and titles that could not confirm (in a list, in
    passing) counted once: "the Regulations 2016 (SI 2016/808)" is one mention, not two."""
    unconfirmed = [piece for piece in evidence if piece.rule.confirms]
    text_rules = [piece for piece in evidence if not piece.rule.confirms]
    if unconfirmed:
        text_rules.append(max(unconfirmed, key=lambda piece: piece.strength))
    return text_rules


class Tagger:
    """The rules ready to tag many texts: build once, call `tag` for each item."""

    def __init__(self, rules: CampaignRules) -> None:
        self.rules = rules
        self.vocabulary = rules.vocabulary

    def tag(
        self, text: str, cites: Collection[str] = (), context: Context | None = None
    ) -> list[Tag]:
        indexed = IndexedText(text, self.vocabulary)
        around = IndexedText(context.text, self.vocabulary) if context else None
        tags = []
        for campaign in self.rules.campaigns:
            evidence = campaign_evidence(campaign, indexed, cites, around)
            if around is not None:
                evidence = _doubted_by(campaign, around, evidence)
            # A copy: the question's matches, added below, are not the item's own.
            own = list(evidence)
            if context is not None and around is not None:
                found = _doubted_by(
                    campaign, indexed, campaign_evidence(campaign, around, context.cites, indexed)
                )
                evidence += [_explained(piece, context) for piece in found]
                evidence += completed_by_context(campaign, indexed, around, context)
            if (
                subject_denied(campaign, indexed)
                or denies_its_question(campaign, indexed, evidence)
            ) and not outweighs_denials(campaign, own):
                # An answer that the Department does not collect what the campaign is
                # about, or what its question asked (the question its context, or the
                # item's own first words, as a written question and answer are often
                # stored together): every match, the question's included, is doubted.
                evidence = _doubted(evidence, EXCLUDED_ELSEWHERE_FACTOR)
            tag = tag_from(campaign, evidence)
            if tag is not None:
                tags.append(tag)
        return tags


def _affirmed(text: IndexedText, found: list[Span]) -> bool:
    """Whether one of the places `found` is not denied ("not in Wales")."""
    return any(not text.denied(span.start, span.end) for span in found)


def _doubted_by(
    campaign: Campaign, around: IndexedText, evidence: list[Evidence]
) -> list[Evidence]:
    """The evidence of an item's words or of its context, each text rule's match half as
    strong when the other (`around`) has one of the rule's `unless` or the campaign's
    `exclude` phrases: an answer to a question on Prevent referrals or Scotland's pupil
    census, a question on teachers' nationality answered from the school workforce
    census. Confirmed evidence stands."""
    doubted = {
        id(rule)
        for rule, stoppers in zip(campaign.rules, campaign.stoppers, strict=True)
        if stoppers and around.find_any(stoppers)
    }
    if not doubted:
        return evidence
    return [
        replace(piece, strength=piece.strength * EXCLUDED_CONTEXT_FACTOR, doubted=True)
        if id(piece.rule) in doubted and not piece.confirmed
        else piece
        for piece in evidence
    ]


def completed_by_context(
    campaign: Campaign, text: IndexedText, around: IndexedText, context: Context
) -> list[Evidence]:
    """Matches of `all_of` rules that the context starts and the text completes: a
    debate headed "School Census: Nationality" and a speech in it about the Home Office.
    The context's groups must come first where the rule has an order, and a context with
    one of the rule's `unless` or the campaign's `exclude` phrases (a debate on Wales's
    census) completes nothing."""
    evidence: list[Evidence] = []
    for rule, stoppers in zip(campaign.rules, campaign.stoppers, strict=True):
        if len(rule.groups) < 2 or rule.confirms:
            continue
        in_context = [bool(around.find_any(group)) for group in rule.groups]
        if not any(in_context) or all(in_context):
            continue
        if rule.in_order and in_context != sorted(in_context, reverse=True):
            continue
        if stoppers and around.find_any(stoppers):
            continue
        scoped = not rule.scope or _has_any(rule, text) or _has_any(rule, around)
        rest = tuple(group for group, had in zip(rule.groups, in_context, strict=True) if not had)
        found = text_evidence(replace(rule, groups=rest), text, scoped, stoppers)
        if not found:
            continue
        started = tuple(
            around.find_any(group)[0].phrase.text
            for group, had in zip(rule.groups, in_context, strict=True)
            if had
        )
        explains = f"{context.describes} has '{', '.join(started)}' for '{rule.name}'"
        strength = found[0].strength * COMPLETED_FACTOR
        terms = (*started, *found[0].terms)
        evidence.append(Evidence(rule, strength, terms, False, explains, found[0].doubted))
    return evidence


def _explained(piece: Evidence, context: Context) -> Evidence:
    if piece.rule.cites and piece.confirmed:
        citing = [
            context.cites.get(legislation_id, legislation_id) for legislation_id in piece.terms
        ]
        explains = f"{context.describes} cites {', '.join(citing)}"
    else:
        explains = f"{context.describes} matches '{piece.rule.name}'"
    strength = piece.strength if piece.confirmed else piece.strength * CONTEXT_FACTOR
    return Evidence(piece.rule, strength, piece.terms, piece.confirmed, explains)


def tag_text(
    rules: CampaignRules, text: str, cites: Collection[str] = (), context: Context | None = None
) -> list[Tag]:
    """The campaign tags the rules give a text that cites the given legislation, read
    with what surrounds it."""
    return Tagger(rules).tag(text, cites, context)
