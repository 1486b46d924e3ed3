"""Citations: which statutory instruments (and other legislation) an item mentions.

Every form below is how the same instrument is written somewhere in Hansard, answers
or guidance. All become a legislation.gov.uk id such as `uksi/2016/808`, the key the
timeline uses to link debates and guidance to the instrument they are about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from timeline_spiders.items import Document
from timeline_spiders.text import document_text

_TYPES = "uksi|ukpga|ukla|ssi|wsi|nisr|asp|asc|anaw|nia|ukdsi|sdsi|wdsi|nidsr|uksro|nisro"

#: "808 of 2016", in any case: the cheap test before the number_of_year pattern, whose
#: case-blind alternatives are slow to scan for in the "of" nearly every text has.
_OF_YEAR = re.compile(r"of\s+\d{4}")
#: Every form of citation has one.
_DIGIT = re.compile(r"\d")


#: A cheap test that a pattern can match at all, given the text and its lower case.
MayMatch = Callable[[str, str], bool]


def _contains(fragment: str) -> MayMatch:
    return lambda text, _lower: fragment in text


def _contains_in_any_case(fragment: str) -> MayMatch:
    return lambda _text, lower: fragment in lower


def _has_number_of_year(_text: str, lower: str) -> bool:
    return _OF_YEAR.search(lower) is not None


#: (pattern, form, a cheap test that the pattern can match at all). The test lets most
#: texts, which cite nothing, skip the regexes entirely.
_PATTERNS: list[tuple[re.Pattern[str], str, MayMatch]] = [
    # legislation.gov.uk/uksi/2016/808 (and /id/, /made, http or https)
    (
        re.compile(rf"legislation\.gov\.uk/(?:id/)?({_TYPES})/(\d{{4}})/(\d+)", re.I),
        "url",
        _contains("/"),
    ),
    # SI 2016/808, S.I. 2016/808, S.I.2016/808, SI 2016 / 808, Statutory Instrument 2016/808
    (
        re.compile(
            r"(?:\bS\.?\s?I\.?|\bStatutory\s+Instruments?(?:\s+No\.?)?)"
            r"\s*(\d{4})\s*/\s*(\d{1,5})\b"
        ),
        "si_year_number",
        _contains("/"),
    ),
    # S.I. No. 808 of 2016, Statutory Instrument number 808 of 2016: the number, then the
    # year, as speeches and letters write them
    (
        re.compile(
            r"(?:\bS\.?\s?I\.?|\bStatutory\s+Instruments?)\s*,?\s*"
            r"(?:No\.?|number)\s*(\d{1,5})\s+of\s+(\d{4})\b",
            re.I,
        ),
        "number_of_year",
        _has_number_of_year,
    ),
    # SI 2016 number 808
    (
        re.compile(
            r"(?:\bS\.?\s?I\.?|\bStatutory\s+Instruments?)\s*,?\s*(\d{4}),?\s+number\s+(\d{1,5})\b",
            re.I,
        ),
        "si_year_number",
        _contains_in_any_case("number"),
    ),
    # 2016 No. 808 (the number printed on every instrument), and "SI, 2016, No. 808" as
    # prayers against an instrument write it
    (re.compile(r"\b(\d{4}),?\s+No\.?\s*(\d{1,5})\b"), "year_no_number", _contains("No")),
    # 808/2016, read only when the number cannot be a month (SIs 1-12 are rarely cited
    # this way, while "10/2016" is usually a month) and it is not part of a longer date.
    (re.compile(r"(?<![\d/.])(\d{2,5})\s*/\s*(\d{4})(?![\d/])"), "number_year", _contains("/")),
]


#: The numbers that follow an "S.I. 2014/1231" without their own "S.I.", as instruments
#: list those that amended them: "S.I. 2014/1231, 2016/808 and 2018/733".
_LISTED_AFTER = re.compile(r"\s*(?:,\s*and\b|,|;|\band\b)\s*(\d{4})\s*/\s*(\d{1,5})\b")


@dataclass(frozen=True)
class Citation:
    legislation_id: str
    matched_text: str
    start: int = 0


def find_citations(text: str) -> list[Citation]:
    """All legislation cited in `text`, first mention of each, in order of appearance."""
    first: dict[str, Citation] = {}
    for mention in citation_mentions(text):
        first.setdefault(mention.legislation_id, mention)
    return list(first.values())


def citation_mentions(text: str) -> list[Citation]:
    """Every mention of legislation in `text`, in order, with where it starts: tagging
    asks whether each mention of an instrument is in passing or in a list.

    Patterns are tried from the most specific to the least; text claimed by one is not
    read again by a later one, so "S.I. 2013/2094" is never also read as "2094/2013".
    """
    text = text or ""
    # Every form has digits: a text without any cites nothing, known with one search
    # in C (pages link the citations of every summary they show).
    if not _DIGIT.search(text):
        return []
    latest_year = 0  # next year, worked out once something looks like a citation
    claimed: list[tuple[int, int]] = []
    found: list[Citation] = []
    lower = text.lower()
    for pattern, form, may_match in _PATTERNS:
        if not may_match(text, lower):
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < other_end and other_start < end for other_start, other_end in claimed):
                continue
            legislation_id = _legislation_id(form, match.groups())
            if legislation_id is None:
                continue
            latest_year = latest_year or date.today().year + 1
            if not 1800 <= int(legislation_id.split("/")[1]) <= latest_year:
                continue
            claimed.append((start, end))
            found.append(Citation(legislation_id, match.group(0), start))
            if form == "si_year_number":
                found += _listed_after(text, end, claimed, latest_year)
    return sorted(found, key=lambda citation: citation.start)


def _listed_after(
    text: str, end: int, claimed: list[tuple[int, int]], latest_year: int
) -> list[Citation]:
    """The instruments listed by number alone after one cited as "S.I. 2014/1231"."""
    listed = []
    while (match := _LISTED_AFTER.match(text, end)) and 1800 <= int(match[1]) <= latest_year:
        end = match.end()
        claimed.append((match.start(1), end))
        number = f"{match[1]}/{match[2]}"
        listed.append(Citation(f"uksi/{match[1]}/{int(match[2])}", number, match.start(1)))
    return listed


def _legislation_id(form: str, groups: Iterable[str]) -> str | None:
    parts = list(groups)
    if form == "url":
        kind, year, number = parts
        return f"{kind.lower()}/{year}/{int(number)}"
    if form in ("number_year", "number_of_year"):
        number, year = parts
        if form == "number_year" and int(number) <= 12:
            return None
        return f"uksi/{year}/{int(number)}"
    year, number = parts
    return f"uksi/{year}/{int(number)}"


def cited_by(item_id: str, text: str) -> dict[str, str]:
    """Legislation id -> citing text for what an item cites.

    An instrument always prints its own number, which is no citation, so an item's own
    legislation id (`legislation:uksi/2016/808`) is left out.
    """
    own = item_id.removeprefix("legislation:") if item_id.startswith("legislation:") else None
    return {
        c.legislation_id: c.matched_text for c in find_citations(text) if c.legislation_id != own
    }


class CitationPipeline:
    """Fill `item.cites` from the title, summary and body."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Document):
            return item  # Gone and AmendmentList items carry nothing to derive
        item.cites = cited_by(item.id, document_text(item.title, item.summary, item.body))
        return item
