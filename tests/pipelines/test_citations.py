import pytest

from pipelines.citations import CitationPipeline, citation_mentions, cited_by, find_citations
from timeline_spiders.items import Document


@pytest.mark.parametrize(
    "text",
    [
        "the Regulations (SI 2016/808) were laid",
        "see S.I. 2016/808",
        "S.I.2016/808",
        "2016 No. 808",
        "Statutory Instrument 2016/808 was made in the summer",
        "the Regulations 2016 (SI, 2016, No. 808), made in July",
        "regulations 808/2016",
        "S.I. No. 808 of 2016",
        "Statutory Instrument number 808 of 2016, made in July",
        "statutory instrument no 808 of 2016",
        "SI 2016 number 808",
        "SI 2016 Number 808, as a heading writes it",
        "STATUTORY INSTRUMENT NO. 808 OF 2016",
        "https://www.legislation.gov.uk/uksi/2016/808/made",
        "http://www.legislation.gov.uk/id/uksi/2016/808",
    ],
)
def test_every_way_of_writing_an_instrument_gives_its_legislation_id(text):
    assert [c.legislation_id for c in find_citations(text)] == ["uksi/2016/808"]


def test_a_number_in_words_may_have_four_digits():
    cited = find_citations("S.I. No. 1234 of 2016, not SI 2016 number")
    assert [c.legislation_id for c in cited] == ["uksi/2016/1234"]


def test_dates_and_months_are_not_citations():
    assert find_citations("answered on 31/10/2016, tabled 10/2016, paragraph 3/2016") == []


def test_a_citation_is_not_read_twice_in_two_forms():
    cited = find_citations("amends the 2013 Regulations (S.I. 2013/2094)")
    assert [c.legislation_id for c in cited] == ["uksi/2013/2094"]


def test_numbers_listed_after_one_si_are_each_cited():
    text = "The 2013 Regulations were amended by S.I. 2014/1231, 2016/808 and 2018/733; 12/2016."
    assert [(c.legislation_id, c.matched_text) for c in find_citations(text)] == [
        ("uksi/2014/1231", "S.I. 2014/1231"),
        ("uksi/2016/808", "2016/808"),
        ("uksi/2018/733", "2018/733"),
    ]
    # A number alone, with no "S.I." before the list, is not read as an instrument.
    assert find_citations("In 2016/17 and 2017/18 the figures rose.") == []


def test_citations_come_in_order_of_first_mention_with_the_words_used():
    cited = find_citations("S.I. 2017/807 and later SI 2016/808, again S.I. 2017/807")
    assert [(c.legislation_id, c.matched_text) for c in cited] == [
        ("uksi/2017/807", "S.I. 2017/807"),
        ("uksi/2016/808", "SI 2016/808"),
    ]


def test_every_mention_is_found_with_where_it_starts():
    text = "SI 2016/808 and later, again, S.I. 2016/808"
    mentions = [(c.legislation_id, c.start) for c in citation_mentions(text)]
    assert mentions == [("uksi/2016/808", 0), ("uksi/2016/808", text.rindex("S.I."))]


def test_an_instrument_does_not_cite_itself():
    text = "2016 No. 808. These Regulations amend S.I. 2013/2094."
    assert cited_by("legislation:uksi/2016/808", text) == {"uksi/2013/2094": "S.I. 2013/2094"}


def test_pipeline_reads_title_summary_and_body():
    item = Document(
        id="hansard:abc",
        source="hansard",
        doc_type="debate",
        title="Motion to Regret",
        summary="On SI 2016/808",
        body="and the 2017 regulations, S.I. 2017/807",
        url="https://hansard.parliament.uk/x",
    )
    CitationPipeline().process_item(item)
    assert list(item.cites) == ["uksi/2016/808", "uksi/2017/807"]
