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

#: PyStemmer's compiled stemmer when it is installed (a dependency), else snowballstemmer's
#: pure-Python one: the same algorithm and the same stems, 14 times slower.
_STEMMER = snowballstemmer.stemmer("english")
#: Stems already worked out, by word: a debate repeats its words, and a nightly run or a
#: re-tag of a million items sees the same few hundred thousand words again and again.
_STEMS: dict[str, str] = {}
_MAX_CACHED_STEMS = 500_000
#: Words whose Snowball stem is another word's in a different sense, kept as written:
#: "reasonable adjustments so she can attend" is not a reason for attending anywhere.
_OWN_STEMS = {word: word for word in ("reasonable", "reasonably")}

#: "pre-school" and "non-EEA" are one word each; other hyphens join separate words.
BOUND_PREFIXES = frozenset({"pre", "post", "non", "anti", "co", "ex", "sub", "un", "re", "mid"})
#: Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    {"no", "nos", "mr", "mrs", "ms", "dr", "hon", "rt", "st", "s", "i", "c", "cl", "cll", "q"}
    | {"para", "paras", "reg", "regs", "sch", "art", "vol", "p", "pp", "e", "g", "ie", "eg"}
)

#: Where a sentence ends: the . ! or ? before a capital (quotes and brackets between),
#: or a line break. An abbreviation before the stop is checked afterwards. One character
#: class first, so the regex engine can skip ahead to the next stop.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)|(?=[\"')\]]*\s+[\"'(\[]*[A-Z]))")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Every ASCII character that is not in a word, as a space: `str.split` then finds the
#: words of a folded, lower-case text at C speed (what `_WORD` would find, hyphens aside).
_NOT_IN_WORDS = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.islower() or c.isdigit() or c == "-")}
)
_NOT = re.compile(r"[nN]['\u2019][tT]\b")
_POSSESSIVE = re.compile(r"['\u2019]s\b")


def stem(word: str) -> str:
    """The Snowball stem of a lower-case word, remembered for the next time."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) >= _MAX_CACHED_STEMS:
            _STEMS.clear()
        found = _STEMS[word] = _OWN_STEMS.get(word) or _STEMMER.stemWord(word)
    return found


def fold(text: str) -> str:
    """Accents folded away, "n't" as " not" and possessive 's dropped; case is kept
    because capitals tell where sentences start."""
    text = text or ""
    # Both need an apostrophe; most texts have none, and a regular expression that
    # finds nothing still reads the whole text.
    if "'" in text or "\u2019" in text:
        text = _POSSESSIVE.sub("", _NOT.sub(" not", text))
    if text.isascii():
        return text
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
    """Split `text` into lower-case words and sentences. Each sentence is read by
    string methods written in C, not a regular expression per word: a debate has
    thousands of words and a re-tag reads millions of debates."""
    words: list[str] = []
    starts = [0]
    for piece in _SENTENCE_END.split(fold(text)):
        found = piece.lower().translate(_NOT_IN_WORDS).split()
        if "-" in piece:
            found = [
                part for token in found for word in _WORD.findall(token) for part in _parts(word)
            ]
        if not found:
            continue
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
