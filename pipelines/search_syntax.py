"""What a reader types into a search box, as a full-text query that cannot fail.

People write `nationality OR pregnancy`, `school census -scotland`, `"country of birth"`,
a lone quote mark or nothing at all. SQLite's FTS5 syntax would reject half of those.
Every input is read here into words, quoted phrases, `OR` between terms and `-word` to
leave out, and written back as an FTS5 expression made only of quoted terms, so no input
is a syntax error. A statutory instrument's number in any form (`2016/808`, `SI 2016/808`,
`S.I. 2016 No. 808`, `uksi/2016/808`) is taken out of the words and searched for by
citation instead, since the index splits it into unrelated numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.citations import find_citations

#: An FTS5 query that matches nothing, for a search with nothing to look for.
MATCH_NOTHING = '""'
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"[\w'\u2019]+", re.UNICODE)
_BARE_CITATION = re.compile(r"\b(?:[a-z]{3,5}/)?(\d{4})\s*/\s*(\d{1,5})\b", re.IGNORECASE)
#: What is left of "S.I. 2016 No. 808" or "Statutory Instrument 2016/808" once the number
#: is read: words that would otherwise be searched for on their own.
_CITATION_WORDS = re.compile(
    r"(?<!\w)(?:S\.?\s?I\.?|No\.?|statutory\s+instruments?)(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True)
class Query:
    """A search, read: the FTS5 expression for its words (or "" when it has none), the
    instruments it names (legislation ids), and the words it leaves out."""

    fts: str = ""
    instruments: tuple[str, ...] = ()
    excluded: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.fts and not self.instruments


def read_query(text: str) -> Query:
    """`text` as a search. Never raises; `Query.empty` when there is nothing to find."""
    text = " ".join(text.replace("\x00", " ").split())
    instruments = _instruments(text)
    if instruments:
        for citation in find_citations(text):
            text = text.replace(citation.matched_text, " ")
        text = _CITATION_WORDS.sub(" ", _BARE_CITATION.sub(" ", text))
    groups, excluded = _terms(text)
    positive = [group for group in groups if group]
    fts = " ".join(f"({' OR '.join(group)})" if len(group) > 1 else group[0] for group in positive)
    if fts and excluded:
        fts += "".join(f" NOT {term}" for term in excluded)
    return Query(fts=fts, instruments=instruments, excluded=tuple(excluded))


def _instruments(text: str) -> tuple[str, ...]:
    found = [citation.legislation_id for citation in find_citations(text)]
    for match in _BARE_CITATION.finditer(text):
        found.append(f"uksi/{match[1]}/{int(match[2])}")
    prefixed = re.findall(r"\b([a-z]{3,5})/(\d{4})/(\d{1,5})\b", text, re.IGNORECASE)
    found += [f"{kind.lower()}/{year}/{int(number)}" for kind, year, number in prefixed]
    return tuple(dict.fromkeys(found))


def _terms(text: str) -> tuple[list[list[str]], list[str]]:
    """Groups of terms joined by OR (each group must match) and terms to leave out."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    joining = False
    for token in _TOKEN.findall(text):
        if token == "OR":
            joining = bool(groups)
            continue
        negated = token.startswith("-") and len(token) > 1
        term = _term(token[1:] if negated else token)
        if term is None:
            continue
        if negated:
            excluded.append(term)
        elif joining:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = False
    return groups, excluded


def _term(token: str) -> str | None:
    """A token as a quoted FTS5 term: a phrase, a word, or a word's prefix (`nation*`)."""
    if token.startswith('"'):
        words = _WORD.findall(token.strip('"'))
        return '"' + " ".join(words) + '"' if words else None
    words = _WORD.findall(token)
    if not words:
        return None
    prefix = token.endswith("*") and len(words) == 1 and len(words[0]) >= 3
    quoted = '"' + " ".join(words) + '"'
    return f"{quoted}*" if prefix else quoted
