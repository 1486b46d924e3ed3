"""GOV.UK misbehaving or moving things: pages removed, challenge pages, redirects."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.end_to_end.test_govuk_end_to_end import (
    AP_CENSUS,
    CONTENT,
    LETTER,
    PHRASE,
    SEARCH,
    crawl,
    first_crawl,
    item_events,
    last_run,
    serve_govuk,
)

#: Where the old 2017 to 2018 census guide path now redirects (redirect.json).
OLD_GUIDE = "/government/publications/school-census-guide-2017-to-2018"
NEW_GUIDE = "/government/publications/school-census-2017-to-2018-guide-for-schools-and-las"
#: A route of the template letter: the Content API answers it with a 303 to the letter.
LETTER_ROUTE = "/government/publications/nationality-letter-for-parents"


def items(db: Path) -> dict[str, dict]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    return {row["id"]: dict(row) for row in connection.execute("select * from items")}


def test_a_410_for_a_stored_document_marks_it_gone_and_keeps_its_events(fixture_server, tmp_path):
    db = first_crawl(fixture_server, tmp_path / "timeline.db")
    events_before = item_events(db, AP_CENSUS)
    fixture_server.replace(CONTENT + AP_CENSUS, "govuk/gone.json", status=410)

    result = crawl(fixture_server, db)

    assert result.returncode == 0, result.stdout
    item = items(db)[f"govuk:{AP_CENSUS}"]
    assert item["gone_at"] is not None
    assert item_events(db, AP_CENSUS) == events_before
    assert last_run(db)["items_gone"] == 1


def test_a_challenge_page_served_with_200_is_retried_then_reported_and_not_stored(
    fixture_server, tmp_path
):
    serve_govuk(fixture_server).replace(CONTENT + AP_CENSUS, "govuk/challenge.html")
    db = tmp_path / "timeline.db"

    result = crawl(fixture_server, db)

    assert result.returncode == 1
    assert fixture_server.count(CONTENT + AP_CENSUS) == 4  # the first try and three retries
    assert (
        f"govuk: https://www.gov.uk/api/content{AP_CENSUS} -- malformed response" in result.stdout
    )
    assert "1 of 1 sources failed: govuk" in result.stdout
    stored = items(db)
    assert f"govuk:{AP_CENSUS}" not in stored
    assert f"govuk:{LETTER}" in stored


def test_redirect_items_and_http_redirects_are_followed_and_recorded(fixture_server, tmp_path):
    fixture_server.add_matching(SEARCH, {"q": PHRASE}, "govuk/search-redirects.json")
    serve_govuk(fixture_server)
    fixture_server.add(CONTENT + OLD_GUIDE, "govuk/redirect.json")
    fixture_server.add(CONTENT + NEW_GUIDE, "govuk/school-census-guide-2017-to-2018.json")
    fixture_server.add(
        CONTENT + LETTER_ROUTE, status=303, headers={"Location": CONTENT + LETTER}, body=""
    )
    db = tmp_path / "timeline.db"

    result = crawl(fixture_server, db)

    assert result.returncode == 0, result.stdout
    stored = items(db)
    assert f"govuk:{OLD_GUIDE}" not in stored and f"govuk:{LETTER_ROUTE}" not in stored
    new_guide = stored[f"govuk:{NEW_GUIDE}"]
    assert new_guide["url"] == f"https://www.gov.uk{NEW_GUIDE}"
    assert json.loads(new_guide["metadata"])["redirected_from"] == f"https://www.gov.uk{OLD_GUIDE}"
    letter = json.loads(stored[f"govuk:{LETTER}"]["metadata"])
    assert letter["redirected_from"] == f"https://www.gov.uk{LETTER_ROUTE}"
    assert fixture_server.count(CONTENT + LETTER) == 1
    dumped = "\n".join(sqlite3.connect(db).iterdump())
    assert "127.0.0.1" not in dumped
