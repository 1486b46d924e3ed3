"""The site's pages are rendered by a synchronous overlay of Datasette's environment
(timeline_site/rendering.py): the same pages, without the cost of Jinja's async mode."""

import asyncio
import gc

import pytest
from jinja2.runtime import Context

from tests.support.site import AP_CENSUS, CENSUS, PUBLIC_URL, rendered_both_ways
from timeline_site.config import build_datasette

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


@pytest.mark.parametrize("path", SITE_PAGES)
def test_a_page_leaves_nothing_for_the_garbage_collector_to_free(site_db, path):
    """Imported "with context", Datasette's breadcrumbs tied each render's context, and
    every event the page listed, into a reference cycle: freed only when the collector
    next ran, in the middle of a later request (a quarter of a millisecond at a time for
    SI 2016/808's page). The site's pages extend page.html, which imports nothing."""

    async def contexts_left_by(path: str) -> tuple[int, int]:
        datasette = build_datasette(site_db, public_url=PUBLIC_URL)
        await datasette.invoke_startup()
        await datasette.client.get(path)
        gc.collect()
        gc.disable()
        try:
            response = await datasette.client.get(path)
            left = sum(isinstance(thing, Context) for thing in gc.get_objects())
        finally:
            gc.enable()
        return response.status_code, left

    assert asyncio.run(contexts_left_by(path)) == (200, 0)
