"""The Site changelist's "Export to GIS" and "Import from GIS" (vacancies.admin.gis), with the
three standard users: an editor (may import and see owner data), a viewer (another staff role:
may export without owner data, not import) and a stranger (no staff account)."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabtown import import_runs
from fabtown.models import ImportRun
from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from tests.factories import SiteFactory, StaffFactory, UserFactory
from vacancies.models import OwnerDataExport, Site

pytestmark = pytest.mark.django_db

OWNER = "Erika Mustereigentümerin"
EXPORT = reverse("admin:vacancies_site_gis_export")
IMPORT = reverse("admin:vacancies_site_gis_import")


def _staff(group: str):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group)])


@pytest.fixture
def editor():
    return _staff(EDITORS)


@pytest.fixture
def viewer():
    return _staff(VIEWERS)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_changelist_offers_the_gis_doors_to_who_may_use_them(client, editor, viewer):
    changelist = reverse("admin:vacancies_site_changelist")
    client.force_login(editor)
    page = client.get(changelist).content.decode()
    assert EXPORT in page and IMPORT in page

    client.force_login(viewer)
    page = client.get(changelist).content.decode()
    assert EXPORT in page and IMPORT not in page


def test_an_editor_exports_with_owner_data_and_the_export_is_recorded(client, editor):
    SiteFactory(owner_name=OWNER)
    client.force_login(editor)

    response = client.post(EXPORT, {"file_format": "csv", "srid": "", "with_owner_data": "on"})

    assert response.status_code == 200
    assert OWNER in _content(response).decode()
    record = OwnerDataExport.objects.get()
    assert (record.exported_by, record.records, record.door) == (editor, 1, "admin")


def test_a_viewer_exports_without_owner_data_even_when_asking_for_them(client, viewer):
    SiteFactory(owner_name=OWNER)
    client.force_login(viewer)

    assert "with_owner_data" not in client.get(EXPORT).content.decode()
    response = client.post(EXPORT, {"file_format": "csv", "with_owner_data": "on"})

    assert response.status_code == 200
    assert OWNER not in _content(response).decode()
    assert not OwnerDataExport.objects.exists()


def test_a_stranger_gets_neither_export_nor_import(client):
    SiteFactory(owner_name=OWNER)
    client.force_login(UserFactory())

    for response in (
        client.post(EXPORT, {"file_format": "csv", "with_owner_data": "on"}),
        client.get(IMPORT),
    ):
        assert response.status_code == 302  # to the admin's sign-in
        assert OWNER.encode() not in response.content


def test_a_viewer_may_not_import(client, viewer):
    client.force_login(viewer)

    assert client.get(IMPORT).status_code == 403


def test_a_shapefile_export_comes_as_a_zip_of_its_files_in_25832(client, editor):
    SiteFactory()
    client.force_login(editor)

    response = client.post(EXPORT, {"file_format": "shp", "srid": "25832"})

    names = zipfile.ZipFile(io.BytesIO(_content(response))).namelist()
    assert sorted(names) == ["sites.cpg", "sites.dbf", "sites.prj", "sites.shp", "sites.shx"]


def _geojson(rows: list[dict]) -> bytes:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [7.2163, 51.4818]},
            "properties": row,
        }
        for row in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_an_upload_is_previewed_without_saving_and_then_imported_in_the_background(
    client, editor, monkeypatch
):
    deferred = []
    monkeypatch.setattr("fabtown.tasks.defer_import_run", lambda *, run_id: deferred.append(run_id))
    client.force_login(editor)
    upload = SimpleUploadedFile(
        "alkis.geojson",
        _geojson(
            [
                {"OBJID": "A1", "name": "Halle", "kind": "special_property"},
                {"OBJID": "A2", "name": "", "kind": "vacant_unit"},
            ]
        ),
    )

    preview = client.post(IMPORT, {"file": upload, "mapping": "OBJID=ext_id"})

    page = preview.content.decode()
    assert "created 1, updated 0, unchanged 0, rejected 1" in page
    assert not Site.objects.exists()  # a preview saves nothing
    run = ImportRun.objects.get()
    assert (run.status, run.rows_total) == ("waiting", 2)

    started = client.post(reverse("admin:vacancies_site_gis_import_start", args=[run.pk]))

    assert started["Location"] == reverse("admin:fabtown_importrun_change", args=[run.pk])
    assert deferred == [run.pk]
    run = import_runs.import_run_process(run_id=run.pk)  # what the worker does
    assert (run.status, run.new, run.invalid, run.rows_done) == ("done", 1, 1, 2)
    assert [(entry["row"], set(entry["errors"])) for entry in run.invalid_rows] == [(2, {"name"})]
    assert Site.objects.get().external_id == "A1"
    assert not run.file  # the uploaded rows are deleted with the run's end


def test_owner_columns_in_an_upload_are_refused_to_whom_may_not_see_them(client):
    # staff who may import sites but not see owner data: the editors' rights without that one
    ensure_staff_groups()
    group = Group.objects.create(name="Import ohne Eigentümerdaten")
    group.permissions.set(
        Group.objects.get(name=EDITORS).permissions.exclude(codename="view_owner_data")
    )
    client.force_login(StaffFactory(groups=[group]))
    upload = SimpleUploadedFile("o.geojson", _geojson([{"name": "X", "owner": OWNER}]))

    response = client.post(IMPORT, {"file": upload})

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors["file"][0]  # the column it names
    assert not ImportRun.objects.exists()


def test_only_who_uploaded_starts_the_run(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("a.geojson", _geojson([{"name": "Halle", "kind": "vacant_unit"}]))
    client.post(IMPORT, {"file": upload})
    run = ImportRun.objects.get()

    client.force_login(_staff(EDITORS))
    response = client.post(reverse("admin:vacancies_site_gis_import_start", args=[run.pk]))

    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == "waiting"
