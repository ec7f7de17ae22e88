"""Every geometry, from every door, is checked by one rule (fabtown.geo): nothing a user types
can store a point the server cannot draw, and malformed input is a message, never a crash.

Before this rule, [1e308, -1e308] was stored and every later page that drew it aborted the
whole server process inside GEOS; a crash of this test process would show that regression.
"""

import json
import logging

import pytest
import tablib
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from fabtown import geo
from fabtown.maps import MapWidget
from label.models import LabelApplication
from producers.admin import ProducerResource
from producers.models import Producer
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductionFormFactory,
    SearchAreaFactory,
    SiteFactory,
    SuperuserFactory,
)
from tests.label.helpers import application_form_data
from vacancies.models import SearchArea, Site

# fields a hand-made post leaves out: the picker is empty, unchanged pictures are not sent again
NOT_POSTED = {"suitable_forms", "photo", "floor_plan"}
pytestmark = pytest.mark.django_db

# What attackers and careless clients sent, as the text a form or API field receives.
BAD_POINTS = {
    "1e308": '{"type": "Point", "coordinates": [1e308, -1e308]}',
    "inf": '{"type": "Point", "coordinates": [1e999, 51.48]}',
    "nan": "0101000020E6100000000000000000F87F000000000000F87F",  # EWKB of POINT(NaN NaN)
    "empty-object": "{}",
    "unknown-srid": "SRID=999999;POINT(7.2163 51.4818)",
    "3d": '{"type": "Point", "coordinates": [7.2163, 51.4818, 100]}',
    "500-500": '{"type": "Point", "coordinates": [500, 500]}',
    "sea-off-africa": '{"type": "Point", "coordinates": [0, 0]}',
    "lat-lon-swapped": '{"type": "Point", "coordinates": [51.4818, 7.2163]}',
    "polygon": '{"type": "Polygon", "coordinates": [[[7.2, 51.4], [7.3, 51.4], [7.3, 51.5], '
    "[7.2, 51.4]]]}",
}
GOOD_POINT = '{"type": "Point", "coordinates": [7.2163, 51.4818]}'


@pytest.mark.parametrize("value", BAD_POINTS.values(), ids=BAD_POINTS.keys())
def test_the_rule_refuses_every_bad_point_with_a_message(value):
    with pytest.raises(ValidationError) as error:
        geo.parse_geometry(value, geom_type="POINT")
    assert error.value.messages and all(error.value.messages)


def test_the_rule_accepts_bochum_in_wgs84_and_in_the_cadastre_system():
    assert geo.parse_geometry(GOOD_POINT, geom_type="POINT").coords == (7.2163, 51.4818)
    utm = geo.parse_geometry("SRID=25832;POINT(376143.66 5704913.72)", geom_type="POINT")
    assert utm.srid == 4326 and (round(utm.x, 4), round(utm.y, 4)) == (7.2163, 51.4818)


def _with_crs(name: str, x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y],
            "crs": {"type": "name", "properties": {"name": name}}}  # fmt: skip


def test_a_geojson_crs_member_is_read_not_ignored():
    utm = _with_crs("urn:ogc:def:crs:EPSG::25832", 376143.66, 5704913.72)
    point = geo.parse_geometry(utm, geom_type="POINT")
    assert (round(point.x, 4), round(point.y, 4)) == (7.2163, 51.4818)
    wgs84 = _with_crs("urn:ogc:def:crs:OGC:1.3:CRS84", 7.2163, 51.4818)
    assert geo.parse_geometry(wgs84, geom_type="POINT").coords == (7.2163, 51.4818)
    for unknown in ("EPSG:999999", "urn:ogc:def:crs:EPSG::3857"):
        with pytest.raises(ValidationError) as error:
            geo.parse_geometry(_with_crs(unknown, 7.2163, 51.4818), geom_type="POINT")
        assert error.value.code == "geometry_srid", unknown
    with pytest.raises(ValidationError):  # GDAL cannot read it at all
        geo.parse_geometry(_with_crs("irgendwas", 7.2163, 51.4818), geom_type="POINT")


def test_a_single_polygon_is_taken_as_a_one_part_search_area():
    polygon = "SRID=4326;POLYGON((7.21 51.48, 7.22 51.48, 7.22 51.49, 7.21 51.48))"
    area = geo.parse_geometry(polygon, geom_type="MULTIPOLYGON")
    assert area.geom_type == "MultiPolygon" and len(area) == 1


def test_a_self_intersecting_boundary_is_refused():
    bowtie = "SRID=4326;POLYGON((7.2 51.4, 7.3 51.5, 7.3 51.4, 7.2 51.5, 7.2 51.4))"
    with pytest.raises(ValidationError) as error:
        geo.parse_geometry(bowtie, geom_type="POLYGON")
    assert error.value.code == "geometry_valid"


