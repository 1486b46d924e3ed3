"""What a stranger on the open web can ask of the site: bounded, and never a 500."""

import time

import pytest

from tests.support.site import CENSUS, get
from timeline_site.guard import MAX_SEARCH_CHARS


@pytest.mark.parametrize(
    "path",
    [
        "/timeline/search.json?q=" + "nationality+" * 2300,  # 27 KB: held a thread 13.6 s
        "/search?q=" + "a" * (MAX_SEARCH_CHARS + 1),
        f"/campaign/{CENSUS}?q=" + "census " * 60,
        "/timeline/items?title=" + "x" * 600,
        "/?" + "a=b&" * 700,
    ],
)
def test_requests_that_ask_too_much_are_refused_at_once(site_db, path):
    started = time.monotonic()
    response = get(site_db, path)
    assert response.status_code == 400
    assert "This address asks for too much" in response.text
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "path",
    [
        "/timeline/items?_sort=nope",
        "/timeline/items.json?_sort=nope",
        "/timeline/items?id__in=%5B%27a",
        "/timeline/items?_through=%7Bbad",
        "/timeline/items?_sort_desc=nope",
    ],
)
def test_a_malformed_table_address_is_the_readers_mistake_not_a_500(site_db, path):
    response = get(site_db, path)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("q", ["%22", "%22%22", "%00", "a%00b", "(", "-", "NEAR("])
def test_the_campaign_search_box_answers_any_input(site_db, q):
    assert get(site_db, f"/campaign/{CENSUS}?q={q}").status_code == 200


def test_a_nul_character_is_read_as_a_space_on_every_page(site_db):
    """SQLite reads NUL as the end of a string: FTS5 saw an unterminated string."""
    response = get(site_db, "/timeline/items.json?_search=regret%00debate&_shape=array")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == ["hansard:regret"]


@pytest.mark.parametrize(
    "path",
    [
        "/-/databases.json",
        "/-/versions",
        "/-/threads",
        "/-/plugins",
        "/-/settings.json",
        "/-/metadata",
        "/-/config",
        "/-/actor",
    ],
)
def test_introspection_is_off(site_db, path):
    assert get(site_db, path).status_code == 404


def test_the_servers_file_path_is_never_shown(site_db):
    for path in ("/timeline.json", "/timeline", "/-/databases.json", "/.json"):
        assert str(site_db.parent) not in get(site_db, path).text, path


def test_the_host_header_is_never_echoed(site_db):
    for path in (f"/embed/{CENSUS}", f"/campaign/{CENSUS}", f"/campaign/{CENSUS}.ics", "/"):
        response = get(site_db, path, headers={"Host": "attacker.test"})
        assert "attacker.test" not in response.text, path


def test_the_embed_links_back_to_the_public_address(site_db):
    assert (
        'href="https://timeline.example.org/campaign/boycott-school-census"'
        in get(site_db, f"/embed/{CENSUS}").text
    )


def test_a_page_the_reader_already_has_is_a_304(site_db):
    first = get(site_db, f"/campaign/{CENSUS}")
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = get(site_db, f"/campaign/{CENSUS}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_missing_page_says_so_and_leads_back(site_db):
    response = get(site_db, "/no/such/page")
    assert response.status_code == 404
    assert 'href="/"' in response.text and 'href="/search"' in response.text
    assert '<html lang="en">' in response.text


def test_streaming_and_whole_file_downloads_are_off(site_db):
    streamed = get(site_db, "/timeline/timeline.csv?_stream=on&_size=max")
    assert streamed.status_code == 200
    assert len(streamed.text.strip().splitlines()) <= 201  # one page at most
    assert get(site_db, "/timeline.db").status_code in (403, 404)


@pytest.mark.parametrize("table", ["alert_deliveries", "alert_subscriptions"])
def test_who_gets_alerts_is_never_published(site_db, table):
    assert get(site_db, f"/timeline/{table}.json").status_code == 403
    assert get(site_db, f"/timeline/{table}.csv").status_code == 403
    assert table not in get(site_db, "/timeline").text
