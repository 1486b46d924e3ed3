"""An instrument's page (`/si/<type>/<year>/<number>`) says each thing once, and truly."""

from tests.support.site import INSTRUMENT_ID, INSTRUMENT_SUMMARY, get


def instrument_page(site_db) -> str:
    response = get(site_db, f"/si/{INSTRUMENT_ID}")
    assert response.status_code == 200, response.text
    return response.text


def test_the_summary_is_said_once_and_each_date_as_a_fact(site_db):
    page = instrument_page(site_db)
    assert page.count(INSTRUMENT_SUMMARY) == 1
    for fact in ("10 July 2017", "13 July 2017", "1 September 2017"):
        assert page.count(fact) == 1, fact


def test_what_it_amends_comes_from_its_own_citations_when_nothing_is_recorded(site_db):
    page = instrument_page(site_db)
    amends = page.split("What it amends", 1)[1].split("What amends it", 1)[0]
    assert "these are the instruments its own text cites" in amends
    assert "uksi/2007/1065" in amends
    assert "No amendments recorded" not in page


def test_the_tracker_note_gives_the_true_reason_stages_are_missing(site_db):
    """Laid in July 2017, after the tracker began: the reason is the failed run."""
    page = instrument_page(site_db)
    assert "statutory instruments tracker" in page and "failed" in page
    assert "covers instruments laid since June 2017" not in page


def test_a_link_that_is_not_a_web_address_is_never_shown(site_db):
    page = instrument_page(site_db)
    assert "javascript:" not in page
    assert f'href="https://www.legislation.gov.uk/{INSTRUMENT_ID}"' in page


def test_si_paths_are_case_insensitive(site_db):
    response = get(site_db, "/si/UKSI/2017/999")
    assert response.status_code == 302
    assert response.headers["location"] == f"/si/{INSTRUMENT_ID}"


def test_si_citations_in_any_text_link_to_their_page(site_db):
    page = get(site_db, "/campaign/boycott-school-census").text
    assert 'on <a href="/si/uksi/2016/808">SI 2016/808</a>: nationality' in page
