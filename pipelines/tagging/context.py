"""What surrounds an item's own words, read apart from them.

A Hansard item is one debate section whose title is "<heading> — <section title>": a
speech in "Education (Pupil Information) ... Regulations 2016 — Motion to Regret" is
about those regulations even when its own words never name them. A written question's
answer is about what was asked. The tagger reads the item's own words as the text and
the heading or question as its context, so a tag the context gave says so.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from pipelines.citations import cited_by
from pipelines.tagging.matching import Context
from timeline_spiders.text import document_text

HEADING_SEPARATOR = " \u2014 "
_ANSWERED_QUESTION = re.compile(
    r"^Question \([^\n]*\):\n(?P<question>.*?)\n\n(?P<answer>(?:Holding answer|Answer) \(.*)$",
    re.S,
)


@dataclass(frozen=True)
class ItemText:
    """An item as the tagger reads it: its own words, what they cite, its context."""

    text: str
    cites: list[str]
    context: Context | None


def item_text(
    item_id: str,
    source: str,
    title: str,
    summary: str,
    body: str,
    heading: str = "",
    cites: Collection[str] | None = None,
) -> ItemText:
    """Split a stored or crawled item into its own words and their context. `heading` is
    the debate's heading where the item says it; otherwise the title tells. `cites` is
    what the whole item cites, where the caller has found it already: the parts of an
    item that cites nothing need no search of their own (most debates cite nothing, and
    the search is a tenth of tagging's time)."""

    def cited_by_part(text: str) -> dict[str, str]:
        return cited_by(item_id, text) if cites is None or cites else {}

    if source == "hansard":
        heading = heading or (
            title.split(HEADING_SEPARATOR, 1)[0] if HEADING_SEPARATOR in title else ""
        )
        if heading and title.startswith(heading + HEADING_SEPARATOR):
            section = title[len(heading + HEADING_SEPARATOR) :]
            context = Context(heading, "the debate's heading", cited_by_part(heading))
            text = document_text(section, summary, body)
            return ItemText(text, list(cited_by_part(text)), context)
    if source == "questions":
        answered = _ANSWERED_QUESTION.match(body)
        if answered:
            question = answered.group("question")
            context = Context(question, "the question", cited_by_part(question))
            text = document_text(title, summary, answered.group("answer"))
            return ItemText(text, list(cited_by_part(text)), context)
    text = document_text(title, summary, body)
    return ItemText(text, list(cited_by(item_id, text) if cites is None else cites), None)
