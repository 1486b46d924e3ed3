"""`/status`: when each source last succeeded and what failed, in words."""

import sqlite3

from tests.support.site import build_site_database, get, recorded_statements


def test_each_source_says_how_many_items_it_has(site_db):
    page = get(site_db, "/status").text
    assert "built-in method" not in page
    assert "1 item stored" in page


def test_item_counts_are_the_last_finished_runs_not_counted_on_each_visit(tmp_path, monkeypatch):
    """Counting a source's items reads its whole index (98 ms at a million items): the
    run recorder counts them once, as each run ends."""
    db_path = build_site_database(tmp_path / "site.db")
    with sqlite3.connect(db_path) as conn:  # tonight's Hansard run, still going
        conn.execute(
            "insert into runs (job_id, source, started_at, finished_at, status)"
            " values ('job2', 'hansard', '2026-11-02T02:00:00+00:00', '', 'running')"
        )
    statements = recorded_statements(monkeypatch)
    page = get(db_path, "/status").text
    assert "Running or stopped" in page and "1 item stored" in page
    assert not [sql for sql, _ in statements if "from items" in sql]


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
