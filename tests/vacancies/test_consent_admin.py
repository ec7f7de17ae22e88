"""Consents in the admin, with the three standard users: an editor (who may see owner data), a
viewer (staff without it) and a stranger (a producer's account)."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from tests.factories import ApplicantFactory, SiteFactory, StaffFactory
from vacancies.models import OwnerConsent
from vacancies.services.consent import owner_consent_record

pytestmark = pytest.mark.django_db

ROUTE = "vermietung@hausverwaltung-example.de"
ADD = "/admin/vacancies/ownerconsent/add/"
LIST = "/admin/vacancies/ownerconsent/"


def _staff(group: str):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group)])


@pytest.fixture
def consent():
    site = SiteFactory()
    return owner_consent_record(
        site=site, scope="contact_route", contact_route=ROUTE, given_on=timezone.localdate(),
        by=None,
    )  # fmt: skip


def test_an_editor_sees_the_consents_on_the_site_and_in_their_own_list(client, consent):
    client.force_login(_staff(EDITORS))
    site_page = client.get(f"/admin/vacancies/site/{consent.site.pk}/change/").content.decode()
    assert ROUTE in site_page
    assert f"{ADD}?site={consent.site.pk}" in site_page
    assert ROUTE in client.get(f"{LIST}{consent.pk}/change/").content.decode()
    assert client.get(LIST).status_code == 200


def test_a_viewer_without_the_owner_data_permission_sees_no_consent(client, consent):
    client.force_login(_staff(VIEWERS))
    site_page = client.get(f"/admin/vacancies/site/{consent.site.pk}/change/")
    assert site_page.status_code == 200
    assert ROUTE not in site_page.content.decode()
    for url in [LIST, f"{LIST}{consent.pk}/change/", f"{LIST}{consent.pk}/history/", ADD]:
        assert client.get(url).status_code == 403, url
    data = {"site": consent.site.pk, "scope": "contact_route", "contact_route": "x@example.org",
            "given_on": "2026-01-01"}  # fmt: skip
    response = client.post(ADD, data)
    assert response.status_code == 403
    assert OwnerConsent.objects.count() == 1


def test_a_stranger_is_sent_to_the_admins_sign_in(client, consent):
    client.force_login(ApplicantFactory())
    for url in [LIST, ADD, f"{LIST}{consent.pk}/change/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_an_editor_records_a_consent_through_the_form(client):
    editor = _staff(EDITORS)
    site = SiteFactory()
    client.force_login(editor)
    form = client.get(f"{ADD}?site={site.pk}")
    assert form.status_code == 200
    data = {"site": site.pk, "scope": "owner_name", "contact_route": ROUTE,
            "given_on": timezone.localdate().isoformat(), "note": "am Telefon"}  # fmt: skip
    assert client.post(ADD, data).status_code == 302
    consent = OwnerConsent.objects.get()
    assert (consent.site, consent.recorded_by, consent.scope) == (site, editor, "owner_name")
    again = client.post(ADD, {**data, "contact_route": "neu@example.org"})
    assert again.status_code == 200
    assert "Withdraw it" in again.content.decode() or "Widerrufen Sie" in again.content.decode()
    assert OwnerConsent.objects.count() == 1


def test_an_editor_withdraws_a_consent_with_the_action(client, consent):
    client.force_login(_staff(EDITORS))
    response = client.post(LIST, {"action": "withdraw", "_selected_action": [consent.pk]})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()


def test_recorded_consents_are_neither_edited_nor_deleted(client, consent):
    client.force_login(_staff(EDITORS))
    client.post(f"{LIST}{consent.pk}/change/", {"contact_route": "anders@example.org"})
    consent.refresh_from_db()
    assert consent.contact_route == ROUTE
    assert client.get(f"{LIST}{consent.pk}/delete/").status_code == 403


def test_an_editor_uploads_the_photo_and_floor_plan_on_the_sites_admin_page(client):
    client.force_login(_staff(EDITORS))
    page = client.get(f"/admin/vacancies/site/{SiteFactory().pk}/change/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="photo"' in page and 'name="floor_plan"' in page
