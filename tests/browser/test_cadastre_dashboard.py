"""The update cycle in headless Chromium: staff work through the verification dashboard, and a
passer-by reports that a site is no longer free. Screenshots in test-artifacts/."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from fabtown.roles import EDITORS, ensure_staff_groups
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import SiteFactory, StaffFactory
from vacancies.models import SiteReport, SiteReportStatus, SiteStatus
from vacancies.services.verification import site_report_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DASHBOARD = "/admin/vacancies/dashboard/"


def _checked(days_ago: int, **fields):
    return SiteFactory(last_verified=timezone.localdate() - datetime.timedelta(days_ago), **fields)


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_staff_verify_a_site_and_handle_a_report_on_the_dashboard(page, live_server):
    ensure_staff_groups()
    StaffFactory(username="redaktion", groups=[Group.objects.get(name=EDITORS)])
    _checked(95, name="Ladenlokal Brückstraße 10")
    _checked(400, name="Werkstatt Alleestraße 5", status=SiteStatus.INTERIM_USE)
    _checked(180, name="Ehemalige Bäckerei Hattinger Straße", is_published=False)
    _checked(10, name="Frisch geprüft")
    reported = _checked(20, name="Café am Husemannplatz")
    site_report_create(site=reported, message="Dort hat ein Friseur eröffnet.", client_key="a")
    still_free = _checked(30, name="Ladenlokal Kortumstraße 1")
    site_report_create(site=still_free, message="", client_key="b")

    admin_login(page, live_server.url, "redaktion")
    page.get_by_role("link", name="Überprüfungs-Übersicht").first.click()
    page.wait_for_url(f"{live_server.url}{DASHBOARD}")

    overdue = page.get_by_role("region", name="Zur Überprüfung fällige Einträge")
    names = overdue.locator("tbody th").all_inner_texts()
    assert [name.split(" (")[0] for name in names] == [
        "Werkstatt Alleestraße 5",
        "Ehemalige Bäckerei Hattinger Straße",
        "Ladenlokal Brückstraße 10",
    ]
    assert axe_violations(page) == []
    save_screenshot(page, "admin-verification-dashboard")
    save_screenshot(page, "cadastre-dashboard")

    # "verified now" for the most overdue record
    overdue.get_by_role("row", name="Werkstatt Alleestraße 5").get_by_role(
        "button", name="Jetzt überprüft"
    ).click()
    page.get_by_text("„Werkstatt Alleestraße 5“ ist mit heutigem Datum überprüft.").wait_for()
    assert "Werkstatt Alleestraße 5" not in overdue.inner_text()

    # the report confirmed: the café is let now
    reports = page.get_by_role("region", name="Meldungen von der Straße")
    row = reports.get_by_role("row", name="Café am Husemannplatz")
    row.get_by_label("Neuer Status").select_option(label="vermietet")
    row.get_by_role("button", name="Bestätigen: nicht mehr frei").click()
    page.get_by_text("Meldung zu „Café am Husemannplatz“ bestätigt").wait_for()

    # the other one dismissed: still free
    reports.get_by_role("row", name="Ladenlokal Kortumstraße 1").get_by_role(
        "button", name="Verwerfen: noch frei"
    ).click()
    page.get_by_text("Keine offenen Meldungen.").wait_for()
    assert axe_violations(page) == []

    reported.refresh_from_db()
    still_free.refresh_from_db()
    assert reported.status == SiteStatus.LET
    assert reported.status_changes.get().changed_by.username == "redaktion"
    assert still_free.status == SiteStatus.VACANT
    assert still_free.last_verified == timezone.localdate()
    assert not SiteReport.objects.filter(status=SiteReportStatus.OPEN).exists()

    # the site list shows the same working list through its filter
    page.get_by_role("link", name="Dieselben Flächen in der Flächenliste").click()
    page.wait_for_url("**/admin/vacancies/site/?verification=due")
    assert "Ladenlokal Brückstraße 10" in page.locator("#result_list").inner_text()
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 320])
def test_a_passer_by_reports_that_a_site_is_no_longer_free(new_context, live_server, width):
    site = SiteFactory(name="Ladenlokal Kortumstraße 1")
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/flaechen/{site.pk}/")
    page.get_by_role("link", name="Ist diese Fläche nicht mehr frei?").click()
    page.wait_for_url(f"**/flaechen/{site.pk}/melden/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ist diese Fläche nicht mehr frei?"
    assert _fits(page), "no horizontal scrolling"
    save_screenshot(page, f"site-report-form-{width}")
    assert axe_violations(page) == []

    page.get_by_label("Was ist Ihnen aufgefallen? (optional)").fill("Seit Mai ein Friseur.")
    page.get_by_role("button", name="Meldung senden").click()
    page.wait_for_url(f"**/flaechen/{site.pk}/melden/danke/")
    assert page.get_by_role("heading", level=1).inner_text() == "Danke für Ihre Meldung"
    assert _fits(page)
    save_screenshot(page, f"site-report-thanks-{width}")
    assert axe_violations(page) == []
    assert SiteReport.objects.get().message == "Seit Mai ein Friseur."
