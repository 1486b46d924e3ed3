"""The life of a bill, as a campaigner sees it in a browser, on a phone and a desktop."""

import pytest

from tests.browser.conftest import screenshot


@pytest.mark.parametrize(("device", "width"), [("phone", 320), ("desktop", 1280)])
def test_the_higher_education_and_research_bill_reads_well_at_any_width(
    site, page_at, device, width
):
    page = page_at(width=width)
    page.goto(site + "/bill/1773")
    assert page.locator("h1").inner_text() == "Higher Education and Research Bill"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    stages = page.get_by_role("region", name="Stages in Parliament")
    assert stages.locator("li").count() == 14
    lords_committee = stages.locator("li", has_text="9 January 2017")
    assert "House of Lords" in lords_committee.inner_text()
    amendments = page.get_by_role("region", name="Amendments that matter to a campaign")
    amendment = amendments.locator("article", has_text="Amendment 147")
    assert "clause 73" in amendment.inner_text()
    assert amendment.get_by_role("link", name="student-data").count() == 1
    reports = page.get_by_role("region", name="Committee reports")
    assert "Joint Committee on Human Rights" in reports.inner_text()
    act = page.get_by_role("link", name="The Act on legislation.gov.uk")
    assert act.get_attribute("href") == "https://www.legislation.gov.uk/ukpga/2017/29"
    screenshot(page, f"bill-1773-{device}")


def test_a_bill_stage_on_the_campaign_timeline_leads_to_the_bills_page(site, page_at):
    page = page_at(width=375)
    page.goto(site + "/campaign/student-data?kind=bill_stage")
    page.get_by_role("link", name="The bill's page").first.click()
    page.wait_for_url("**/bill/*")
    assert "Bill" in page.locator("h1").inner_text()


@pytest.mark.parametrize(("device", "width"), [("phone", 320), ("desktop", 1280)])
def test_si_2016_808_shows_the_slsc_report_on_it(site, page_at, device, width):
    page = page_at(width=width)
    page.goto(site + "/si/uksi/2016/808")
    reports = page.get_by_role("region", name="Committee reports")
    assert "Report by the Secondary Legislation Scrutiny Committee" in reports.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"si-2016-808-committees-{device}")
