"""What the admin's JavaScript draws reads German too: the map toolbar (Leaflet.draw) and the
two-list picker (filter_horizontal). The server-rendered pages are checked in
tests/fabtown/test_admin_german.py."""

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import SpaceRequestFactory, SuperuserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH = re.compile(r"Draw a|Cancel|Delete|Choose|Remove|by selecting them|Select all|\bNone\b")


def _english_on(page) -> list[str]:
    """English words in the page's text and in its controls' titles and labels."""
    words = page.evaluate(
        """() => [document.body.innerText,
                  ...[...document.querySelectorAll('[title], [aria-label], [placeholder]')]
                    .map(e => [e.title, e.getAttribute('aria-label'), e.placeholder].join(' '))]
                 .join(' ')"""
    )
    return ENGLISH.findall(words)


def test_the_map_toolbar_speaks_german(page, live_server):
    SuperuserFactory(username="redaktion")
    admin_login(page, live_server.url, "redaktion")
    page.goto(f"{live_server.url}{reverse('admin:producers_producer_add')}")
    marker = page.locator("#id_location-map .leaflet-draw-draw-marker")
    marker.wait_for()
    assert marker.get_attribute("title") == "Markierung setzen"
    marker.click()  # the tooltip and the "cancel" action of an active tool
    assert page.get_by_text("In die Karte klicken, um die Markierung zu setzen.").is_visible()
    assert page.locator(".leaflet-draw-actions a").first.inner_text() == "Abbrechen"
    save_screenshot(page, "admin-map-toolbar-german")
    assert _english_on(page) == []


def test_the_two_list_picker_speaks_german(page, live_server):
    """The space request's search areas are chosen in the two-list picker (the measures' lists
    became ordered inlines in issue 13)."""
    SuperuserFactory(username="redaktion")
    request = SpaceRequestFactory()
    admin_login(page, live_server.url, "redaktion")
    page.goto(
        f"{live_server.url}{reverse('admin:vacancies_spacerequest_change', args=[request.pk])}"
    )
    page.locator(".selector-chooseall").first.wait_for()
    assert _english_on(page) == []
    assert page.locator(".selector-chooseall").first.inner_text().startswith("Alle ")
    assert "Pfeil „Auswählen“" in page.locator(".selector-available .helptext").first.inner_text()
