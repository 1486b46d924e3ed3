"""The text of an item as every reader of it sees it: search, citations, tags and the
relevance check all read the same words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

_WORD = re.compile(r"[a-z0-9]+")


def document_text(title: str, summary: str, body: str) -> str:
    """Title, summary and body as one text, so every derived value reads the same words."""
    return "\n".join(part for part in (title, summary, body) if part)


def words(text: str) -> list[str]:
    """Lower-case words with accents and punctuation folded away."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return _WORD.findall(folded.lower())


def mentions(text: str, phrases: Iterable[str]) -> bool:
    """Whether `text` has one of `phrases` word for word, case, accents and punctuation
    ignored: "Pupils: Nationality" has the phrase "pupils' nationality"."""
    padded = f" {' '.join(words(text))} "
    return any(f" {' '.join(words(phrase))} " in padded for phrase in phrases if words(phrase))


def date_in_words(day: str) -> str:
    """An ISO day as people read it on GOV.UK ("31 October 2017"); other text unchanged.
    ISO dates stay in data and in feeds' machine fields; people read this."""
    try:
        return datetime.strptime(day, "%Y-%m-%d").strftime("%-d %B %Y")
    except ValueError:
        return day
