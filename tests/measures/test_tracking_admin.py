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


def test_a_priority_without_reason_in_the_admin_is_a_message_on_the_german_reason(
    client, superuser
):
    """Found from outside: the model's error named `priority_reason`, which the form shows per
    language, and the admin answered 500."""
    from tests.fabtown.test_admin import NOT_POSTED

    measure = MeasureFactory()
    client.force_login(superuser)
    url = f"/admin/measures/measure/{measure.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in NOT_POSTED}
    for prefix in ("target_group_links", "actor_links", "interaction_links", "best_practices",
                   "timeline", "outcomes"):  # fmt: skip
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(priority=3, priority_reason_de="", priority_reason_en="")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "priority_reason_de" in errors
    measure.refresh_from_db()
    assert measure.priority is None


def test_a_measure_not_started_has_no_progress_and_no_actual_end_lies_in_the_future():
    from django.core.exceptions import ValidationError

    measure = MeasureFactory()
    measure.progress = 60
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "progress" in error.value.error_dict
    measure.progress, measure.implementation_status = 50, "in_progress"
    measure.actual_start = timezone.localdate() - datetime.timedelta(days=3)
    measure.actual_end = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert set(error.value.error_dict) == {"actual_end"}
