import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.roles import EDITORS, ensure_staff_groups
from measures.models import Measure, Office
from measures.services import measure_outcome_add, measure_update_tracking, timeline_entry_add
from tests.factories import MeasureFactory, ProducerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def editor_api(db):
    ensure_staff_groups()
    user = StaffFactory(groups=[Group.objects.get(name=EDITORS)])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_a_measure_reads_with_its_tracking_timeline_and_public_outcomes():
    office = Office.objects.create(name="Wirtschaftsförderung", email="wifoe@example.org")
    measure = MeasureFactory(code="4.6.4")
    measure_update_tracking(
        measure=measure, by=None, implementation_status="in_progress", progress=40,
        responsible_office=office, planned_start=_days_ago(30), planned_end=_days_ago(-60),
        actual_start=_days_ago(20),
    )  # fmt: skip
    timeline_entry_add(
        measure=measure, by=None, date=_days_ago(10), title="Aktionstag", url="https://example.org/"
    )
    timeline_entry_add(
        measure=measure, by=None, date=_days_ago(2), title="Protokoll",
        document=SimpleUploadedFile("p.pdf", b"%PDF-1.4\n", "application/pdf"),
    )  # fmt: skip
    producer = ProducerFactory(name="Grubenholz")
    measure_outcome_add(measure=measure, by=None, record=producer)
    measure_outcome_add(
        measure=measure, by=None, record=ProducerFactory(name="Versteckt", is_published=False)
    )
    body = APIClient().get("/api/v1/measures/4.6.4/").json()
    assert body["progress"] == 40
    assert body["responsible_office"] == "Wirtschaftsförderung"
    assert "wifoe@example.org" not in str(body)  # the office's name only
    assert body["planned_start"] == _days_ago(30).isoformat()
    assert body["actual_end"] is None
    assert [entry["title"] for entry in body["timeline"]] == ["Protokoll", "Aktionstag"]
    assert body["timeline"][0]["document"].startswith("http://testserver/")
    assert body["timeline"][1]["document"] is None
    assert body["timeline"][1]["url"] == "https://example.org/"
    (outcome,) = body["outcomes"]
    assert outcome["label"] == "Grubenholz"
    assert outcome["url"] == f"http://testserver/produzenten/{producer.slug}/"


def test_staff_patch_the_tracking_through_the_service(editor_api):
    office = Office.objects.create(name="Stadtplanungsamt")
    MeasureFactory(code="4.6.31")
    response = editor_api.patch(
        "/api/v1/measures/4.6.31/",
        {
            "implementation_status": "in_progress",
            "progress": 25,
            "actual_start": _days_ago(3).isoformat(),
            "responsible_office": "Stadtplanungsamt",
            "priority": "high",
            "priority_reason": "Kapitel 6.1",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    measure = Measure.objects.get(code="4.6.31")
    assert (measure.progress, measure.responsible_office, measure.priority) == (25, office, 1)
    assert measure.tracking_updated_at is not None
    assert measure.history.first().history_user is not None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"implementation_status": "completed"}, "progress"),
        ({"progress": 100}, "progress"),
        ({"progress": 101}, "progress"),
        ({"actual_start": "2999-01-01", "implementation_status": "in_progress"}, "actual_start"),
        ({"responsible_office": "Gibt es nicht"}, "responsible_office"),
        ({"priority": "urgent"}, "priority"),
        ({"planned_start": "morgen"}, "planned_start"),
    ],
)
def test_invalid_tracking_is_a_400_with_the_field(editor_api, data, field):
    MeasureFactory(code="4.6.31")
    response = editor_api.patch("/api/v1/measures/4.6.31/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Measure.objects.get(code="4.6.31").tracking_updated_at is None
