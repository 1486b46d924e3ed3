"""What a campaign worker and a visitor to the campaign's website see, in a real browser."""

import pytest

from tests.browser.conftest import HOSTILE_TITLE, screenshot
from tests.support.fixture_server import FixtureServer

CAMPAIGN = "/campaign/boycott-school-census"


@pytest.mark.parametrize(("device", "width"), [("phone", 375), ("desktop", 1280)])
def test_campaign_page_reads_well_at_phone_and_desktop_widths(site, page_at, device, width):
    page = page_at(width=width)
    page.goto(site + CAMPAIGN)
    assert page.locator("h1").inner_text() == "#BoycottSchoolCensus"
    months = page.locator("section h2").all_inner_texts()
    assert "JULY 2016" in [month.upper() for month in months]
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    event = page.locator(".tl-event", has_text="Miscellaneous Amendments").filter(
        has_text="Instrument made"
    )
    assert "18 July 2016" in event.inner_text()
    assert event.locator("a").first.get_attribute("href") == (
        "https://www.legislation.gov.uk/uksi/2016/808/made"
    )
    screenshot(page, f"campaign-{device}")


def test_upcoming_events_come_first(site, page_at):
    page = page_at()
    page.goto(site + CAMPAIGN)
    first_section = page.locator(".tl section").first
    assert first_section.locator("h2").inner_text().lower() == "coming up"
    assert "Spring school census day 2027" in first_section.inner_text()


def test_staff_notes_show_next_to_their_item(site, page_at):
    page = page_at()
    page.goto(site + CAMPAIGN)
    event = page.locator(".tl-event", has_text="Miscellaneous Amendments").filter(
        has_text="Instrument made"
    )
    assert "Secondary Legislation Scrutiny Committee" in event.locator(".tl-note").inner_text()


def test_search_highlights_the_matching_words(site, page_at):
    page = page_at(width=375)
    page.goto(site + CAMPAIGN)
    page.fill("input[name=q]", "refuse")
    page.click("button[type=submit]")
    page.wait_for_url("**q=refuse**")
    marks = page.locator(".tl-snippet mark").all_inner_texts()
    assert marks and all(mark.lower().startswith("refuse") for mark in marks)
    screenshot(page, "campaign-search-phone")


def test_filters_narrow_the_timeline(site, page_at):
    page = page_at()
    page.goto(site + CAMPAIGN)
    page.select_option("select[name=kind]", "si_laid")
    page.click("button[type=submit]")
    page.wait_for_url("**kind=si_laid**")
    kinds = set(page.locator(".tl-badge").all_inner_texts())
    assert kinds == {"Instrument laid"}


@pytest.mark.parametrize(
    "path",
    [
        CAMPAIGN,
        "/embed/boycott-school-census",
        "/timeline/timeline",
        "/timeline/campaign_feed?campaign=boycott-school-census",
    ],
)
def test_a_hostile_title_shows_as_text_and_never_runs(site, page_at, path):
    page = page_at()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None
    assert "<script>" in page.locator("body").inner_text()
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []


def test_a_hostile_title_is_shown_whole_and_a_javascript_link_is_not_a_link(site, page_at):
    page = page_at()
    page.goto(site + CAMPAIGN)
    hostile = page.locator(".tl-event", has_text="School census <script>")
    assert hostile.locator(".tl-heading").inner_text() == HOSTILE_TITLE
    assert hostile.locator(".tl-heading a").count() == 0


@pytest.fixture
def other_origin():
    """A page on another origin (another port) that embeds the timeline, like a campaign site."""
    server = FixtureServer().start()
    yield server
    server.stop()


def test_the_embed_works_inside_an_iframe_on_another_site(site, page_at, other_origin):
    other_origin.add(
        "/campaign-site.html",
        body=f"""<!doctype html><title>Campaign site</title>
        <h1>Our campaign</h1>
        <iframe id="timeline" src="{site}/embed/labels-last-a-lifetime?limit=3"
                style="width:320px;height:480px;border:1px solid #ccc"></iframe>""",
        content_type="text/html",
    )
    page = page_at(width=400)
    page.goto(other_origin.base_url + "/campaign-site.html")
    frame = page.frame_locator("#timeline")
    assert frame.locator("h1").inner_text() == "#LabelsLastaLifetime"
    assert frame.locator(".tl-event").count() <= 3
    assert frame.locator(".tl-event").count() >= 1
    link = frame.locator("a.tl-more")
    assert link.get_attribute("href").endswith("/campaign/labels-last-a-lifetime")
    assert link.get_attribute("target") == "_top"
    inner = page.frames[1]
    assert inner.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "embed-in-iframe-320px")


def test_other_pages_refuse_to_be_framed(site, page_at, other_origin):
    other_origin.add(
        "/framing.html",
        body=f'<!doctype html><iframe id="f" src="{site}{CAMPAIGN}"></iframe>',
        content_type="text/html",
    )
    page = page_at()
    page.goto(other_origin.base_url + "/framing.html")
    page.wait_for_timeout(500)
    framed = page.frames[1]
    assert "#BoycottSchoolCensus" not in framed.content()


FRAME_HEIGHT = "document.getElementById('timeline').getBoundingClientRect().height"


def campaign_site(other_origin, site, script: bool) -> str:
    """The README's copy-paste snippet on another origin, with or without the resize
    script."""
    resize = f'<script src="{site}/assets/embed-resize.js" async></script>' if script else ""
    name = "with-script" if script else "plain"
    other_origin.add(
        f"/{name}.html",
        body=f"""<!doctype html><html lang="en"><title>Campaign site</title>
        <h1>Our campaign</h1>
        <iframe id="timeline" title="#BoycottSchoolCensus timeline"
          src="{site}/embed/boycott-school-census?limit=5"
          style="width:100%;height:600px;border:0"></iframe>{resize}</html>""",
        content_type="text/html",
    )
    return f"{other_origin.base_url}/{name}.html"


def test_the_resize_script_makes_the_iframe_as_tall_as_its_content(site, page_at, other_origin):
    page = page_at(width=320)
    page.goto(campaign_site(other_origin, site, script=True))
    frame = page.frame_locator("#timeline")
    frame.locator(".tl-more").wait_for()
    inner = page.frames[1]
    content = inner.evaluate("document.documentElement.scrollHeight")
    page.wait_for_function(f"Math.abs({FRAME_HEIGHT} - {content}) <= 2")
    # Nothing left to scroll inside the box.
    assert inner.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
    screenshot(page, "embed-resized-320px")


def test_the_plain_iframe_reads_well_at_320px(site, page_at, other_origin):
    page = page_at(width=320)
    page.goto(campaign_site(other_origin, site, script=False))
    frame = page.frame_locator("#timeline")
    assert frame.locator("h1").inner_text() == "#BoycottSchoolCensus"
    assert "coming up" in frame.locator("main").inner_text().lower()
    inner = page.frames[1]
    assert inner.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate(FRAME_HEIGHT) == 600
    screenshot(page, "embed-plain-320px")
