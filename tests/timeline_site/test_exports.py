"""CSV exports open safely in a spreadsheet."""

import csv
import io

import pytest

from tests.support.site import HOSTILE_SUMMARY, get
from timeline_site.exports import safe_cell


def csv_rows(site_db, path):
    response = get(site_db, path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text))), response


@pytest.mark.parametrize(
    "path", ["/timeline/timeline.csv?_size=200", "/timeline/timeline.csv?_dl=1&_size=200"]
)
def test_a_formula_in_stored_text_is_written_as_text(site_db, path):
    rows, _ = csv_rows(site_db, path)
    summaries = [row["summary"] for row in rows]
    assert "'" + HOSTILE_SUMMARY in summaries
    assert HOSTILE_SUMMARY not in summaries


def test_a_download_is_an_attachment(site_db):
    _, response = csv_rows(site_db, "/timeline/timeline.csv?_dl=1")
    assert response.headers["content-disposition"] == 'attachment; filename="timeline.csv"'


def test_canned_queries_export_safely_too(site_db):
    rows, _ = csv_rows(site_db, "/timeline/campaign_feed.csv?campaign=boycott-school-census")
    assert "'" + HOSTILE_SUMMARY in [row["summary"] for row in rows]


def test_a_long_export_comes_a_page_at_a_time(site_db):
    rows, response = csv_rows(site_db, "/timeline/timeline.csv?_size=2")
    assert len(rows) == 2
    assert 'rel="next"' in response.headers["link"]
    assert response.headers["link"].startswith("</timeline/timeline.csv?_size=2&_next=")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        (None, ""),
        (3, "3"),
    ],
)
def test_cells_that_a_spreadsheet_would_run(value, written):
    assert safe_cell(value) == written
