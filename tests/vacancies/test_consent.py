import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import SiteFactory, StaffFactory
from tests.vacancies.pdfs import standard_fonts_fixture, text_of  # noqa: F401
from vacancies.models import ConsentScope, OwnerConsent
from vacancies.selectors.consent import ContactRoute, public_contact_route
from vacancies.services.consent import owner_consent_record, owner_consent_withdraw

pytestmark = pytest.mark.django_db

ROUTE = "vermietung@hausverwaltung-example.de"
OWNER = "Erika Mustereigentümerin"
TODAY = datetime.date(2026, 1, 15)


def _consent(site, scope=ConsentScope.CONTACT_ROUTE, **kwargs) -> OwnerConsent:
    values = {"contact_route": ROUTE, "given_on": timezone.localdate(), "by": StaffFactory()}
    return owner_consent_record(site=site, scope=scope, **{**values, **kwargs})


def test_a_consent_is_recorded_with_date_scope_and_who_recorded_it():
    staff = StaffFactory()
    consent = _consent(SiteFactory(), given_on=datetime.date(2025, 12, 1), by=staff, note="Tel.")
    consent.refresh_from_db()
    assert (consent.scope, consent.given_on, consent.recorded_by) == (
        "contact_route", datetime.date(2025, 12, 1), staff,
    )  # fmt: skip
    assert consent.history.first().history_user == staff


def test_a_second_consent_is_refused_while_one_is_in_force():
    site = SiteFactory()
    first = _consent(site)
    with pytest.raises(ValidationError, match="bereits eine Einwilligung"):
        _consent(site, contact_route="0234 111")
    owner_consent_withdraw(consent=first, on=timezone.localdate(), by=None)
    second = _consent(site, contact_route="0234 111")
    assert public_contact_route(site) == ContactRoute(route="0234 111")
    assert OwnerConsent.objects.filter(site=site).count() == 2 and second.withdrawn_on is None


def test_a_consent_cannot_be_dated_in_the_future_nor_withdrawn_twice_or_later():
    site = SiteFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match=r"Zukunft|future"):
        _consent(site, given_on=tomorrow)
    consent = _consent(site)
    with pytest.raises(ValidationError):
        owner_consent_withdraw(consent=consent, on=tomorrow, by=None)
    owner_consent_withdraw(consent=consent, on=timezone.localdate(), by=None)
    with pytest.raises(ValidationError, match=r"bereits|already"):
        owner_consent_withdraw(consent=consent, on=timezone.localdate(), by=None)


def test_an_empty_contact_route_is_refused():
    with pytest.raises(ValidationError):
        _consent(SiteFactory(), contact_route="  ")


def test_the_owners_name_is_public_only_when_the_scope_covers_it():
    route_only, with_name = SiteFactory(owner_name=OWNER), SiteFactory(owner_name=OWNER)
    _consent(route_only)
    _consent(with_name, scope=ConsentScope.OWNER_NAME)
    assert public_contact_route(SiteFactory()) is None
    assert public_contact_route(route_only) == ContactRoute(route=ROUTE)
    assert public_contact_route(with_name) == ContactRoute(route=ROUTE, owner_name=OWNER)


def _public_answers(client, site) -> dict[str, str]:
    api = APIClient().get(f"/api/v1/sites/{site.pk}/").json()
    return {
        "page": client.get(f"/flaechen/{site.pk}/").content.decode(),
        "expose": client.get(f"/flaechen/{site.pk}/expose/").content.decode(),
        "pdf": text_of(client.get(f"/flaechen/{site.pk}/expose.pdf").content),
        "api": str(api.get("contact_route")),
    }


def test_the_consented_route_is_public_and_gone_at_once_when_withdrawn(
    client, settings, standard_fonts
):
    settings.ANSWER_CACHE = True  # what production does: answers are kept until content changes
    site = SiteFactory(owner_name=OWNER)
    consent = _consent(site, scope=ConsentScope.OWNER_NAME)
    for name, answer in _public_answers(client, site).items():
        assert ROUTE in answer, name
        assert OWNER in answer, name
    owner_consent_withdraw(consent=consent, on=timezone.localdate(), by=StaffFactory())
    for name, answer in _public_answers(client, site).items():
        assert ROUTE not in answer, name
        assert OWNER not in answer, name
    assert _public_answers(client, site)["api"] == "None"


def test_without_consent_the_office_is_the_contact_and_no_owner_data_are_public(
    client, standard_fonts, settings
):
    settings.CONTACT_EMAIL = "flaechen@wifoe.example.org"
    site = SiteFactory(owner_name=OWNER, owner_contact="erika@example.org, 0234 999999")
    withdrawn = _consent(site, contact_route="alte-route@example.org")
    owner_consent_withdraw(consent=withdrawn, on=timezone.localdate(), by=None)
    for name, answer in _public_answers(client, site).items():
        for secret in [OWNER, "erika@example.org", "0234 999999", "alte-route@example.org"]:
            assert secret not in answer, (name, secret)
        if name != "api":
            assert "flaechen@wifoe.example.org" in answer, name
    assert "Wirtschaftsförderung" in _public_answers(client, site)["page"]


def test_a_route_only_consent_keeps_the_owners_name_private(client, standard_fonts):
    site = SiteFactory(owner_name=OWNER)
    _consent(site)
    for name, answer in _public_answers(client, site).items():
        assert ROUTE in answer, name
        assert OWNER not in answer, name


def test_erasing_the_owners_data_erases_the_consented_routes_and_ends_the_consent(client):
    from vacancies.services import site_owner_erase

    site = SiteFactory()
    old = _consent(site, contact_route="alt@example.org")
    owner_consent_withdraw(consent=old, on=timezone.localdate(), by=None)
    _consent(site)
    site_owner_erase(site_id=site.pk, by=None)
    assert public_contact_route(site) is None
    assert set(OwnerConsent.objects.values_list("contact_route", flat=True)) == {""}
    assert not OwnerConsent.objects.filter(withdrawn_on__isnull=True).exists()
    assert set(OwnerConsent.history.values_list("contact_route", flat=True)) == {""}
    assert ROUTE not in client.get(f"/flaechen/{site.pk}/").content.decode()
