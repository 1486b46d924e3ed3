"""`/status`: when each source last succeeded and what failed, in words."""

from tests.support.site import get


def test_each_source_says_how_many_items_it_has(site_db):
    page = get(site_db, "/status").text
    assert "built-in method" not in page
    assert "1 item stored" in page


def test_times_are_in_words(site_db):
    page = get(site_db, "/status").text
    assert "1 November 2026 at 02:10 UTC" in page
    assert "2026-11-01T02:10:00" not in page


def test_what_failed_is_listed_with_its_address(site_db):
    page = get(site_db, "/status").text
    assert "Some sources failed in their last run" in page
    assert "https://hansard-api.parliament.uk/x" in page and "HTTP 500" in page


def test_each_source_says_how_often_an_hourly_job_asks_it(site_db):
    page = get(site_db, "/status").text
    assert "asked every hour when the job runs hourly" in page  # the SI tracker
    assert "asked every 6 hours when the job runs hourly" in page  # Hansard
