"""The measures' tracking as a spreadsheet: exported and imported in the same columns, matched
by the code; a round trip changes nothing, an edit changes exactly what was edited."""

import csv
import datetime
import io

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.models import Measure, Priority
from measures.resources import COLUMNS, MeasureTrackingResource
from tests.factories import MeasureFactory, OfficeFactory, StaffFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@pytest.fixture
def catalogue():
    office = OfficeFactory(name="Amt für Stadtplanung")
    OfficeFactory(name="Wirtschaftsförderung")
    tracked = MeasureFactory(
        code="4.6.1", title="Tag der offenen Tür", implementation_status="in_progress",
        responsible_office=office, planned_start=datetime.date(2026, 1, 15),
        planned_end=datetime.date(2026, 12, 31), actual_start=datetime.date(2026, 2, 1),
        progress=40, priority=Priority.HIGH,
        priority_reason="=Kapitel 6.1, Schritt 3: „hohe Priorität“; Zeile 2",
    )  # fmt: skip
    untouched = MeasureFactory(code="4.6.2", title="Stadtführungen")
    return tracked, untouched


def _snapshot() -> list[tuple]:
    """Every measure's tracking, its catalogue text and its last update, with the history."""
    rows = Measure.objects.order_by("code").values_list(
        "code", "title", "implementation_status", "responsible_office", "planned_start",
        "planned_end", "actual_start", "actual_end", "progress", "priority",
        "priority_reason_de", "tracking_updated_at",
    )  # fmt: skip
    return [*rows, ("history", Measure.history.count())]


def _format_value(form, name: str) -> str:
    (value,) = [value for value, label in form.fields["format"].choices if label == name]
    return value


def _admin_export(client, file_format: str) -> bytes:
    url = reverse("admin:measures_measure_export")
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["format"] = _format_value(form, file_format)
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def _admin_import(client, content: bytes, file_format: str):
    """Upload, preview and confirm, as staff do; returns the preview and the final page."""
    url = reverse("admin:measures_measure_import")
    form = client.get(url).context["form"]
    upload = SimpleUploadedFile(f"massnahmen.{file_format}", content, CONTENT_TYPES[file_format])
    preview = client.post(
        url, {"format": _format_value(form, file_format), "import_file": upload, "resource": 0}
    )
    assert preview.status_code == 200
    confirm = preview.context.get("confirm_form")
    if confirm is None:
        return preview, None
    data = {name: confirm[name].value() for name in confirm.fields}
    done = client.post(reverse("admin:measures_measure_process_import"), data, follow=True)
    assert done.status_code == 200
    return preview, done


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


# --- Export -------------------------------------------------------------------------------------


def test_the_export_has_the_tracking_columns_and_the_stored_keys(client, catalogue):
    client.force_login(SuperuserFactory())
    rows = _csv_rows(_admin_export(client, "csv"))
    assert list(rows[0]) == COLUMNS
    tracked, untouched = rows
    assert tracked == {
        "code": "4.6.1", "implementation_status": "in_progress",
        "responsible_office": "Amt für Stadtplanung", "planned_start": "2026-01-15",
        "planned_end": "2026-12-31", "actual_start": "2026-02-01", "actual_end": "",
        "progress": "40", "priority": "high",
        # a formula is written as text (fabtown.spreadsheets)
        "priority_reason": "'=Kapitel 6.1, Schritt 3: „hohe Priorität“; Zeile 2",
    }  # fmt: skip
    assert untouched["implementation_status"] == "not_started"
    assert untouched["priority"] == "" and untouched["responsible_office"] == ""


# --- Round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_importing_the_exported_file_changes_nothing(client, catalogue, file_format):
    client.force_login(SuperuserFactory())
    content = _admin_export(client, file_format)
    before = _snapshot()
    preview, done = _admin_import(client, content, file_format)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert _snapshot() == before
    if done is not None:
        assert _snapshot() == before


def test_an_edited_file_changes_exactly_the_edited_field_with_the_importer_in_the_history(
    client, catalogue
):
    tracked, _ = catalogue
    editor = SuperuserFactory()
    client.force_login(editor)
    rows = _csv_rows(_admin_export(client, "csv"))
    rows[0]["progress"] = "60"
    before = Measure.objects.get(pk=tracked.pk)
    history_before = Measure.history.count()

    _admin_import(client, _csv_bytes(rows), "csv")

    after = Measure.objects.get(pk=tracked.pk)
    assert after.progress == 60
    changed = {
        field.name
        for field in Measure._meta.concrete_fields
        if getattr(before, field.attname) != getattr(after, field.attname)
    }
    assert changed <= {"progress", "tracking_updated_at"}
    assert Measure.history.count() == history_before + 1
    latest = after.history.first()
    assert latest.history_user == editor
    # the service stamps every real change of the tracking (reminders count from it)
    assert {c.field for c in latest.diff_against(latest.prev_record).changes} == {
        "progress",
        "tracking_updated_at",
    }


def test_a_german_date_and_a_priority_as_its_number_are_read(catalogue):
    _tracked, untouched = catalogue
    dataset = tablib.Dataset(headers=["code", "planned_start", "priority", "priority_reason"])
    dataset.append(["4.6.2", "31.03.2027", "2", "Kapitel 6.1"])
    result = MeasureTrackingResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    untouched.refresh_from_db()
    assert untouched.planned_start == datetime.date(2027, 3, 31)
    assert untouched.priority == Priority.MEDIUM


