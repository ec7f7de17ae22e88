import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from measures.models import ImplementationStatus, Measure, Office, Priority, TimelineEntry
from measures.services import (
    measure_update_tracking,
    timeline_entry_add,
    timeline_entry_delete,
    timeline_entry_update,
)
from tests.factories import MeasureFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def test_an_update_sets_the_fields_the_timestamp_and_a_history_row_with_its_author():
    measure = MeasureFactory()
    office = Office.objects.create(name="Wirtschaftsförderung")
    staff = StaffFactory()
    rows_before = measure.history.count()
    measure_update_tracking(
        measure=measure,
        by=staff,
        implementation_status=ImplementationStatus.IN_PROGRESS,
        responsible_office=office,
        planned_start=_days_ago(30),
        planned_end=_days_ago(-300),
        actual_start=_days_ago(10),
        progress=40,
        priority=Priority.HIGH,
        priority_reason="Kapitel 6.1, Schritt 3",
    )
    measure.refresh_from_db()
    assert measure.implementation_status == "in_progress"
    assert measure.responsible_office == office
    assert measure.progress == 40
    assert measure.priority == Priority.HIGH
    assert measure.tracking_updated_at is not None
    assert measure.history.count() == rows_before + 1
    assert measure.history.first().history_user == staff


def test_an_update_that_changes_nothing_writes_no_history_and_keeps_the_timestamp():
    office = Office.objects.create(name="Stadtplanungsamt")
    measure = MeasureFactory()
    measure_update_tracking(
        measure=measure, by=None, implementation_status="planned", responsible_office=office
    )
    stamp = Measure.objects.get(pk=measure.pk).tracking_updated_at
    rows = measure.history.count()
    fresh = Measure.objects.get(pk=measure.pk)
    # the same values again, the office as an object like an import passes it
    measure_update_tracking(
        measure=fresh,
        by=None,
        implementation_status="planned",
        responsible_office=Office.objects.get(pk=office.pk),
        progress=0,
        planned_start=None,
        priority_reason="",
    )
    assert fresh.history.count() == rows
    assert Measure.objects.get(pk=measure.pk).tracking_updated_at == stamp


def test_only_tracking_fields_can_be_updated():
    with pytest.raises(TypeError):
        measure_update_tracking(measure=MeasureFactory(), by=None, title="Neu")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"implementation_status": "completed", "progress": 80}, {"progress", "actual_end"}),
        ({"implementation_status": "in_progress", "progress": 100}, {"progress"}),
        ({"implementation_status": "not_started", "actual_start": _days_ago(3)}, {"actual_start"}),
        ({"implementation_status": "in_progress", "actual_start": _days_ago(-3)}, {"actual_start"}),
        ({"planned_start": _days_ago(1), "planned_end": _days_ago(5)}, {"planned_end"}),
        ({"priority": Priority.LOW}, {"priority_reason"}),
    ],
)
def test_the_tracking_must_tell_one_consistent_story(changes, fields):
    measure = MeasureFactory()
    with pytest.raises(ValidationError) as error:
        measure_update_tracking(measure=measure, by=None, **changes)
    assert fields <= set(error.value.message_dict)
    assert Measure.objects.get(pk=measure.pk).tracking_updated_at is None


def test_a_completed_measure_has_full_progress_and_an_actual_end():
    measure = MeasureFactory()
    measure_update_tracking(
        measure=measure,
        by=None,
        implementation_status="completed",
        progress=100,
        actual_start=_days_ago(60),
        actual_end=_days_ago(1),
    )
    assert Measure.objects.get(pk=measure.pk).implementation_status == "completed"


def test_timeline_changes_count_as_tracking_updates_and_keep_their_author():
    measure = MeasureFactory()
    staff = StaffFactory()
    entry = timeline_entry_add(
        measure=measure, by=staff, date=_days_ago(5), title="Auftakt", text="Erstes Treffen"
    )
    first = Measure.objects.get(pk=measure.pk).tracking_updated_at
    assert first is not None
    assert entry.history.first().history_user == staff

    timeline_entry_update(entry=entry, by=staff, title="Auftakt mit der BoWE")
    second = Measure.objects.get(pk=measure.pk).tracking_updated_at
    assert second >= first
    assert TimelineEntry.objects.get(pk=entry.pk).title == "Auftakt mit der BoWE"

    entry_id = entry.pk
    timeline_entry_delete(entry=entry, by=staff)
    assert not TimelineEntry.objects.filter(pk=entry_id).exists()
    deleted = TimelineEntry.history.filter(id=entry_id, history_type="-").get()
    assert deleted.history_user == staff


def test_a_timeline_entry_needs_a_title_and_a_date():
    with pytest.raises(ValidationError) as error:
        timeline_entry_add(measure=MeasureFactory(), by=None, date=None, title="")
    assert {"date", "title"} <= set(error.value.message_dict)


def test_a_timeline_document_is_a_pdf_or_an_image():
    measure = MeasureFactory()
    pdf = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    entry = timeline_entry_add(
        measure=measure, by=None, date=_days_ago(1), title="Protokoll", document=pdf
    )
    assert entry.document.name.endswith(".pdf")

    disguised = SimpleUploadedFile("protokoll.pdf", b"MZ not a pdf at all", "application/pdf")
    with pytest.raises(ValidationError) as error:
        timeline_entry_add(
            measure=measure, by=None, date=_days_ago(1), title="Falsch", document=disguised
        )
    assert "document" in error.value.message_dict

    script = SimpleUploadedFile("protokoll.html", b"%PDF-<script>", "text/html")
    with pytest.raises(ValidationError):
        timeline_entry_add(measure=measure, by=None, date=_days_ago(1), title="X", document=script)


def test_a_timeline_document_is_at_most_10_mb():
    too_large = SimpleUploadedFile(
        "gross.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        timeline_entry_add(
            measure=MeasureFactory(), by=None, date=_days_ago(1), title="X", document=too_large
        )
    assert "10 MB" in str(error.value.message_dict["document"])


def test_values_given_as_text_compare_as_stored_so_a_round_trip_changes_nothing():
    measure = MeasureFactory()
    measure_update_tracking(
        measure=measure, by=None, implementation_status="in_progress", progress="40",
        actual_start=_days_ago(3).isoformat(),
    )  # fmt: skip
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.progress, stored.actual_start) == (40, _days_ago(3))
    rows = stored.history.count()
    measure_update_tracking(
        measure=stored, by=None, progress="40", actual_start=_days_ago(3).isoformat()
    )
    assert stored.history.count() == rows
    with pytest.raises(ValidationError) as error:
        measure_update_tracking(measure=stored, by=None, planned_start="morgen")
    assert "planned_start" in error.value.message_dict


def test_a_timeline_link_must_be_a_web_address():
    from django.core.exceptions import ValidationError

    from measures.models import TimelineEntry
    from tests.factories import MeasureFactory

    entry = TimelineEntry(
        measure=MeasureFactory(), date="2026-10-01", title="Auftakt", url="javascript:alert(1)"
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "url" in error.value.error_dict
