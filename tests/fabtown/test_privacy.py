"""Owners' and applicants' personal data stay with authorised staff (DSGVO)."""

import logging
import re

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from label.models import LabelApplication, Membership
from measures.models import Measure
from producers.models import Producer
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    MembershipFactory,
    ProducerFactory,
    SiteFactory,
)
from vacancies.admin import SiteResource
from vacancies.models import SearchArea, Site

pytestmark = pytest.mark.django_db

OWNER_NAME = "Erika Mustereigentümerin"
OWNER_CONTACT = "erika.eigentuemerin@example.org"
APPLICANT = "max.antragsteller@example.org"
SECRETS = [OWNER_NAME, OWNER_CONTACT, "0234 999999", APPLICANT, "Max Antragsteller"]


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _candidates() -> dict[str, list[str]]:
    return {
        "slug": [
            *Producer.objects.values_list("slug", flat=True),
            *SearchArea.objects.values_list("slug", flat=True),
        ],
        "pk": [
            *(str(pk) for pk in Site.objects.values_list("pk", flat=True)),
            *(str(pk) for pk in LabelApplication.objects.values_list("pk", flat=True)),
        ],
        "int": [str(pk) for pk in Site.objects.values_list("pk", flat=True)],
        "uuid": [str(u) for u in Membership.objects.values_list("public_id", flat=True)],
        "code": list(Measure.objects.values_list("code", flat=True)),
    }


def _public_urls() -> list[str]:
    """Every URL outside the admin, with each path parameter filled from real records."""
    candidates = _candidates()
    urls = []
    for route in _patterns(get_resolver()):
        route = route.lstrip("^").rstrip("$")
        if route.startswith(("admin/", "en/admin/", "de/admin/")):
            continue
        params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if not params:
            urls.append("/" + route)
            continue
        converter, name = params[0][0] or "str", params[0][1]
        for value in candidates.get(name) or candidates.get(converter, candidates["slug"]):
            urls.append("/" + re.sub(r"<[^>]+>", value, route, count=1))
    return urls


@pytest.fixture
def private_data(bochum_data):
    site = SiteFactory(owner_name=OWNER_NAME, owner_contact=f"{OWNER_CONTACT}, 0234 999999")
    applicant = ApplicantFactory(email=APPLICANT)
    producer = ProducerFactory(account=applicant, is_published=True)
    application = LabelApplicationFactory(
        contact_email=APPLICANT, applicant=applicant, producer=producer
    )
    MembershipFactory(producer=producer, application=application)
    return site


def test_owner_contact_is_never_public(client, private_data):
    urls = _public_urls()
    assert urls, "there must be public URLs to check"
    for url in urls:
        response = client.get(url, follow=True)
        body = response.content.decode(errors="replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} leaked on {url}"


def test_another_producers_account_sees_no_applicants_data(client, private_data):
    client.force_login(ApplicantFactory())
    for url in _public_urls():
        body = client.get(url, follow=True).content.decode(errors="replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} leaked on {url} to another account"


def test_the_api_gives_no_account_or_applicant_data(client, private_data):
    body = client.get("/api/v1/producers/?page_size=500").content.decode()
    body += client.get("/api/v1/label-members/").content.decode()
    assert APPLICANT not in body and "account" not in body


def test_spreadsheet_exports_carry_no_owner_data(private_data):
    exported = SiteResource().export(queryset=Site.objects.all())
    assert "owner_name" not in exported.headers and "owner_contact" not in exported.headers
    assert "internal_notes" not in exported.headers
    for secret in SECRETS:
        assert secret not in exported.csv


@override_settings(DEBUG=True)
def test_owner_data_never_reaches_the_logs(caplog, private_data):
    caplog.set_level(logging.DEBUG)
    site = Site.objects.get(pk=private_data.pk)
    site.owner_contact = "neu.eigentuemer@example.org"
    site.save()
    Site.objects.filter(owner_name=OWNER_NAME).exists()
    assert "neu.eigentuemer@example.org" not in caplog.text
    assert OWNER_NAME not in caplog.text


def test_the_application_history_keeps_no_contact_data(private_data):
    from label.models import LabelApplication

    application = LabelApplication.objects.get(contact_email=APPLICANT)
    historical = application.history.model
    fields = {f.name for f in historical._meta.get_fields()}
    assert not fields & set(LabelApplication.CONTACT_FIELDS)