# --- The model: full_clean, which forms, the admin, the API services and imports all call ----

GEOMETRY_FIELDS = [
    (Producer, "location", lambda: ProducerFactory.build()),
    (Site, "location", lambda: SiteFactory.build()),
    (Site, "footprint", lambda: SiteFactory.build()),
    (SearchArea, "area", lambda: SearchAreaFactory.build()),
    (LabelApplication, "location", lambda: LabelApplicationFactory.build()),
]
FAR_AWAY = {
    "POINT": "SRID=4326;POINT(0 0)",
    "POLYGON": "SRID=4326;POLYGON((0 0, 1 0, 1 1, 0 0))",
    "MULTIPOLYGON": "SRID=4326;MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))",
}


@pytest.mark.parametrize(
    ("model", "field", "build"), GEOMETRY_FIELDS, ids=lambda v: getattr(v, "__name__", v)
)
def test_every_geometry_field_refuses_a_place_outside_the_extent_in_full_clean(model, field, build):
    record = build()
    geom_type = model._meta.get_field(field).geom_type
    setattr(record, field, GEOSGeometry(FAR_AWAY[geom_type]))
    with pytest.raises(ValidationError) as error:
        record.full_clean(validate_unique=False, validate_constraints=False)
    (problem,) = error.value.error_dict[field]
    assert problem.code == "geometry_extent"


@pytest.mark.parametrize(
    ("model", "field", "build"), GEOMETRY_FIELDS, ids=lambda v: getattr(v, "__name__", v)
)
def test_the_database_refuses_what_slips_past_validation(model, field, build):
    record = build()
    geom_type = model._meta.get_field(field).geom_type
    setattr(record, field, GEOSGeometry(FAR_AWAY[geom_type]))
    if model is Producer:
        record.category = ProductCategoryFactory()
        record.production_form = ProductionFormFactory()
    with pytest.raises(IntegrityError, match="plausible"), transaction.atomic():
        record.save()


# --- Door: the label application form (a producer's account) --------------------------------


@pytest.fixture
def applicant_client(client):
    applicant = ApplicantFactory()
    client.force_login(applicant)
    client.application = LabelApplicationFactory(applicant=applicant)
    return client


@pytest.mark.parametrize("value", BAD_POINTS.values(), ids=BAD_POINTS.keys())
def test_the_label_form_refuses_a_bad_point_and_renders_again(applicant_client, value):
    application = applicant_client.application
    url = reverse("label:application_edit", args=[application.pk])
    response = applicant_client.post(url, application_form_data(application, location=value))
    assert response.status_code == 400
    assert response.context["form"].errors["location"]
    application.refresh_from_db()
    assert application.location is None
    # the process lives and the page that draws the point still renders
    assert applicant_client.get(url).status_code == 200


def test_the_label_form_keeps_a_good_point(applicant_client):
    application = applicant_client.application
    url = reverse("label:application_edit", args=[application.pk])
    applicant_client.post(url, application_form_data(application, location=GOOD_POINT))
    application.refresh_from_db()
    assert application.location.coords == (7.2163, 51.4818)


def test_the_map_widget_never_draws_an_implausible_value():
    html = MapWidget().render("location", BAD_POINTS["1e308"])
    assert "1e+308" not in html and "1e308" not in html


# --- Door: the admin -------------------------------------------------------------------------


def _site_change_data(client, site) -> dict:
    form = (
        client.get(reverse("admin:vacancies_site_change", args=[site.pk])).context["adminform"].form
    )
    data = {k: v for k, v in form.initial.items() if v is not None and k not in NOT_POSTED}
    data |= {
        "location": site.location.geojson,
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
        "interim_uses-TOTAL_FORMS": 0,
        "interim_uses-INITIAL_FORMS": 0,
        "owner_consents-TOTAL_FORMS": 0,
        "owner_consents-INITIAL_FORMS": 0,
    }
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


@pytest.mark.parametrize("value", BAD_POINTS.values(), ids=BAD_POINTS.keys())
def test_the_admin_refuses_a_bad_point_and_renders_again(client, value):
    site = SiteFactory()
    client.force_login(SuperuserFactory())
    url = reverse("admin:vacancies_site_change", args=[site.pk])
    response = client.post(url, _site_change_data(client, site) | {"location": value})
    assert response.status_code == 200  # the admin shows the form again with the error
    assert response.context["adminform"].form.errors["location"]
    site.refresh_from_db()
    assert site.location.coords == (7.2163, 51.4818)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:vacancies_site_history", args=[site.pk])).status_code == 200


# --- Door: the API ---------------------------------------------------------------------------


def _as_json(value: str):
    """GeoJSON as an object; WKT and EWKB travel as strings."""
    return json.loads(value) if value.startswith("{") else value


@pytest.fixture
def staff_api():
    api = APIClient()
    api.force_authenticate(SuperuserFactory())
    return api


