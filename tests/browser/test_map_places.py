"""The association's shop and the maps' legend in headless Chromium: WCAG 2.1 AA, the shop's
own marker on the producers' map, and popups that say when a location is approximate.
Screenshots: test-artifacts/shop-page.png, test-artifacts/map-legend.png."""

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/laden/", "/en/shop/"])
def test_the_shop_page_has_no_wcag_a_or_aa_violations(page, live_server, bochum_data, path):
    page.goto(live_server.url + path)
    page.wait_for_selector("#profile-map .leaflet-marker-icon")
    assert page.get_by_role("heading", level=1).inner_text() == "BYBOCHUM-Laden"
    assert axe_violations(page) == []
    if path == "/laden/":
        save_screenshot(page, "shop-page")


@pytest.mark.parametrize("path", ["/produzenten/", "/en/producers/", "/flaechen/"])
def test_the_maps_with_their_legend_have_no_wcag_a_or_aa_violations(
    page, live_server, bochum_data, path
):
    page.goto(live_server.url + path)
    page.wait_for_selector(".map[data-features]")
    if path != "/flaechen/":
        page.wait_for_selector(".map[data-places-shown]")
    assert page.locator(".map-legend li").count() == (2 if path == "/flaechen/" else 3)
    assert axe_violations(page) == []


def test_the_shop_has_its_own_marker_that_the_keyboard_reaches(page, live_server, bochum_data):
    page.goto(f"{live_server.url}/produzenten/")
    page.wait_for_selector("#directory-map[data-places-shown='1']")
    marker = page.get_by_role("button", name="Laden des Vereins: BYBOCHUM-Laden")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    assert "ungefähre Lage" in popup.inner_text()
    popup.get_by_role("link", name="BYBOCHUM-Laden").click()
    page.wait_for_url(f"{live_server.url}/laden/")


def test_a_popup_of_an_estimated_point_says_so(page, live_server, bochum_data):
    """Every seeded producer's point is estimated from the concept's text."""
    page.goto(f"{live_server.url}/produzenten/")
    page.wait_for_selector("#directory-map[data-features]")
    save_screenshot(page, "map-legend")
    page.locator("#directory-map").focus()
    page.keyboard.press("Enter")
    assert "ungefähre Lage" in page.locator(".leaflet-popup-content").inner_text()
