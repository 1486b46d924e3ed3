"""“Did you mean …?” for a misspelt search word, from the index's own vocabulary.

The full-text index stems words (Porter), so its vocabulary (`items_fts_vocab`) holds
stems such as "regul" for "regulations". A typed word whose stem no document has is
misspelt or absent. Its one-letter edits (a letter missing, extra, wrong or two letters
swapped, as in "regulatoins") are stemmed the same way, and the edit whose stem most
documents have is offered, spelt as the documents spell it. Failing that,
the closest stem with the same first letter is offered, as a word a document uses.
"""

from __future__ import annotations

import json
import re
import sqlite3
import string
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from pipelines.schema import VOCABULARY
from timeline_site.formatting import HIGHLIGHT_END, HIGHLIGHT_START

if TYPE_CHECKING:
    from timeline_site.queries import Reader

#: Words shorter than this are left alone: too many near neighbours to guess well.
MIN_WORD = 4
#: The words of one search looked at, and the stems compared with each.
MAX_WORDS, MAX_CANDIDATES = 6, 5000
CLOSE_ENOUGH = 0.8
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

#: Stem many words at once: each is a row of an in-memory FTS5 table with the index's own
#: tokenizer, and the `instance` vocabulary gives each row's stem.
_STEMS_SQL = "select doc, term from stems where col = 'word'"


def stems(words: list[str]) -> dict[str, str]:
    """Each of `words` as the index stores it, stemmed by SQLite's own Porter tokenizer."""
    with sqlite3.connect(":memory:") as conn:
        conn.execute("create virtual table words using fts5(word, tokenize='porter')")
        conn.execute("create virtual table stems using fts5vocab(words, 'instance')")
        conn.executemany("insert into words (rowid, word) values (?, ?)", enumerate(words))
        by_row = dict(conn.execute(_STEMS_SQL).fetchall())
    return {word: by_row.get(row, word.lower()) for row, word in enumerate(words)}


def one_letter_edits(word: str) -> list[str]:
    """Every word one deletion, swap of neighbours, change or insertion from `word`."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = [left + right[1:] for left, right in splits if right]
    edits += [left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1]
    edits += [left + c + right[1:] for left, right in splits if right for c in letters]
    edits += [left + c + right for left, right in splits for c in letters]
    return list(dict.fromkeys(edit for edit in edits if edit != word))


def did_you_mean(reader: Reader, text: str) -> str | None:
    """`text` with each word the index does not know replaced by the likeliest word it
    does, or None when there is nothing better to offer."""
    suggestion = text
    for word in list(dict.fromkeys(_WORD.findall(text)))[:MAX_WORDS]:
        if len(word) < MIN_WORD or word in ("OR", "AND", "NOT"):
            continue
        better = _likeliest(reader, word.lower())
        if better and better != word.lower():
            suggestion = re.sub(rf"\b{re.escape(word)}\b", better, suggestion)
    return suggestion if suggestion != text else None


def _likeliest(reader: Reader, word: str) -> str | None:
    if _in_index(reader, word):
        return None
    edits = one_letter_edits(word) if word.isascii() else []
    stem_of = stems(edits)
    counts = _documents_with(reader, sorted(set(stem_of.values())))
    found = [(counts[stem_of[edit]], edit) for edit in edits if stem_of[edit] in counts]
    if found:
        best = max(found)
        # Several edits may share the best stem ("nationality", "nationally"): the one
        # documents use is the one meant.
        used = _word_for_stem(reader, stem_of[best[1]])
        tied = {edit for count, edit in found if stem_of[edit] == stem_of[best[1]]}
        return used if used in tied else best[1]
    return _nearest_stem_word(reader, stems([word])[word])


def _in_index(reader: Reader, word: str) -> bool:
    """Whether any document has `word`, stemmed as the index stems it. The first match
    answers it; the vocabulary's count reads every match (130 ms for "data" at a
    million items)."""
    rows = reader.rows(
        "select 1 from items_fts where items_fts match :word limit 1",
        {"word": '"' + word.replace('"', "") + '"'},
    )
    return bool(rows)


def _documents_with(reader: Reader, terms: list[str]) -> dict[str, int]:
    """How many documents have each of `terms` (stems), for those any has."""
    rows = reader.rows(
        f"""select value, (select doc from [{VOCABULARY}] where term = value) as documents
        from json_each(:terms) where documents is not null""",
        {"terms": json.dumps(terms)},
    )
    return {row[0]: row[1] for row in rows}


def _nearest_stem_word(reader: Reader, term: str) -> str | None:
    """The closest stem the index has with the same first letter, as a word a document
    uses; None when nothing is close."""
    first = term[0]
    candidates = reader.rows(
        f"""select term, doc from [{VOCABULARY}]
        where term >= :first and term < :after and length(term) between :shortest and :longest
        limit {MAX_CANDIDATES}""",
        {
            "first": first,
            "after": chr(ord(first) + 1),
            "shortest": len(term) - 2,
            "longest": len(term) + 2,
        },
    )
    close = [
        (ratio, documents, candidate)
        for candidate, documents in candidates
        if (ratio := SequenceMatcher(None, term, candidate).ratio()) >= CLOSE_ENOUGH
    ]
    return _word_for_stem(reader, max(close)[2]) if close else None


def _word_for_stem(reader: Reader, term: str) -> str | None:
    """A word some document uses whose stem is `term`: the one word of a snippet."""
    rows = reader.rows(
        f"""select snippet(items_fts, -1, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '', 1)
        from items_fts where items_fts match :term limit 1""",
        {"term": '"' + term.replace('"', "") + '"'},
    )
    if not rows:
        return None
    marked = re.search(f"{HIGHLIGHT_START}(.+?){HIGHLIGHT_END}", rows[0][0] or "")
    return marked[1].lower() if marked else None
