"""The pages around the campaign timelines, as a new visitor meets them in a browser:
the front door, search, status and a page that does not exist, at phone and desktop
widths."""

import pytest

from tests.browser.conftest import screenshot

WIDTHS = [("phone", 320), ("desktop", 1280)]


def fits(page, width: int) -> bool:
    """Nothing is wider than the screen: no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("device", "width"), WIDTHS)
def test_the_front_door_leads_to_the_campaigns_and_search(site, page_at, device, width):
    page = page_at(width=width)
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "Pupil data timeline"
    cards = page.locator(".campaign-card")
    assert cards.count() >= 2
    assert "#BoycottSchoolCensus" in cards.first.inner_text()
    assert fits(page, width)
    screenshot(page, f"front-{device}")
    page.get_by_role("searchbox", name="Search everything").fill("nationality")
    page.get_by_role("button", name="Search everything").click()
    page.wait_for_url("**/search?q=nationality")
    assert page.locator(".tl-event").count() >= 1


@pytest.mark.parametrize(("device", "width"), WIDTHS)
def test_search_finds_an_instrument_by_its_number_and_pages_through(site, page_at, device, width):
    page = page_at(width=width)
    page.goto(site + "/search")
    page.get_by_label("Words, phrases or an SI number").fill("S.I. 2016 No. 808")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?q=S.I.+2016+No.+808**")
    assert page.get_by_role("link", name="uksi/2016/808").first.is_visible()
    assert "result" in page.locator(".tl-count").inner_text()
    assert fits(page, width)
    screenshot(page, f"search-instrument-{device}")


@pytest.mark.parametrize("typed", ['"', '""', "(", "-", "", "nationality OR", "-census"])
def test_search_answers_anything_typed_with_a_page_not_an_error(site, page_at, typed):
    page = page_at(width=320)
    page.goto(site + "/search")
    page.get_by_label("Words, phrases or an SI number").fill(typed)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Search everything"
    assert fits(page, 320)


def test_search_filters_by_date_and_kind(site, page_at):
    page = page_at(width=1280)
    page.goto(site + "/search?q=regulations")
    page.get_by_label("What happened").select_option("debate")
    page.get_by_label("From").fill("2016-10-01")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**kind=debate**")
    badges = set(page.locator(".tl-badge").all_inner_texts())
    assert badges == {"Debate"}
    screenshot(page, "search-filtered-desktop")


def test_a_misspelt_search_offers_the_word_the_index_knows(site, page_at):
    page = page_at(width=320)
    page.goto(site + "/search?q=regulatoins")
    suggestion = page.locator(".tl-suggestion a")
    assert suggestion.inner_text() == "regulations"
    suggestion.click()
    # count() does not wait: read the results page once it has loaded, not the old one.
    page.wait_for_url("**/search?q=regulations")
    assert page.locator(".tl-event").count() >= 1
    screenshot(page, "search-did-you-mean-phone")


@pytest.mark.parametrize(("device", "width"), WIDTHS)
def test_status_reads_in_one_screen_and_long_addresses_wrap(site, page_at, device, width):
    page = page_at(width=width)
    page.goto(site + "/status")
    assert page.locator("h1").inner_text() == "Data status"
    text = page.locator("main").inner_text()
    assert "built-in method" not in text
    assert " UTC" in text and "item" in text
    assert fits(page, width)
    screenshot(page, f"status-{device}")


@pytest.mark.parametrize(("device", "width"), WIDTHS)
def test_a_missing_page_leads_back(site, page_at, device, width):
    page = page_at(width=width)
    response = page.goto(site + "/si/uksi/1999/1")
    assert response.status == 404
    assert page.get_by_role("link", name="Pupil data timeline").first.is_visible()
    assert fits(page, width)
    screenshot(page, f"not-found-{device}")


@pytest.mark.parametrize(("device", "width"), WIDTHS)
def test_why_an_item_is_here_is_one_tap_away(site, page_at, device, width):
    page = page_at(width=width)
    page.goto(site + "/campaign/boycott-school-census?kind=debate")
    item = page.locator(".tl-event").first
    reasons = item.locator(".tl-why li")
    assert not reasons.first.is_visible()
    item.get_by_text("Why is this here?").click()
    assert reasons.first.is_visible()
    assert reasons.first.inner_text().startswith("The rule “")
    assert fits(page, width)
    screenshot(page, f"why-is-this-here-{device}")


@pytest.mark.parametrize(("device", "width"), WIDTHS)
def test_the_review_queue_gives_lines_to_paste(site, page_at, device, width):
    page = page_at(width=width)
    page.goto(site + "/review/boycott-school-census")
    item = page.locator(".review-item", has_text="Population Survey: Place of Birth")
    assert "score 0.30" in item.locator(".review-why").inner_text()
    confirm = item.get_by_label("To confirm")
    assert confirm.input_value() == "questions:wq:2,boycott-school-census,add,checked by staff"
    assert fits(page, width)
    screenshot(page, f"review-{device}")
