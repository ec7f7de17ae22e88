"""Spreadsheet import of producers and sites: bad rows are reported, good rows are kept."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from producers.admin import ProducerResource
from producers.models import Producer, ProductCategory
from tests.factories import (
    ProducerFactory,
    ProductCategoryFactory,
    ProductionFormFactory,
    SiteFactory,
)
from vacancies.admin import SiteResource
from vacancies.models import Site

pytestmark = pytest.mark.django_db

PRODUCERS_CSV = (
    "slug,name,category,production_form,founded_year,employees_min,employees_max,"
    "postcode,longitude,latitude,easting_25832,northing_25832,is_published\n"
    "geigen-ok,Geigenbau Gut,musik,manufactory-repair-craft,2018,1,1,44787,7.2163,51.4818,,,1\n"
    "baeckerei-utm,Bäckerei UTM,musik,manufactory-repair-craft,1990,3,4,44787,"
    ",,376143.66,5704913.72,1\n"
    "kaputt,Kaputt GmbH,musik,manufactory-repair-craft,2020,9,2,4478,abc,51.48,,,1\n"
    "unbekannt,Unbekannte Kategorie,gibtsnicht,manufactory-repair-craft,2020,1,1,44787,,,,,0\n"
)


@pytest.fixture
def taxonomy():
    ProductCategoryFactory(slug="musik", name="Musikinstrumente")
    ProductionFormFactory()


def _dataset(text):
    import tablib

    return tablib.Dataset().load(text, format="csv")


def test_an_import_keeps_the_good_rows_and_reports_the_bad_ones(taxonomy):
    result = ProducerResource().import_data(_dataset(PRODUCERS_CSV), dry_run=False)
    assert not result.has_errors()
    assert sorted(Producer.objects.values_list("slug", flat=True)) == ["baeckerei-utm", "geigen-ok"]
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {3, 4}
    assert {"employees_max", "postcode", "location"} <= set(invalid[3])
    assert "category" in invalid[4]


def test_coordinates_in_epsg_25832_are_accepted(taxonomy):
    ProducerResource().import_data(_dataset(PRODUCERS_CSV), dry_run=False)
    point = Producer.objects.get(slug="baeckerei-utm").location
    assert point.srid == 4326
    assert (round(point.x, 4), round(point.y, 4)) == (7.2163, 51.4818)


def test_an_export_reads_back_unchanged(taxonomy):
    ProducerResource().import_data(_dataset(PRODUCERS_CSV), dry_run=False)
    exported = ProducerResource().export()
    again = ProducerResource().import_data(exported, dry_run=False)
    assert not again.has_errors() and not again.has_validation_errors()
    assert {row.import_type for row in again.rows} == {"skip"}


def test_a_site_import_cannot_set_owner_data_or_status():
    site = SiteFactory(status="let")
    csv = (
        "id,name,kind,longitude,latitude,owner_name\n"
        f"{site.pk},{site.name},vacant_unit,7.2163,51.4818,Geheim\n"
        ",Neues Ladenlokal,vacant_unit,7.2170,51.4820,Geheim\n"
    )
    result = SiteResource().import_data(_dataset(csv), dry_run=False)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert not Site.objects.filter(owner_name="Geheim").exists()
    assert Site.objects.get(name="Neues Ladenlokal").status == "vacant"


def test_the_admin_import_confirms_the_good_rows_despite_bad_ones(client, superuser, taxonomy):
    client.force_login(superuser)
    url = reverse("admin:producers_producer_import")
    upload = SimpleUploadedFile("producers.csv", PRODUCERS_CSV.encode(), "text/csv")
    preview = client.post(url, {"format": 0, "import_file": upload, "resource": 0})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert preview.context.get("confirm_form")
    assert "Kaputt GmbH" in page  # the invalid row is listed with its errors
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    done = client.post(reverse("admin:producers_producer_process_import"), data, follow=True)
    assert done.status_code == 200
    assert sorted(Producer.objects.values_list("slug", flat=True)) == ["baeckerei-utm", "geigen-ok"]
    messages = [str(m) for m in done.context["messages"]]
    assert any("Row 3" in m or "Zeile 3" in m for m in messages), messages


FORMULA = '=HYPERLINK("http://x","y")'


def _admin_export(client, file_format: str) -> bytes:
    url = reverse("admin:producers_producer_export")
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    (data["format"],) = [
        value for value, label in form.fields["format"].choices if label == file_format
    ]
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_the_admin_csv_export_gives_formulas_as_text_and_numbers_as_they_are(client, superuser):
    ProducerFactory(branch=FORMULA, phone="+49 234 123", founded_year=1990)
    client.force_login(superuser)
    (row,) = csv.DictReader(io.StringIO(_admin_export(client, "csv").decode()))
    assert row["branch"] == "'" + FORMULA
    assert row["phone"] == "'+49 234 123"
    assert row["founded_year"] == "1990" and row["longitude"] == "7.216300"


def test_the_admin_xlsx_export_holds_formulas_as_text_cells(client, superuser):
    ProducerFactory(branch=FORMULA, founded_year=1990)
    client.force_login(superuser)
    sheet = openpyxl.load_workbook(io.BytesIO(_admin_export(client, "xlsx"))).active
    header, row = (list(r) for r in sheet.iter_rows(max_row=2))
    cells = {title.value: cell for title, cell in zip(header, row, strict=True)}
    assert cells["branch"].data_type == "s" and cells["branch"].value == "'" + FORMULA
    assert cells["founded_year"].value == 1990  # a number stays a number


def test_an_export_with_formula_like_text_reads_back_unchanged(taxonomy):
    producer = ProducerFactory(
        category=ProductCategory.objects.get(slug="musik"), branch=FORMULA, phone="+49 234 123"
    )
    exported = ProducerResource().export()
    assert "'+49 234 123" in exported.csv
    again = ProducerResource().import_data(_dataset(exported.csv), dry_run=False)
    assert not again.has_errors() and not again.has_validation_errors()
    assert {row.import_type for row in again.rows} == {"skip"}
    producer.refresh_from_db()
    assert (producer.branch, producer.phone) == (FORMULA, "+49 234 123")


def test_every_admin_export_uses_the_formula_safe_resources():
    from django.contrib import admin
    from import_export.admin import ExportMixin

    from fabtown.importing import FormulaSafeResource

    exporting = [a for a in admin.site._registry.values() if isinstance(a, ExportMixin)]
    assert exporting
    for model_admin in exporting:
        for resource in model_admin.get_export_resource_classes(request=None):
            assert issubclass(resource, FormulaSafeResource), model_admin


def test_numbers_the_platform_formats_keep_their_sign_in_exports():
    """Coordinates are numbers, not text: never prefixed. (No stored point can be west of
    Greenwich any more, so the resource's coordinate columns are checked directly.)"""
    from django.contrib.gis.geos import Point

    resource = ProducerResource()
    producer = ProducerFactory.build(location=Point(-0.1276, 51.5072, srid=4326))
    assert resource.export_field(resource.fields["longitude"], producer) == "-0.127600"


def test_the_admin_offers_only_spreadsheet_formats(client, superuser):
    """The formula rule is for spreadsheets; JSON or YAML would be altered by it."""
    client.force_login(superuser)
    for view in ("export", "import"):
        form = client.get(reverse(f"admin:producers_producer_{view}")).context["form"]
        labels = {label for _value, label in form.fields["format"].choices if _value != ""}
        assert labels == {"csv", "xlsx", "tsv"}, view


@pytest.mark.parametrize("resource", [ProducerResource, SiteResource], ids=["producers", "sites"])
def test_an_xlsx_export_reads_back_unchanged(bochum_data, resource):
    """Empty cells come back from XLSX as None; text columns store them as "" again."""
    import tablib

    workbook = resource().export().export("xlsx")
    again = resource().import_data(tablib.Dataset().load(workbook, format="xlsx"), dry_run=False)
    assert not again.has_errors() and not again.has_validation_errors()
    assert {row.import_type for row in again.rows} == {"skip"}


def test_a_row_the_database_refuses_is_reported_without_the_databases_text():
    """PostgreSQL's message lists every value of the refused row, the owner's data included."""
    from django.db import connection

    site = SiteFactory(owner_name="Gustav Geheim", internal_notes="Gustav intern")
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE vacancies_site ADD CONSTRAINT test_no_forbidden_text "
            "CHECK (description <> 'verboten')"
        )
    csv_text = (
        "id,name,kind,description,longitude,latitude\n"
        f"{site.pk},{site.name},vacant_unit,verboten,7.2163,51.4818\n"
        ",Gute Zeile,vacant_unit,erlaubt,7.2170,51.4820\n"
    )
    result = SiteResource().import_data(_dataset(csv_text), dry_run=False)
    assert not result.has_errors()
    (refused,) = result.invalid_rows
    text = str(refused.error_dict)
    assert "test_no_forbidden_text" in text
    assert "Gustav" not in text and "DETAIL" not in text
    assert Site.objects.filter(name="Gute Zeile").exists()


@pytest.mark.parametrize(
    ("group_name", "may_import"),
    [("Redaktion", True), ("Lesezugriff", False), ("Label-Gremium", False)],
)
def test_only_who_may_add_and_change_records_may_import(client, group_name, may_import):
    from django.contrib.auth.models import Group

    from fabtown.roles import ensure_staff_groups
    from tests.factories import StaffFactory

    ensure_staff_groups()
    client.force_login(StaffFactory(groups=[Group.objects.get(name=group_name)]))
    for model in ("producers/producer", "vacancies/site"):
        response = client.get(f"/admin/{model}/import/")
        assert response.status_code == (200 if may_import else 403), (group_name, model)
        assert client.get(f"/admin/{model}/export/").status_code == 200  # reading is allowed
