import json

import pytest
from django.contrib.gis.geos import GEOSGeometry
from rest_framework_gis.fields import GeometryField

from fabtown.api import APIGeometryField

SHAPES = [
    "SRID=4326;POINT(7.1234567891 51.987654321)",
    "SRID=4326;POLYGON((7.2 51.4, 7.21 51.4, 7.21 51.41, 7.2 51.4))",
    "SRID=4326;MULTIPOLYGON(((7.2 51.4, 7.21 51.4, 7.21 51.41, 7.2 51.4)))",
]


@pytest.mark.parametrize("wkt", SHAPES)
def test_api_geometries_are_written_as_rest_framework_gis_writes_them(wkt):
    ours = APIGeometryField().to_representation(GEOSGeometry(wkt))
    theirs = GeometryField(precision=6).to_representation(GEOSGeometry(wkt))
    assert json.dumps(ours) == json.dumps(theirs)


@pytest.mark.parametrize("wkt", SHAPES)
def test_api_geometries_are_written_without_gdal(wkt, monkeypatch):
    """GDAL built a spatial reference per row (40 % of a list's time); GEOS' coordinates do."""

    def no_gdal(self):
        raise AssertionError("GDAL used")

    monkeypatch.setattr(GEOSGeometry, "ogr", property(no_gdal))
    written = APIGeometryField().to_representation(GEOSGeometry(wkt))
    assert written["type"] == GEOSGeometry(wkt).geom_type


def test_points_keep_six_decimals():
    written = APIGeometryField().to_representation(GEOSGeometry(SHAPES[0]))
    assert written["coordinates"] == (7.123457, 51.987654)
