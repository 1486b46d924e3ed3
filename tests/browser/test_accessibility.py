"""axe-core on every kind of page we serve, Datasette's own included, at phone and desktop
widths: no serious or critical violation (axe-playwright-python bundles axe-core)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGES = {
    "front door": "/",
    "campaign": "/campaign/boycott-school-census",
    "campaign searched": "/campaign/boycott-school-census?q=nationality",
    "search": "/search",
    "search results": "/search?q=regulations",
    "instrument": "/si/uksi/2016/808",
    "bill": "/bill/1773",
    "embed": "/embed/boycott-school-census?limit=5",
    "status": "/status",
    "review": "/review/boycott-school-census",
    "not found": "/no/such/page",
    "database": "/timeline",
    "table": "/timeline/timeline",
    "row": "/timeline/runs/1",
    "canned query": "/timeline/campaign_feed?campaign=boycott-school-census",
}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_violation(site, page_at, axe, name, width):
    page = page_at(width=width)
    page.goto(site + PAGES[name])
    results = axe.run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert serious == [], f"{name} at {width}px"


@pytest.mark.parametrize("name", ["front door", "search", "table", "campaign"])
def test_form_text_is_at_least_16px_so_phones_do_not_zoom(site, page_at, name):
    page = page_at(width=320)
    page.goto(site + PAGES[name])
    sizes = page.evaluate(
        """Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
             .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )
    assert sizes and min(sizes) >= 16


@pytest.mark.parametrize("name", ["front door", "table", "embed", "not found"])
def test_every_page_says_its_language_and_has_a_main_landmark(site, page_at, name):
    page = page_at()
    page.goto(site + PAGES[name])
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main").count() == 1
