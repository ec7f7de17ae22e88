"""GIS import and export of sites (vacancies.services.gis, manage.py import_sites/export_sites).

The files are real GeoPackages and Shapefiles in EPSG:25832, built here: GeoJSON written with
the cadastre's coordinates, converted by ogr2ogr as an office's GIS would hand them over.
"""

import json
import logging
import subprocess
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.core.management.base import CommandError

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from tests.factories import ProductionFormFactory, SiteFactory, StaffFactory
from vacancies.models import OwnerDataExport, Site, SiteStatusChange

pytestmark = pytest.mark.django_db

OWNER = "Erika Mustereigentümerin"


def _utm(lon: float, lat: float) -> list[float]:
    point = Point(lon, lat, srid=4326)
    point.transform(25832)
    return [point.x, point.y]


def _layer(tmp_path, name: str, features: list[dict], *, suffix: str = ".gpkg"):
    """A GeoPackage or Shapefile in EPSG:25832 with `features` (properties and lon/lat)."""
    geojson = tmp_path / f"{name}.geojson"
    geojson.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": f.pop("utm")}
                        if "utm" in f
                        else None,
                        "properties": f,
                    }
                    for f in features
                ],
            }
        )
    )
    target = tmp_path / f"{name}{suffix}"
    driver = "GPKG" if suffix == ".gpkg" else "ESRI Shapefile"
    subprocess.run(
        ["ogr2ogr", "-f", driver, str(target), str(geojson), "-lco", "ENCODING=UTF-8"]
        if suffix == ".shp"
        else ["ogr2ogr", "-f", driver, str(target), str(geojson)],
        check=True,
    )
    return target


def _import(path, *args) -> list[str]:
    out = StringIO()
    call_command("import_sites", str(path), *args, stdout=out)
    return out.getvalue().strip().splitlines()


def _export(path, *args) -> str:
    out = StringIO()
    call_command("export_sites", str(path), *args, stdout=out)
    return out.getvalue()


def _row(ext_id: str, **values) -> dict:
    row = {
        "ext_id": ext_id,
        "name": f"Ladenlokal {ext_id}",
        "kind": "vacant_unit",
        "street": "Kortumstraße 1",
        "postcode": "44787",
        "area_m2": 85.5,
        "utm": _utm(7.2163, 51.4818),
    }
    row.update(values)
    return row


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_a_layer_in_25832_creates_its_sites_at_their_places_in_wgs84(tmp_path, suffix):
    path = _layer(tmp_path, "alkis", [_row("A1"), _row("A2", utm=_utm(7.2, 51.47))], suffix=suffix)

    lines = _import(path)

    assert lines[-1] == "created 2, updated 0, unchanged 0, rejected 0"
    site = Site.objects.get(external_id="A2")
    assert site.location.srid == 4326
    assert site.location.x == pytest.approx(7.2, abs=1e-7)
    assert site.location.y == pytest.approx(51.47, abs=1e-7)
    assert site.floor_area_m2 == Decimal("85.5")
    # the status went through the status history
    assert SiteStatusChange.objects.filter(site=site, to_status="vacant").count() == 1


def test_bad_rows_are_reported_by_number_and_reason_and_the_good_rows_kept(tmp_path):
    path = _layer(
        tmp_path,
        "bad",
        [
            _row("G1"),
            _row("B1", utm=[5_000_000.0, 1_000_000.0]),  # far outside Germany
            _row("B2", area_m2=-5),
            _row("B3", kind="castle"),
            _row("B4", name=""),
            _row("G2"),
        ],
    )

    lines = _import(path)

    assert lines[-1] == "created 2, updated 0, unchanged 0, rejected 4"
    assert set(Site.objects.values_list("external_id", flat=True)) == {"G1", "G2"}
    report = "\n".join(lines[:-1])
    assert "row 2 rejected: geometry:" in report
    assert "row 3 rejected: area_m2:" in report
    assert "row 4 rejected: kind:" in report
    assert "row 5 rejected: name:" in report


def test_a_reimport_with_a_changed_area_updates_the_site_instead_of_duplicating_it(tmp_path):
    _import(_layer(tmp_path, "first", [_row("A1"), _row("A2")]))
    before = Site.history.filter(external_id="A2").count()

    lines = _import(_layer(tmp_path, "second", [_row("A1"), _row("A2", area_m2=120.0)]))

    assert lines[-1] == "created 0, updated 1, unchanged 1, rejected 0"
    assert Site.objects.count() == 2
    assert Site.objects.get(external_id="A2").floor_area_m2 == Decimal("120.0")
    # the unchanged row was not saved: no history entry
    assert Site.history.filter(external_id="A1").count() == 1
    assert Site.history.filter(external_id="A2").count() == before + 1


def test_a_field_mapping_reads_the_offices_own_column_names(tmp_path):
    path = _layer(
        tmp_path,
        "office",
        [{"OBJID": "DENW1", "BEZ": "Halle", "kind": "special_property", "utm": _utm(7.2, 51.5)}],
    )

    lines = _import(path, "--map", "OBJID=ext_id", "--map", "bez=name")

    assert lines[-1] == "created 1, updated 0, unchanged 0, rejected 0"
    assert Site.objects.get(external_id="DENW1").name == "Halle"


def test_a_status_in_the_file_goes_through_the_status_history(tmp_path):
    site = SiteFactory(external_id="S1", status="vacant")
    path = tmp_path / "status.csv"
    path.write_text("ext_id,status\nS1,let\n")

    assert _import(path)[-1] == "created 0, updated 1, unchanged 0, rejected 0"

    site.refresh_from_db()
    assert site.status == "let"
    assert SiteStatusChange.objects.filter(site=site, from_status="vacant", to_status="let")


