"""The words every reader of an item compares: tags, the relevance check, citations."""

from timeline_spiders.text import document_text, mentions, words


def test_words_fold_case_accents_and_punctuation():
    assert words("Pupils\u2019 Nationality: café") == ["pupils", "nationality", "cafe"]


def test_phrases_match_word_for_word_ignoring_case_and_punctuation():
    phrases = ["pupils' nationality", "alternative provision census"]
    assert mentions("Pupils: Nationality", phrases)
    assert mentions("the Alternative Provision Census records", phrases)
    assert not mentions("the nationality of pupils", phrases)
    assert not mentions("alternative provision censuses", phrases)


def test_document_text_joins_the_parts_that_are_there():
    assert document_text("Title", "", "Body") == "Title\nBody"
