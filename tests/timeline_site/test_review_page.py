"""The staff's review queue (`/review/<slug>`)."""

from tests.support.site import CENSUS, get


def test_suggested_tags_below_the_threshold_wait_for_review_and_not_in_public(site_db):
    review = get(site_db, f"/review/{CENSUS}").text
    assert "Population Survey: Place of Birth" in review
    assert "1 waiting" in review
    for public in (f"/campaign/{CENSUS}", f"/embed/{CENSUS}", "/"):
        assert "Population Survey" not in get(site_db, public).text, public


def test_each_shows_why_and_a_line_to_paste_to_confirm_or_reject_it(site_db):
    review = get(site_db, f"/review/{CENSUS}").text
    assert "The rule “where a child was born” matched “where”, “born”" in review
    assert "context: the question&#39;s heading" in review
    assert "score 0.30" in review
    assert f'value="questions:wq:2,{CENSUS},add,checked by staff"' in review
    assert f'value="questions:wq:2,{CENSUS},remove,not about the campaign"' in review


def test_tags_the_public_pages_show_are_not_in_the_queue(site_db):
    assert "Motion to Regret" not in get(site_db, f"/review/{CENSUS}").text


def test_the_queue_is_kept_out_of_search_engines_and_unlinked(site_db):
    response = get(site_db, f"/review/{CENSUS}")
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert "Disallow: /review/" in get(site_db, "/robots.txt").text
    for public in ("/", f"/campaign/{CENSUS}", "/search", "/status"):
        assert "/review/" not in get(site_db, public).text, public


def test_an_unknown_campaign_has_no_queue(site_db):
    assert get(site_db, "/review/nope").status_code == 404
