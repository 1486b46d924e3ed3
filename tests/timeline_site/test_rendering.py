"""The site's pages are rendered by a synchronous overlay of Datasette's environment
(timeline_site/rendering.py): the same pages, without the cost of Jinja's async mode."""

import pytest

from tests.support.site import AP_CENSUS, CENSUS, rendered_both_ways

SITE_PAGES = [
    "/",
    f"/campaign/{CENSUS}",
    f"/campaign/{AP_CENSUS}",
    f"/campaign/{CENSUS}?q=nationality",
    f"/embed/{CENSUS}",
    "/search?q=census",
    "/si/uksi/2016/808",
    "/status",
    f"/review/{CENSUS}",
]


@pytest.mark.parametrize("path", SITE_PAGES)
def test_each_page_is_drawn_without_async_mode_and_reads_as_datasette_would_draw_it(
    site_db, monkeypatch, path
):
    """A template that needed an async helper (Datasette's breadcrumbs, its menu links)
    would differ here, or fail."""
    by_the_site, by_datasette = rendered_both_ways(site_db, path, monkeypatch)
    assert by_the_site == by_datasette