def test_a_site_id_that_names_no_site_is_refused_rather_than_created(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("site_id,name,kind,lon,lat\n999999,Neu,vacant_unit,7.2,51.48\n")

    lines = _import(path)

    assert lines[-1] == "created 0, updated 0, unchanged 0, rejected 1"
    assert "site_id" in lines[0]
    assert not Site.objects.exists()


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".csv", ".xlsx"])
@pytest.mark.parametrize("srid", ["25832", "4326"])
def test_an_export_imports_back_unchanged_in_every_format(tmp_path, suffix, srid):
    form = ProductionFormFactory()
    with_forms = SiteFactory(
        external_id="X-1",
        description="=HYPERLINK(“x”) ist nur Text; Umlaute äöüß",
        equipment="Starkstrom",
        rent_eur_per_month=Decimal("1234.56"),
        rent_is_public=True,
        floor_area_m2=Decimal("85.3"),
        is_ground_floor=None,
        verification_interval_days=30,
        location=Point(7.21637, 51.48183, srid=4326),
    )
    with_forms.suitable_forms.set([form])
    SiteFactory(status="let", is_published=False, location=Point(7.1, 51.45, srid=4326))
    path = tmp_path / f"sites{suffix}"

    _export(path, "--srid", srid)
    lines = _import(path)

    assert lines[-1] == "created 0, updated 0, unchanged 2, rejected 0"


@pytest.mark.parametrize("srid", ["25832", "4326"])
def test_coordinates_survive_the_round_trip_within_a_centimetre(tmp_path, srid):
    site = SiteFactory(location=Point(7.216371234, 51.481834567, srid=4326))
    path = tmp_path / "sites.gpkg"
    _export(path, "--srid", srid)
    Site.objects.filter(pk=site.pk).update(location=Point(7.3, 51.5, srid=4326))

    _import(path)

    site.refresh_from_db()
    original = Point(7.216371234, 51.481834567, srid=4326)
    assert (
        site.location.transform(25832, clone=True).distance(original.transform(25832, True)) < 0.01
    )


def test_owner_data_are_not_exported_without_the_option(tmp_path):
    SiteFactory(owner_name=OWNER)
    path = tmp_path / "sites.csv"

    _export(path)

    assert OWNER not in path.read_text()
    assert "owner" not in path.read_text().splitlines()[0]
    assert not OwnerDataExport.objects.exists()


def _staff(group: str):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group)])


def test_owner_data_are_exported_and_recorded_for_a_user_with_the_permission(tmp_path, caplog):
    editor = _staff(EDITORS)
    SiteFactory(owner_name=OWNER)
    path = tmp_path / "sites.csv"

    with caplog.at_level(logging.INFO, logger="vacancies.gis"):
        _export(path, "--with-owner-data", "--user", editor.username)

    assert OWNER in path.read_text()
    record = OwnerDataExport.objects.get()
    assert (record.exported_by, record.records, record.file_format) == (editor, 1, "csv")
    assert "exported" in caplog.text
    assert OWNER not in caplog.text


def test_owner_data_are_refused_to_another_staff_role_and_to_nobody(tmp_path):
    viewer = _staff(VIEWERS)
    SiteFactory(owner_name=OWNER)
    path = tmp_path / "sites.csv"

    with pytest.raises(CommandError):
        _export(path, "--with-owner-data", "--user", viewer.username)
    with pytest.raises(CommandError):
        _export(path, "--with-owner-data")

    assert not path.exists()
    assert not OwnerDataExport.objects.exists()


def test_owner_columns_are_imported_only_for_a_user_with_the_permission(tmp_path):
    editor, viewer = _staff(EDITORS), _staff(VIEWERS)
    site = SiteFactory(external_id="O1", owner_name="")
    path = tmp_path / "owners.csv"
    path.write_text(f"ext_id,owner\nO1,{OWNER}\n")

    with pytest.raises(CommandError):
        _import(path, "--user", viewer.username)
    with pytest.raises(CommandError):
        _import(path)
    site.refresh_from_db()
    assert site.owner_name == ""

    assert _import(path, "--user", editor.username)[-1].startswith("created 0, updated 1")
    site.refresh_from_db()
    assert site.owner_name == OWNER


def test_a_dry_run_saves_nothing(tmp_path):
    lines = _import(_layer(tmp_path, "dry", [_row("D1")]), "--dry-run")

    assert lines[-1] == "created 1, updated 0, unchanged 0, rejected 0"
    assert not Site.objects.exists()


def test_the_export_reads_the_sites_in_two_queries_however_many(
    tmp_path, django_assert_num_queries
):
    for site in SiteFactory.create_batch(5):
        site.suitable_forms.set([ProductionFormFactory()])
    from vacancies.services.gis import sites_export

    # one for the sites with their points transformed by PostGIS, one for their forms
    with django_assert_num_queries(2):
        sites_export(path=tmp_path / "few.geojson")
    SiteFactory.create_batch(20)
    with django_assert_num_queries(2):
        sites_export(path=tmp_path / "more.geojson")


def test_the_progress_bar_goes_to_stderr_on_request_and_the_summary_stays_last(tmp_path):
    path = _layer(tmp_path, "progress", [_row("P1"), _row("P2")])
    out, err = StringIO(), StringIO()

    call_command("import_sites", str(path), "--progress", stdout=out, stderr=err)

    assert "2/2 rows" in err.getvalue()
    assert out.getvalue().strip().splitlines()[-1].startswith("created 2,")
