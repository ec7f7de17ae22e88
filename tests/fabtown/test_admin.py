"""Smoke tests of the staff admin: every model's changelist, add and change page."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.urls import reverse
from procrastinate.contrib.django import app as task_queue
from procrastinate.contrib.django.models import ProcrastinateJob
from rest_framework.authtoken.models import Token

from fabtown.models import ImportRun
from label.models import LabelApplication, LabelSettings
from measures.models import Measure, TrackingReminder
from producers.models import Producer
from tests.factories import (
    ApplicantFactory,
    FeeTierFactory,
    InterimUseFactory,
    LabelApplicationFactory,
    LabelApplicationPhotoFactory,
    MembershipFactory,
    SiteFactory,
    SpaceRequestFactory,
    StaffFactory,
)
from vacancies.models import CadastreSettings, OwnerDataExport, Site, SiteProposal, SiteReport
from vacancies.services.consent import owner_consent_record

# settings of one row: their list goes straight to the row
SINGLE_ROW = {LabelSettings, CadastreSettings}
# fields a hand-made post leaves out: the picker is empty, unchanged pictures are not sent again
NOT_POSTED = {"suitable_forms", "photo", "floor_plan"}
pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def full_data(bochum_data):
    """The Bochum data plus one record of every kind that the seeds have none of."""
    from fabtown.models import AccessibilityFeedback

    MembershipFactory(producer=Producer.objects.get(slug="roestart"), fee_tier=FeeTierFactory())
    LabelApplicationPhotoFactory(application=LabelApplicationFactory(applicant=ApplicantFactory()))
    LabelSettings.load()
    CadastreSettings.current()
    SpaceRequestFactory()
    owner_consent_record(
        site=SiteFactory(), scope="contact_route", contact_route="vermietung@example.org",
        given_on=datetime.date(2026, 1, 5), by=None,
    )  # fmt: skip
    AccessibilityFeedback.objects.create(message="Der Kontrast im Kopf ist zu schwach.")
    Token.objects.create(user=StaffFactory())
    AccessAttempt.objects.create(
        username="vergesslich@example.org", ip_address="192.0.2.1", failures_since_start=2
    )
    task_queue.tasks["fabtown.tasks.purge_finished_jobs"].defer(timestamp=0)
    ImportRun.objects.create(
        model_label="producers.Producer", resource="producers.admin.ProducerResource",
        format="csv", status="done", rows_total=3, rows_done=3, new=2, invalid=1,
        invalid_rows=[{"row": 3, "errors": {"postcode": ["Eine deutsche Postleitzahl …"]}}],
    )  # fmt: skip
    from tests.factories import MatchingSpaceRequestFactory
    from vacancies.services.matching import site_propose

    site_propose(space_request=MatchingSpaceRequestFactory(), site=Site.objects.first(), by=None,
                 score=80)  # fmt: skip
    SiteReport.objects.create(site=SiteFactory(), message="Dort ist jetzt ein Friseur.")
    OwnerDataExport.objects.create(
        exported_by=StaffFactory(), records=3, file_format="gpkg", door="admin"
    )
    from vacancies.models import UnitCount  # issue 11: the seeds print no unit count

    UnitCount.objects.create(units=2400, counted_on="2025-01-01", source="Zählung")
    _measure_tracking()


def _measure_tracking():
    """Issue 13: the seed tracks no measure; an office, a timeline entry and a reminder."""
    from django.utils import timezone

    from measures.models import Measure, Office, TimelineEntry

    office = Office.objects.create(name="Amt für Stadtplanung", email="stadtplanung@example.org")
    measure = Measure.objects.get(code="4.3.1")
    measure.responsible_office = office
    measure.save()
    TimelineEntry.objects.create(measure=measure, date="2026-10-01", title="Auftakt")
    TrackingReminder.objects.create(
        measure=measure, office=office, reason="stale", sent_at=timezone.now(),
        sent_to=office.email,
    )  # fmt: skip


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_changelist_add_and_change_page_opens(client, superuser, full_data, model):
    client.force_login(superuser)
    instance = model.objects.first()
    assert instance is not None, f"no {model._meta.label} to open"
    assert client.get(_url(model, "change", instance.pk)).status_code == 200
    # Applications come from producers' accounts; the label settings are a single row.
    assert client.get(_url(model, "add")).status_code == (403 if model in NO_ADD else 200)
    changelist = client.get(_url(model, "changelist"))
    assert changelist.status_code == (302 if model in SINGLE_ROW else 200)


# Jobs come from the code that defers them (procrastinate's admin only shows them).
# Import runs come from the import pages; site proposals from the match pages; reports from
# the street from the public form; the record of exports with owner data from the export.
NO_ADD = {
    LabelApplication,
    LabelSettings,
    AccessAttempt,
    ProcrastinateJob,
    ImportRun,
    CadastreSettings,
    SiteProposal,
    SiteReport,
    OwnerDataExport,
    TrackingReminder,
}


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelists_take_a_constant_number_of_queries(
    client, superuser, full_data, model, django_assert_max_num_queries
):
    """Reason: list_select_related keeps the rows to one query whatever their number; the rest
    is session, user, counts and one query per related-model filter (the producer list has the
    most filters: 21 queries)."""
    client.force_login(superuser)
    with django_assert_max_num_queries(25):
        response = client.get(_url(model, "changelist"))
    assert response.status_code == (302 if model in SINGLE_ROW else 200)


def test_changing_a_sites_status_in_the_admin_records_its_history(client):
    clerk = StaffFactory(is_superuser=True)
    site = SiteFactory(status="vacant")
    client.force_login(clerk)
    form = client.get(_url(Site, "change", site.pk)).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in NOT_POSTED}
    data.update(
        {
            "status": "reserved",
            "location": site.location.geojson,
            "status_changes-TOTAL_FORMS": 0,
            "status_changes-INITIAL_FORMS": 0,
            "interim_uses-TOTAL_FORMS": 0,
            "interim_uses-INITIAL_FORMS": 0,
            "owner_consents-TOTAL_FORMS": 0,
            "owner_consents-INITIAL_FORMS": 0,
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(_url(Site, "change", site.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = site.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "vacant",
        "reserved",
        clerk,
    )


def test_every_edit_is_kept_in_the_history_with_its_author(client, superuser, bochum_data):
    measure = Measure.objects.get(code="4.7.2")
    client.force_login(superuser)
    response = client.get(_url(Measure, "change", measure.pk))
    assert response.status_code == 200
    measure.implementation_status = "planned"
    measure._history_user = superuser
    measure.save()
    latest = measure.history.first()
    assert latest.implementation_status == "planned" and latest.history_user == superuser
    history_page = client.get(_url(Measure, "history", measure.pk))
    assert history_page.status_code == 200


def test_owner_data_is_shown_to_staff_in_the_admin(client, superuser):
    site = SiteFactory()
    client.force_login(superuser)
    page = client.get(_url(Site, "change", site.pk)).content.decode()
    assert site.owner_name in page and "erika.eigentuemerin@example.org" in page


def test_interim_uses_are_listed_on_their_site(client, superuser):
    use = InterimUseFactory()
    client.force_login(superuser)
    assert use.title in client.get(_url(Site, "change", use.site.pk)).content.decode()


def test_approximate_coordinates_are_visible_to_staff(client, superuser, bochum_data):
    client.force_login(superuser)
    response = client.get(_url(Producer, "changelist"), {"location_is_approximate__exact": "1"})
    assert response.status_code == 200
    assert (
        response.context["cl"].result_count
        == Producer.objects.filter(location_is_approximate=True).count()
        > 0
    )


def test_staff_filter_producers_by_label_and_search_area(client, superuser):
    from tests.factories import MembershipFactory, ProducerFactory, SearchAreaFactory

    area = SearchAreaFactory()  # 7.21–7.22 E, 51.48–51.49 N
    member = ProducerFactory(name="Mitglied")
    MembershipFactory(producer=member, valid_from="2020-01-01", valid_until=None)
    ProducerFactory(name="Ohne Label", location="SRID=4326;POINT(7.30 51.50)")
    client.force_login(superuser)
    url = _url(Producer, "changelist")

    def names(params):
        return [p.name for p in client.get(url, params).context["cl"].result_list]

    assert names({"label": "yes"}) == ["Mitglied"]
    assert names({"label": "no"}) == ["Ohne Label"]
    assert names({"search_area": area.pk}) == ["Mitglied"]


def test_the_producer_list_does_not_grow_with_its_rows(
    client, superuser, django_assert_num_queries
):
    """Reason: category, sub-group parent and form come with the rows (list_select_related)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ProducerFactory

    client.force_login(superuser)
    url = _url(Producer, "changelist")
    ProducerFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    ProducerFactory.create_batch(30)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
