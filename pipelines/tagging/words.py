"""Words as the campaign rules read them: lower-case, stemmed, in sentences.

Rules match word forms, not spellings: Snowball's English stemmer makes "pupil" match
pupils and pupil's, and "record" match recorded and recording, without hand-written
wildcards. A word written after a bound prefix stays one word ("pre-schools" is not
"schools"), other hyphenated words are read as their parts ("pupil-level" has "pupil").
A sentence ends at . ! or ? before a capital letter (not after an abbreviation such as
"No." or "Mr.") and at a line break; "n't" reads as "not".
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
#: Stems already worked out, by word: a debate repeats its words, and a nightly run or a
#: re-tag of a million items sees the same few hundred thousand words again and again.
_STEMS: dict[str, str] = {}
_MAX_CACHED_STEMS = 500_000

#: "pre-school" and "non-EEA" are one word each; other hyphens join separate words.
BOUND_PREFIXES = frozenset({"pre", "post", "non", "anti", "co", "ex", "sub", "un", "re", "mid"})
#: Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    {"no", "nos", "mr", "mrs", "ms", "dr", "hon", "rt", "st", "s", "i", "c", "cl", "cll", "q"}
    | {"para", "paras", "reg", "regs", "sch", "art", "vol", "p", "pp", "e", "g", "ie", "eg"}
)

#: Where a sentence may end: after . ! ? before a capital (quotes and brackets between),
#: and at a line break. An abbreviation before the stop is checked afterwards.
_BOUNDARY = re.compile(r"(?<=[.!?])(?=[\"')\]]*\s+[\"'(\[]*[A-Z])|\n")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT = re.compile(r"n['\u2019]t\b", re.I)
_POSSESSIVE = re.compile(r"['\u2019]s\b")


def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, remembered for the next time."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) >= _MAX_CACHED_STEMS:
            _STEMS.clear()
        found = _STEMS[word] = _STEMMER.stemWord(word)
    return found


def fold(text: str) -> str:
    """Accents folded away, "n't" as " not" and possessive 's dropped; case is kept
    because capitals tell where sentences start."""
    text = _POSSESSIVE.sub("", _NOT.sub(" not", text or ""))
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@dataclass
class Words:
    """A text's words in order, and where each sentence starts."""

    words: list[str]
    sentence_starts: list[int]

    def sentence_of(self, position: int) -> int:
        return bisect_right(self.sentence_starts, position) - 1

    def sentence_bounds(self, sentence: int) -> tuple[int, int]:
        """First and last word position of a sentence."""
        starts = self.sentence_starts
        end = starts[sentence + 1] - 1 if sentence + 1 < len(starts) else len(self.words) - 1
        return starts[sentence], end


def read_words(text: str) -> Words:
    """Split `text` into lower-case words and sentences. Each sentence is read by one
    regular expression call: a debate has thousands of words and a re-tag reads
    millions of debates."""
    words: list[str] = []
    starts = [0]
    for piece in _BOUNDARY.split(fold(text)):
        found = _WORD.findall(piece.lower())
        if not found:
            continue
        if "-" in piece:
            found = [part for token in found for part in _parts(token)]
        if words and starts[-1] != len(words) and not _continues(words):
            starts.append(len(words))
        words += found
    return Words(words, starts)


def _continues(words: list[str]) -> bool:
    """Whether the sentence read so far ended on an abbreviation ("No." or "Mr.")."""
    return words[-1] in ABBREVIATIONS


def _parts(token: str) -> list[str]:
    if "-" not in token:
        return [token]
    first, *rest = token.split("-")
    if first in BOUND_PREFIXES:
        return [first + rest[0], *rest[1:]]
    return [first, *rest]
