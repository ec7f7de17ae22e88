"""Implementation tracking in a real browser: the public measure page with status, progress and
timeline at desktop width and at 320 px, and the staff's overview."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from fabtown.roles import EDITORS, ensure_staff_groups
from measures.models import Office
from measures.services import measure_outcome_add, measure_update_tracking, timeline_entry_add
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import MeasureFactory, ProducerFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def tracked_measure():
    office = Office.objects.create(name="Amt für Wirtschaftsförderung")
    measure = MeasureFactory(code="4.6.4", title="Tag der offenen Tür der urbanen Produktion")
    measure_update_tracking(
        measure=measure, by=None, implementation_status="in_progress", progress=40,
        responsible_office=office, planned_start=_ago(60), planned_end=_ago(-120),
        actual_start=_ago(30),
    )  # fmt: skip
    timeline_entry_add(
        measure=measure, by=None, date=_ago(20), title="Erster Aktionstag",
        text="Zwölf Betriebe öffneten ihre Werkstätten.", url="https://example.org/aktionstag",
    )  # fmt: skip
    timeline_entry_add(measure=measure, by=None, date=_ago(2), title="Auswertung")
    measure_outcome_add(measure=measure, by=None, record=ProducerFactory(name="Grubenholz"))
    # overdue for the staff page: the planned start has passed
    late = MeasureFactory(code="4.6.5", title="Verspätet")
    measure_update_tracking(measure=late, by=None, implementation_status="planned",
                            planned_start=_ago(5))  # fmt: skip
    return measure


@pytest.mark.parametrize("width", [1280, 320])
def test_the_measure_page_shows_the_tracking_accessibly(new_context, live_server, tracked_measure,
                                                        width):  # fmt: skip
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/massnahmen/4.6.4/")
    section = page.locator("section.tracking")
    assert section.get_by_role("heading", name="Umsetzung").count() == 1
    assert "In Umsetzung" in section.inner_text()
    assert page.get_by_role("progressbar", name="Fortschritt").get_attribute("value") == "40"
    assert "40 %" in section.inner_text()
    assert "Amt für Wirtschaftsförderung" in section.inner_text()
    entries = section.locator(".timeline li")
    assert entries.nth(0).inner_text().count("Auswertung") == 1  # newest first
    assert "Erster Aktionstag" in entries.nth(1).inner_text()
    assert section.get_by_role("link", name="Grubenholz").count() == 1
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    save_screenshot(page, f"measure-tracking-{width}")
    assert axe_violations(page) == []


def test_staff_read_the_implementation_overview(page, live_server, tracked_measure):
    ensure_staff_groups()
    StaffFactory(username="redaktion", groups=[Group.objects.get(name=EDITORS)])
    admin_login(page, live_server.url, "redaktion")
    page.goto(f"{live_server.url}/admin/measures/")
    page.get_by_role("link", name="Umsetzung der Maßnahmen").click()
    overdue = page.locator("section", has=page.get_by_role("heading", name="Überfällig"))
    assert "Verspätet" in overdue.inner_text()
    assert page.get_by_role("heading", name="In Umsetzung (1)").count() == 1
    save_screenshot(page, "measure-implementation-staff")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Was sich seit dem letzten Bericht geändert hat").click()
    assert page.get_by_role("heading", name="4.6.4 Tag der offenen Tür der urbanen Produktion")
    assert axe_violations(page) == []
