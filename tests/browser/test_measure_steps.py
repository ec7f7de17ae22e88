"""The seven steps of chapter 6.1 (/massnahmen/schritte/) in headless Chromium, with the
keyboard only. Screenshots: test-artifacts/measure-steps-*.png."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, element_id: str) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def _tab_to_button(page, name: str) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"Tab never reached the button {name!r}")


def test_a_keyboard_user_fills_the_steps_and_gets_the_fitting_measures(
    new_context, live_server, bochum_data
):
    page = new_context().new_page()
    page.goto(live_server.url + "/massnahmen/schritte/")
    assert axe_violations(page) == []

    _tab_to(page, "id_actor")
    page.keyboard.type("Verkehrsplanung")  # the select's type-ahead
    assert page.locator("#id_actor option:checked").inner_text() == "Verkehrsplanung"
    _tab_to(page, "id_max_time_horizon")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # short, then medium term
    _tab_to(page, "id_max_personnel_cost")
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # low, medium, high
    _tab_to_button(page, "Passende Maßnahmen anzeigen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/massnahmen/schritte/?*")

    choices = parse_qs(urlparse(page.url).query)
    assert choices["max_time_horizon"] == ["medium"]
    assert choices["max_personnel_cost"] == ["high"]
    assert choices["actor"][0].isdigit()
    results = page.locator(".step-result h3")
    assert results.all_inner_texts() == ["4.9.1 Urbane Logistik"]
    assert page.locator(".criteria").inner_text().startswith("Ihre Auswahl: ")
    assert page.get_by_role("heading", name="Mögliche Standorte (Schritt 4)").is_visible()
    # The form shows the choices again, so the next step starts from them.
    assert page.locator("#id_max_time_horizon").input_value() == "medium"
    assert page.get_by_role("button", name="Ergebnis drucken").is_visible()
    assert axe_violations(page) == []
    save_screenshot(page, "measure-steps-1280")

    page.go_back()
    page.wait_for_url("**/massnahmen/schritte/")
    assert page.locator(".step-result").count() == 25


def test_the_steps_fit_a_phone_and_work_without_javascript(new_context, live_server, bochum_data):
    page = new_context(viewport={"width": 320, "height": 800}, java_script_enabled=False).new_page()
    page.goto(live_server.url + "/massnahmen/schritte/?max_personnel_cost=low&min_priority=")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator(".step-result").count() > 0
    assert page.get_by_role("button", name="Ergebnis drucken").count() == 0  # needs JavaScript
    page.get_by_role("button", name="Passende Maßnahmen anzeigen").click()
    page.wait_for_url("**max_personnel_cost=low**")
    assert page.locator("#id_max_personnel_cost").input_value() == "low"


def test_the_steps_pass_axe_on_a_phone(new_context, live_server, bochum_data):
    page = new_context(viewport={"width": 320, "height": 800}).new_page()
    page.goto(live_server.url + "/massnahmen/schritte/?field=4.3&max_time_horizon=long")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    save_screenshot(page, "measure-steps-320")
    page.emulate_media(media="print")
    assert not page.locator(".steps-form").is_visible()
    assert page.locator(".criteria").is_visible()
