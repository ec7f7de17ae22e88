"""The site page and its exposé in headless Chromium: readable at desktop and phone width,
axe clean, and printed without the site's header and footer on one or two A4 pages."""

import datetime

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot
from tests.conftest import ARTIFACTS
from tests.factories import InterimUseFactory, SearchAreaFactory, SiteFactory, small_png
from tests.vacancies.pdfs import page_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The closing note of issue 11 shows this picture of the exposé PDF's first page.
SHOT = ARTIFACTS / "expose-pdf-page-1.png"  # test-artifacts/ (ignored by git)


@pytest.fixture
def site():
    SearchAreaFactory(name="Innenstadt", slug="innenstadt")
    SearchAreaFactory(
        name="Gleisdreieck",
        slug="gleisdreieck",
        area="SRID=4326;MULTIPOLYGON(((7.205 51.478,7.218 51.478,7.218 51.49,7.205 51.478)))",
    )
    site = SiteFactory(
        name="Ladenlokal Kortumstraße 14",
        location="SRID=4326;POINT(7.2150 51.4850)",
        description="Helles Ladenlokal mit zwei Schaufenstern in der Fußgängerzone. " * 6,
        equipment="Starkstrom, Wasseranschluss, Lager im Keller",
        floor_area_m2=85,
        rent_eur_per_month=950,
        rent_is_public=True,
        available_from=datetime.date(2026, 3, 1),
        last_verified=datetime.date(2025, 11, 3),
        photo=small_png("laden.png", size=(1200, 800)),
        floor_plan=small_png("grundriss.png", size=(800, 1000)),
    )
    InterimUseFactory(site=site, title="Tapetenwechsel Pop-up", dates_are_approximate=True)
    return site


@pytest.mark.parametrize("width", [1280, 320])
def test_the_site_page_and_its_expose_read_well_and_pass_axe(new_context, live_server, site, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/flaechen/{site.pk}/")
    assert page.get_by_text("Gleisdreieck, Innenstadt").is_visible()
    assert page.get_by_role("heading", name="Zwischennutzungen").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Exposé zum Drucken").click()
    page.wait_for_url(f"{live_server.url}/flaechen/{site.pk}/expose/")
    assert page.get_by_role("heading", name="Ladenlokal Kortumstraße 14").is_visible()
    assert page.get_by_role("img", name="Karte der Suchräume um Ladenlokal Kortumstraße 14; "
                            "der rote Punkt markiert die Fläche.").is_visible()  # fmt: skip
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways"
    save_screenshot(page, f"expose-{width}")


def test_printing_the_expose_hides_header_and_footer_and_gives_one_or_two_a4_pages(
    new_context, live_server, site
):
    page = new_context().new_page()
    page.goto(f"{live_server.url}/flaechen/{site.pk}/expose/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    assert page.get_by_role("heading", name="Kontakt").is_visible()
    for image in page.locator(".expose img").all():
        box = image.bounding_box()
        assert box and box["height"] <= 65 * 96 / 25.4 + 1  # no picture taller than 65 mm
    printed = page.pdf(prefer_css_page_size=True)
    assert 1 <= page_count(printed) <= 2
    assert b"/MediaBox [0 0 595" in printed or b"595.2" in printed  # A4 wide
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    save_screenshot(page, "expose-print")


def test_the_expose_pdf_opens_in_the_browsers_viewer(new_context, live_server, site, tmp_path):
    """Chromium's own PDF viewer shows the first page (and the picture for the issue's note)."""
    page = new_context(viewport={"width": 900, "height": 1200}).new_page()
    answer = page.request.get(f"{live_server.url}/flaechen/{site.pk}/expose.pdf")
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert 1 <= page_count(answer.body()) <= 2
    document = tmp_path / "expose.pdf"
    document.write_bytes(answer.body())
    page.goto(f"{document.as_uri()}#toolbar=0&navpanes=0&view=FitH")
    page.wait_for_timeout(2000)  # the viewer renders in its own process; nothing to wait on
    SHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SHOT)
