"""The label board erases an applicant (DSGVO Art. 17) in the admin, in a real browser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from fabtown.roles import LABEL_BOARD, ensure_staff_groups
from label.models import LabelApplication
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import ApplicantFactory, LabelApplicationFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_erases_an_applicant_after_a_confirmation_page(page, live_server):
    ensure_staff_groups()
    StaffFactory(username="gremium", groups=[Group.objects.get(name=LABEL_BOARD)])
    applicant = ApplicantFactory(email="max.antragsteller@example.org")
    application = LabelApplicationFactory(
        applicant=applicant, company_name="Keramik Kortum", status="submitted",
        submitted_at="2026-11-01T10:00:00+01:00",
    )  # fmt: skip

    admin_login(page, live_server.url, "gremium")

    page.goto(f"{live_server.url}/admin/label/labelapplication/")
    page.locator(f"input[name=_selected_action][value='{application.pk}']").check()
    page.locator("select[name=action]").select_option("erase_applicant")
    page.get_by_role("button", name="Ausführen").click()

    page.get_by_role("heading", name="Personenbezogene Daten löschen (DSGVO Art. 17)").wait_for()
    assert "Keramik Kortum" in page.locator("#content").inner_text()
    save_screenshot(page, "admin-erase-applicant-confirmation")
    assert axe_violations(page) == []
    assert get_user_model().objects.filter(pk=applicant.pk).exists()  # nothing erased yet

    page.get_by_role("button", name="Ja, löschen").click()
    page.get_by_text("Die Antragstellenden wurden gelöscht.").wait_for()
    assert not get_user_model().objects.filter(pk=applicant.pk).exists()
    assert LabelApplication.objects.get(pk=application.pk).contact_email == ""
