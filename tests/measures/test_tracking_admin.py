import datetime

import pytest
from django.contrib import admin
from django.utils import timezone

from measures.admin import MeasureAdmin
from measures.models import Measure
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def test_the_admin_saves_the_tracking_through_the_service(rf, superuser):
    measure = MeasureFactory()
    model_admin = MeasureAdmin(Measure, admin.site)
    request = rf.post("/")
    request.user = superuser

    unchanged = Measure.objects.get(pk=measure.pk)
    unchanged.title = "Neuer Titel"
    model_admin.save_model(request, unchanged, form=None, change=True)
    assert Measure.objects.get(pk=measure.pk).tracking_updated_at is None

    edited = Measure.objects.get(pk=measure.pk)
    edited.implementation_status = "in_progress"
    edited.progress = 10
    edited.actual_start = timezone.localdate() - datetime.timedelta(days=1)
    model_admin.save_model(request, edited, form=None, change=True)
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.implementation_status, stored.progress) == ("in_progress", 10)
    assert stored.tracking_updated_at is not None
    assert stored.history.first().history_user == superuser


def test_the_measure_admin_shows_the_timeline_document_and_the_outcomes(client, superuser):
    measure = MeasureFactory()
    client.force_login(superuser)
    page = client.get(f"/admin/measures/measure/{measure.pk}/change/").content.decode()
    assert 'name="timeline-__prefix__-document"' in page
    assert 'name="outcomes-__prefix__-object_id"' in page
    index = client.get("/admin/measures/").content.decode()
    assert 'href="/massnahmen/umsetzung/"' in index
