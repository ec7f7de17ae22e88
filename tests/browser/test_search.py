"""The header's search box in headless Chromium, on a phone and a desktop, with and without
JavaScript. Screenshots of a typo search and its suggestion: test-artifacts/search-typo-*.png."""

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [320, 1280])
def test_a_typo_in_the_header_search_finds_the_roaster_and_offers_the_right_word(
    new_context, live_server, bochum_data, width
):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(live_server.url + "/massnahmen/")
    box = page.get_by_label("Suche", exact=True)
    box.fill("Kafee")
    box.press("Enter")
    page.wait_for_url("**/suche/?q=Kafee")
    suggestion = page.locator(".suggestion")
    assert suggestion.inner_text() == "Meinten Sie: Kaffee?"
    assert page.get_by_role("link", name="Röstart").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    save_screenshot(page, f"search-typo-{width}")
    suggestion.get_by_role("link", name="Kaffee").click()
    page.wait_for_url("**/suche/?q=Kaffee")
    assert page.locator(".suggestion").count() == 0
    assert page.get_by_role("heading", name="1 Produzent*in").is_visible()


def test_the_header_search_works_without_javascript_in_english(
    new_context, live_server, bochum_data
):
    page = new_context(java_script_enabled=False, locale="en-GB").new_page()
    page.goto(live_server.url + "/en/")
    box = page.get_by_label("Search", exact=True)
    assert box.get_attribute("placeholder") == "e.g. violin, coffee, repair"
    box.fill("Reparatur")
    page.get_by_role("button", name="Search", exact=True).first.click()
    page.wait_for_url("**/en/search/?q=Reparatur")
    assert page.get_by_role("link", name="Geigenbaumeister Kehnen").is_visible()