# --- Bad rows -----------------------------------------------------------------------------------


def test_bad_rows_are_reported_and_the_good_rows_kept(catalogue):
    _tracked, untouched = catalogue
    user = SuperuserFactory()
    dataset = tablib.Dataset(headers=COLUMNS)
    good = ["4.6.2", "planned", "Wirtschaftsförderung", "2027-01-01", "", "", "", "0", "", ""]
    dataset.extend(
        [
            ["4.9.9", "planned", "", "", "", "", "", "0", "", ""],  # unknown code
            ["4.6.1", "in_progress", "", "", "", "", "", "150", "", ""],  # progress 150
            # end before start, with a valid change of the progress beside it
            ["4.6.1", "in_progress", "", "2026-05-01", "2026-04-01", "", "", "50", "", ""],
            ["4.6.1", "planned", "Amt für Nichts", "", "", "", "", "0", "", ""],
            ["4.6.1", "kaputt", "", "", "", "", "", "0", "low", ""],  # status; no reason
            good,
        ]
    )
    count, before = Measure.objects.count(), _snapshot()[0]

    result = MeasureTrackingResource().import_data(dataset, dry_run=False, user=user)

    assert not result.has_errors()
    invalid = {row.number: set(row.error_dict) for row in result.invalid_rows}
    assert invalid == {
        1: {"code"},
        2: {"progress"},
        3: {"planned_end"},
        4: {"responsible_office"},
        5: {"implementation_status", "priority_reason"},
    }
    assert Measure.objects.count() == count  # nothing created
    assert _snapshot()[0] == before  # 4.6.1: nothing half-written
    untouched.refresh_from_db()
    assert untouched.implementation_status == "planned"
    assert str(untouched.responsible_office) == "Wirtschaftsförderung"
    assert untouched.planned_start == datetime.date(2027, 1, 1)
    assert untouched.history.first().history_user == user


def test_the_admin_lists_the_bad_rows_and_imports_the_good_ones(client, catalogue):
    client.force_login(SuperuserFactory())
    rows = _csv_rows(_admin_export(client, "csv"))
    rows[0]["progress"] = "150"
    rows[1]["implementation_status"] = "planned"
    _preview, done = _admin_import(client, _csv_bytes(rows), "csv")
    assert done is not None
    assert Measure.objects.get(code="4.6.2").implementation_status == "planned"
    assert Measure.objects.get(code="4.6.1").progress == 40
    messages = [str(m) for m in done.context["messages"]]
    assert any("Zeile 1" in m and "progress" in m for m in messages), messages


def test_an_import_cannot_touch_the_catalogue_s_texts(catalogue):
    tracked, _ = catalogue
    dataset = tablib.Dataset(headers=[*COLUMNS, "title", "description"])
    row = ["4.6.1", "in_progress", "Amt für Stadtplanung", "2026-01-15", "2026-12-31",
           "2026-02-01", "", "40", "high", tracked.priority_reason_de]  # fmt: skip
    dataset.append([*row, "Anderer Titel", "Andere Beschreibung"])
    history = Measure.history.count()
    result = MeasureTrackingResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    tracked.refresh_from_db()
    assert tracked.title == "Tag der offenen Tür" and tracked.description == "Beschreibung"
    assert Measure.history.count() == history


def test_the_export_can_be_opened_as_a_workbook_with_dates_and_numbers(client, catalogue):
    client.force_login(SuperuserFactory())
    sheet = openpyxl.load_workbook(io.BytesIO(_admin_export(client, "xlsx"))).active
    header, first = ([cell.value for cell in row] for row in sheet.iter_rows(max_row=2))
    assert header == COLUMNS
    values = dict(zip(header, first, strict=True))
    assert values["code"] == "4.6.1" and values["priority"] == "high"


# --- Who may ------------------------------------------------------------------------------------


def test_staff_who_may_change_measures_may_import_others_only_export(client, catalogue):
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_measure"))
    client.force_login(viewer)
    assert client.get(reverse("admin:measures_measure_import")).status_code == 403
    assert client.get(reverse("admin:measures_measure_export")).status_code == 200
    editor = StaffFactory()
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_measure", "change_measure"])
    )
    client.force_login(editor)
    page = client.get(reverse("admin:measures_measure_import"))
    assert page.status_code == 200
    assert "keine Maßnahme wird angelegt oder gelöscht" in page.content.decode()


def test_a_progress_that_is_no_number_is_its_rows_error_and_the_rest_is_imported(catalogue):
    """Found from outside: "abc" in the progress column made the whole file fail."""
    _tracked, untouched = catalogue
    dataset = tablib.Dataset(headers=COLUMNS)
    dataset.extend(
        [
            ["4.6.1", "in_progress", "", "", "", "", "", "abc", "", ""],
            ["4.6.2", "planned", "", "2027-01-01", "", "", "", "0", "", ""],
        ]
    )
    result = MeasureTrackingResource().import_data(dataset, dry_run=False, user=SuperuserFactory())
    assert not result.has_errors()
    assert {row.number: set(row.error_dict) for row in result.invalid_rows} == {1: {"progress"}}
    untouched.refresh_from_db()
    assert untouched.planned_start == datetime.date(2027, 1, 1)