@pytest.mark.parametrize("value", BAD_POINTS.values(), ids=BAD_POINTS.keys())
def test_the_api_answers_400_for_a_bad_site_point(staff_api, value):
    site = {"name": "Neues Ladenlokal", "kind": "vacant_unit", "location": _as_json(value)}
    body = json.dumps(site).replace("Infinity", "1e999")
    response = staff_api.post("/api/v1/sites/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["location"]
    assert not Site.objects.exists()


@pytest.mark.parametrize("value", BAD_POINTS.values(), ids=BAD_POINTS.keys())
def test_the_api_answers_400_for_a_bad_producer_point(staff_api, value):
    producer = ProducerFactory()
    body = json.dumps({"location": _as_json(value)}).replace("Infinity", "1e999")
    response = staff_api.patch(
        f"/api/v1/producers/{producer.slug}/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["location"]
    producer.refresh_from_db()
    assert producer.location.coords == (7.2163, 51.4818)
    assert staff_api.get(f"/api/v1/producers/{producer.slug}/").status_code == 200


def test_the_api_answers_400_for_a_search_area_off_the_map(staff_api):
    area = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]}
    response = staff_api.post(
        "/api/v1/search-areas/",
        {"slug": "weit", "name": "Weit weg", "production_type": "x", "customer_frequency": "low",
         "area": area},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["area"]


# --- Door: spreadsheet imports ---------------------------------------------------------------

BAD_COORDINATES = {
    "1e308": ("1e308", "-1e308", "", ""),
    "inf": ("inf", "51.48", "", ""),
    "nan": ("nan", "nan", "", ""),
    "snan": ("sNaN", "51.48", "", ""),
    "empty-object": ("{}", "51.48", "", ""),
    "500-500": ("500", "500", "", ""),
    "sea-off-africa": ("0", "0", "", ""),
    "utm-1e308": ("", "", "1e308", "5704913"),
    "utm-far-away": ("", "", "376143", "-5704913"),
}


@pytest.mark.parametrize("coordinates", BAD_COORDINATES.values(), ids=BAD_COORDINATES.keys())
def test_an_import_reports_a_row_with_bad_coordinates_and_keeps_the_good_one(coordinates):
    ProductCategoryFactory(slug="musik")
    ProductionFormFactory()
    lon, lat, east, north = coordinates
    dataset = tablib.Dataset(
        ("gut", "Gut", "musik", "manufactory-repair-craft", "7.2163", "51.4818", "", ""),
        ("schlecht", "Schlecht", "musik", "manufactory-repair-craft", lon, lat, east, north),
        headers=["slug", "name", "category", "production_form", "longitude", "latitude",
                 "easting_25832", "northing_25832"],
    )  # fmt: skip
    result = ProducerResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    (invalid,) = result.invalid_rows
    assert invalid.error_dict["location"]
    assert list(Producer.objects.values_list("slug", flat=True)) == ["gut"]


@pytest.mark.parametrize("value", BAD_POINTS.values(), ids=BAD_POINTS.keys())
def test_an_import_reports_a_row_with_a_bad_wkt_point_and_keeps_the_good_one(value):
    """QGIS exports points as a WKT column; the same six-plus bad inputs as every other door."""
    ProductCategoryFactory(slug="musik")
    ProductionFormFactory()
    dataset = tablib.Dataset(
        (
            "gut",
            "Gut",
            "musik",
            "manufactory-repair-craft",
            "SRID=25832;POINT(376143.66 5704913.72)",
        ),
        ("schlecht", "Schlecht", "musik", "manufactory-repair-craft", value),
        headers=["slug", "name", "category", "production_form", "WKT"],
    )
    result = ProducerResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    (invalid,) = result.invalid_rows
    assert invalid.error_dict["location"]
    good = Producer.objects.get()
    assert good.slug == "gut" and (round(good.location.x, 4), round(good.location.y, 4)) == (
        7.2163,
        51.4818,
    )


# --- Records stored before the rule -----------------------------------------------------------


def test_the_data_migration_clears_stored_points_outside_the_extent_and_logs_them(caplog):
    producer = ProducerFactory()
    with connection.cursor() as cursor:
        # history tables have no constraint: the way such a value was stored before
        cursor.execute(
            "UPDATE producers_historicalproducer SET location = "
            "ST_SetSRID(ST_MakePoint(1e308, -1e308), 4326) WHERE id = %s",
            [producer.pk],
        )
    caplog.set_level(logging.WARNING, logger="fabtown.migrations")
    with connection.schema_editor() as editor:
        cleared = geo.clear_outside_extent(
            editor, table="producers_historicalproducer", column="location", label="history"
        )
    assert cleared == [producer.pk]
    assert f"history {producer.pk}" in caplog.text
    assert producer.history.get().location is None
    assert Producer.objects.get(pk=producer.pk).location is not None  # the valid row stays
