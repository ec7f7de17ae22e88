"""The public site in headless Chromium: what citizens, founders and city staff do there."""

import re

import pytest

from producers.models import Producer
from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot
from tests.factories import MembershipFactory
from vacancies.models import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/produzenten/",
    "/produzenten/?q=Kaffee&offering=showroom",
    "/produzenten/roestart/",
    "/flaechen/",
    "/massnahmen/",
    "/massnahmen/?quick_wins=true",
    "/massnahmen/4.4.2/",
    "/label/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/en/",
    "/en/producers/",
    "/en/measures/",
    "/en/measures/4.4.2/",  # with the note that its text is translated (or not yet)
]


@pytest.fixture
def public_data(bochum_data):
    roestart = Producer.objects.get(slug="roestart")
    MembershipFactory(producer=roestart, valid_from="2022-05-24", valid_until=None)


def _wait_for_map(page):
    """The map has loaded its GeoJSON when it carries the number of features it shows."""
    if page.locator(".map[data-geojson]").count():
        page.wait_for_selector(".map[data-features]")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_no_wcag_a_or_aa_violations(page, live_server, public_data, path):
    page.goto(live_server.url + path)
    _wait_for_map(page)
    assert axe_violations(page) == []


def test_a_site_page_has_no_wcag_a_or_aa_violations(page, live_server, public_data):
    site = Site.objects.on_offer().first()
    page.goto(f"{live_server.url}/flaechen/{site.pk}/")
    assert axe_violations(page) == []


def test_searching_and_filtering_the_directory_keeps_map_and_list_in_step(
    page, live_server, public_data
):
    page.goto(f"{live_server.url}/produzenten/")
    _wait_for_map(page)
    everyone = page.locator(".cards > li").count()
    assert page.locator("#directory-map").get_attribute("data-features") == str(everyone)

    # the directory's own search, not the header's search over everything
    filters = page.get_by_role("search", name="Produzent*innen suchen und filtern")
    filters.get_by_role("searchbox", name="Suche").fill("Kaffee")
    page.locator("summary", has_text="Angebote").click()  # unfold the offerings
    page.get_by_label("Showroom").check()
    page.get_by_role("button", name="Ergebnisse anzeigen").click()
    page.wait_for_url(re.compile(r"q=Kaffee.*offering=showroom"))
    _wait_for_map(page)
    names = page.locator(".cards h3").all_inner_texts()
    assert names == ["Röstart"]
    assert page.locator("#directory-map").get_attribute("data-features") == "1"
    assert page.get_by_role("heading", name="1 Produzent*in").is_visible()


def test_a_citizen_opens_a_profile_from_the_directory(page, live_server, public_data):
    page.goto(f"{live_server.url}/produzenten/?category=kaffee")
    page.get_by_role("link", name="Röstart").click()
    page.wait_for_url(f"{live_server.url}/produzenten/roestart/")
    assert page.get_by_role("heading", level=1).inner_text() == "Röstart"
    assert "Mitglied seit Mai 2022" in page.locator(".badge").inner_text()
    page.wait_for_selector("#profile-map .leaflet-marker-icon")
    # The marker image comes from the static root, not from a path beside the page (with
    # production's hashed file names Leaflet's own guess pointed at /produzenten/…).
    marker = page.locator("#profile-map img.leaflet-marker-icon")
    assert marker.get_attribute("src") == f"{live_server.url}/static/leaflet/images/marker-icon.png"
    marker.evaluate("img => img.complete || new Promise(done => img.onload = done)")
    assert marker.evaluate("img => img.naturalWidth") > 0


def test_a_founder_filters_sites_with_a_shop_window(page, live_server, public_data):
    page.goto(f"{live_server.url}/flaechen/")
    page.get_by_label("Schaufenster").select_option("true")
    page.get_by_label("Suchraum").select_option(label="Innenstadt & nördlich des Boulevards")
    page.get_by_role("button", name="Ergebnisse anzeigen").click()
    page.wait_for_url(re.compile(r"shop_window=true"))
    _wait_for_map(page)
    names = page.locator(".cards h3").all_inner_texts()
    expected = sorted(
        s.name
        for s in Site.objects.on_offer().filter(has_shop_window=True)
        if s.location.within(
            __import__("vacancies.models", fromlist=["SearchArea"])
            .SearchArea.objects.get(slug="innenstadt-noerdlich-boulevard")
            .area
        )
    )
    assert sorted(names) == expected and names
    assert page.locator("#sites-map").get_attribute("data-features") == str(len(names))


def test_city_staff_filter_the_catalogue_to_quick_wins(page, live_server, public_data):
    page.goto(f"{live_server.url}/massnahmen/")
    page.get_by_role("link", name="Quick Wins zeigen").click()
    page.wait_for_url(re.compile(r"quick_wins=true"))
    titles = page.locator(".cards h4").all_inner_texts()
    assert [t.split(" ")[0] for t in titles] == [
        "4.6.1",
        "4.6.3",
        "4.6.5",
        "4.7.2",
        "4.8.2",
        "4.8.3",
    ]


def test_switching_the_language_keeps_the_page(page, live_server, public_data):
    page.goto(f"{live_server.url}/produzenten/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/producers/")
    assert page.get_by_role("heading", level=1).inner_text() == "Producers in Bochum"
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_url(f"{live_server.url}/produzenten/")


def test_the_directory_filters_work_with_the_keyboard_alone(page, live_server, public_data):
    page.goto(f"{live_server.url}/produzenten/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")  # skip link: straight to the content
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "category-all":
            break
    else:
        pytest.fail("the category filter cannot be reached with Tab")
    focus_style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_style != "none", "the focused control must show a visible focus"
    page.keyboard.press("ArrowDown")  # the first category
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"category=nahrung-genuss-getraenke"))
    assert page.locator(".cards > li").count() == 3


@pytest.mark.parametrize("width", [375, 1280])
def test_the_directory_fits_phone_and_desktop_screens(new_context, live_server, public_data, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/produzenten/")
    _wait_for_map(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "no horizontal scrolling"
    save_screenshot(page, f"directory-{width}")


def test_the_directory_map_draws_on_a_canvas_and_opens_points_from_the_keyboard(
    page, live_server, public_data
):
    page.goto(f"{live_server.url}/produzenten/")
    _wait_for_map(page)
    # one canvas for every point instead of an element per marker (10,000 in the region)
    assert page.locator("#directory-map canvas").count() == 1
    # (only the association's shop is an element: its own marker kind, see test_map_places)
    assert page.locator("#directory-map .leaflet-marker-icon:not(.place-marker)").count() == 0
    page.locator("#directory-map").focus()
    page.keyboard.press("Enter")
    link = page.locator("#directory-map .leaflet-popup-content a")
    link.wait_for()
    assert link.evaluate("a => a === document.activeElement")
    names = page.locator(".cards h3").all_inner_texts()
    assert link.inner_text() in names  # the point is one of the list's producers
