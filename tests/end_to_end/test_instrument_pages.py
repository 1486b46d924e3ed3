"""The life of a statutory instrument on one page: legislation.gov.uk (with its changes
feeds), Parliament's SI tracker and Hansard crawled together, then read through Datasette."""

import json
from html.parser import HTMLParser

import pytest

from tests.end_to_end.conftest import (
    INSTRUMENT_SOURCES,
    crawl_instruments,
    get_page,
    query_json,
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("instruments") / "timeline.db"
    return db, crawl_instruments(db)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(db, path: str) -> str:
    response = get_page(db, path)
    assert response.status_code == 200, response.text
    reader = _Text()
    reader.feed(response.text)
    return " ".join(" ".join(reader.parts).split())


def test_every_source_succeeds(crawled):
    db, result = crawled
    assert result.returncode == 0, result.stdout + result.stderr
    runs = query_json(db, "/timeline/runs.json?_shape=array&source__notin=campaign rules,alerts")
    assert {(run["source"], run["status"]) for run in runs} == {
        (source, "ok") for source in INSTRUMENT_SOURCES
    }


def test_si_2017_807_shows_its_stages_from_the_si_tracker(crawled):
    db, _ = crawled
    text = page_text(db, "/si/uksi/2017/807")
    assert "Stages from Parliament's statutory instruments tracker" in text
    for stage in (
        "Laid before the House of Commons",
        "Joint Committee on Statutory Instruments",
        "Objection period ends",
        "Procedure concluded in the House of Commons and the House of Lords",
    ):
        assert stage in text
    assert (
        "Education (Information About Children in Alternative Provision) (England) Regulations 2007"
        in text
    )


def test_si_tracker_stages_are_on_the_campaign_timeline(crawled):
    db, _ = crawled
    rows = query_json(db, "/timeline/timeline.json?_shape=array&_size=max&source=si_tracker")
    assert {row["kind"] for row in rows} >= {"si_laid", "si_committee", "si_procedure_concluded"}
    for row in rows:
        assert json.loads(row["cites"]) == ["uksi/2017/807"]
        assert json.loads(row["campaigns"]) == ["labels-last-a-lifetime"]
        # The tracker's page, or the committee report a stage links to: public either way.
        assert row["url"].startswith(
            ("https://statutoryinstruments.parliament.uk/", "https://publications.parliament.uk/")
        )


def test_si_2016_808_shows_the_regret_debate_known_only_from_hansard(crawled):
    db, _ = crawled
    text = page_text(db, "/si/uksi/2016/808")
    assert "covers instruments laid since June 2017" in text
    assert (
        "known only from the debates, written questions and early day motions that cite it" in text
    )
    parliament = text.split("In Parliament", 1)[1].split("What it amends", 1)[0]
    assert "31 October 2016" in parliament
    assert (
        "Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
        in parliament
    )


def test_si_2016_808_shows_the_2013_regulations_it_amends(crawled):
    db, _ = crawled
    text = page_text(db, "/si/uksi/2016/808")
    amends = text.split("What it amends", 1)[1].split("What amends it", 1)[0]
    assert "its own text cites" not in amends  # recorded by legislation.gov.uk
    assert (
        "The Education (Information About Individual Pupils) (England) Regulations 2013" in amends
    )
    assert "uksi/2013/2094" in amends
    assert "reg. 5(2A)" in amends


def test_an_instrument_page_has_its_dates_campaign_and_links(crawled):
    db, _ = crawled
    text = page_text(db, "/si/uksi/2016/808")
    for fact in (
        "Instrument made 18 July 2016",
        "Instrument laid 21 July 2016",
        "Instrument in force 1 September 2016",
    ):
        assert fact in text
    assert "boycott-school-census" in text
    assert "Text on legislation.gov.uk" in text


def test_an_instrument_nothing_mentions_is_a_404(crawled):
    db, _ = crawled
    assert get_page(db, "/si/uksi/1999/1").status_code == 404


def test_si_2017_807_says_its_procedure_and_scrutiny_deadline(crawled):
    db, _ = crawled
    text = page_text(db, "/si/uksi/2017/807")
    assert "Procedure in Parliament Made negative" in text
    assert "Objection period ends 31 October 2017" in text


def test_the_summary_and_explanatory_note_are_said_once(crawled):
    db, _ = crawled
    response = get_page(db, "/si/uksi/2016/808")
    summary = query_json(db, "/timeline/items/legislation:uksi~2F2016~2F808.json?_shape=array")
    assert response.text.count(summary[0]["summary"][:60]) == 1
