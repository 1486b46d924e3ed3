"""Browser tests: the real site (bin/serve) in headless Chromium, driven by Playwright.

Chromium comes from Debian's `chromium` package (installed by .ci/run); Playwright's own
browser download is not used. Screenshots are saved under test-artifacts/ for people to
look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.database import open_database
from pipelines.storage import TimelineStore
from tests.end_to_end.conftest import crawl_everything, serve_everything
from tests.support.crawl import ROOT
from tests.support.fixture_server import FixtureServer
from tests.support.serve import bin_serve
from tests.support.site import suggested_question
from timeline_spiders.items import Document, Event, Tag

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
#: Flags for a root user in a sandbox with no network: no sandbox, and none of Chromium's
#: own background connections (they would be refused and slow every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Where the crawl that builds the site's database starts: the fixtures' year.
BACKFILL_FROM = "2016-01-01"
HOSTILE_TITLE = (
    'School census <script>window.__xss = "script"</script>'
    "<img src=x onerror=\"window.__xss = 'img'\">"
)


def build_database(path: Path) -> None:
    """A timeline as the nightly job leaves it after crawling every source (from 2016),
    plus a hostile title a source might send and a tag waiting for review."""
    server = serve_everything(FixtureServer().start(), first_day=BACKFILL_FROM)
    try:
        # The staff files in data/ too: the campaign pages show their events and notes.
        result = crawl_everything(
            server, path, BACKFILL_FROM=BACKFILL_FROM, CURATION_DIR=str(ROOT / "data")
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    db = open_database(path)
    store = TimelineStore(db)
    store.save(suggested_question())
    store.save(
        Document(
            id="questions:wq:666",
            source="questions",
            doc_type="written_question",
            title=HOSTILE_TITLE,
            summary='Answer <b onmouseover="window.__xss = 1">bold</b>',
            url="javascript:window.__xss='link'",
            body="Pupils' nationality in the school census.",
            # Newer than anything the fixtures hold, so every page lists it first.
            events=[Event("written_question", "2026-11-20")],
            campaigns=[Tag("boycott-school-census", "test")],
        )
    )
    db.conn.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site served by bin/serve, exactly as the web process runs it."""
    folder = tmp_path_factory.mktemp("site")
    db = folder / "timeline.db"
    build_database(db)
    with bin_serve(db) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module: Playwright's sync API keeps an event loop running
    while it is open, which would break asyncio.run in tests that come later."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser):
    """Open pages at a given viewport width; every page is closed after the test."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
