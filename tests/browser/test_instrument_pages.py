"""The life of a statutory instrument, as a campaigner sees it in a browser."""

import pytest

from tests.browser.conftest import screenshot


@pytest.mark.parametrize(("device", "width"), [("phone", 375), ("desktop", 1280)])
def test_si_2016_808_reads_well_and_shows_its_regret_debate_and_what_it_amends(
    site, page_at, device, width
):
    page = page_at(width=width)
    page.goto(site + "/si/uksi/2016/808")
    assert "Miscellaneous Amendments" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    parliament = page.get_by_role("region", name="In Parliament")
    assert "known only from the debates" in parliament.inner_text()
    assert parliament.locator(".tl-event", has_text="31 October 2016").count() == 1
    amended = page.locator(".tl-amendments li", has_text="uksi/2013/2094")
    assert amended.locator("a").get_attribute("href") == (
        "https://www.legislation.gov.uk/uksi/2013/2094"
    )
    screenshot(page, f"si-2016-808-{device}")


def test_si_2017_807_shows_its_stages_from_the_tracker(site, page_at):
    page = page_at(width=375)
    page.goto(site + "/si/uksi/2017/807")
    parliament = page.get_by_role("region", name="In Parliament")
    assert "Stages from Parliament's statutory instruments tracker" in parliament.inner_text()
    badges = parliament.locator(".tl-badge").all_inner_texts()
    assert {"Instrument laid", "Committee scrutiny", "Procedure concluded"} <= set(badges)
    screenshot(page, "si-2017-807-phone")


def test_campaign_pages_link_to_the_instrument_page(site, page_at):
    page = page_at()
    page.goto(site + "/campaign/boycott-school-census?kind=debate")
    page.locator(".tl-cites a", has_text="uksi/2016/808").first.click()
    page.wait_for_url("**/si/uksi/2016/808")
    assert "Miscellaneous Amendments" in page.locator("h1").inner_text()
