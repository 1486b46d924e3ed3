"""“Did you mean …?” from the index's own vocabulary."""

import pytest

from pipelines.schema import VOCABULARY
from tests.support.site import recorded_statements, site_read
from timeline_site.suggestions import did_you_mean, one_letter_edits, stems


def suggest(site_db, text):
    return site_read(site_db, lambda reader: did_you_mean(reader, text))


def test_words_are_stemmed_as_the_index_stems_them():
    assert stems(["regulations", "nationality", "Census"]) == {
        "regulations": "regul",
        "nationality": "nation",
        "Census": "censu",
    }


def test_one_letter_edits_cover_the_common_typos():
    edits = one_letter_edits("regulatoins")
    assert "regulations" in edits  # two letters swapped
    assert "nationality" in one_letter_edits("natonality")  # a letter missing
    assert "census" in one_letter_edits("censsus")  # a letter extra
    assert "census" in one_letter_edits("cencus")  # a letter wrong


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("regulatoins", "regulations"),
        ("natonality", "nationality"),
        ("nationalty", "nationality"),
        ("pupil natonality", "pupil nationality"),
        ("Natonality OR censsus", "nationality OR census"),
    ],
)
def test_a_misspelt_word_is_offered_as_documents_spell_it(site_db, typed, meant):
    assert suggest(site_db, typed) == meant


@pytest.mark.parametrize("typed", ["nationality", "census", "pupils", "xqzvwk", "a", ""])
def test_nothing_is_offered_for_known_or_hopeless_words(site_db, typed):
    assert suggest(site_db, typed) is None


def test_words_the_index_knows_are_never_counted(site_db, monkeypatch):
    """Counting a word's documents in the vocabulary reads every one of them (130 ms for
    a common word at a million items); knowing the index has it needs one match."""
    statements = recorded_statements(monkeypatch)
    assert suggest(site_db, "nationality census regulations") is None
    assert statements and not [sql for sql, _ in statements if VOCABULARY in sql]
