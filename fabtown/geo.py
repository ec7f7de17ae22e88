"""Geometry input: one rule for every geometry field and every door.

A geometry is accepted when it is a two-dimensional geometry of the field's type, in a
reference system the platform knows (WGS84 or ETRS89 / UTM 32N, the system of Bochum's
cadastre), with finite coordinates that lie, in WGS84, inside the plausible extent: Germany's
bounding box (5.87–15.04 °E, 47.27–55.06 °N) widened by about 25 km. A point in the sea off
Africa, at [500, 500] or at [1e308, -1e308] is refused with a message tied to the field.

Why so strict: GEOS aborts the whole server process when it writes WKT of coordinates beyond
~1e200, and every page that shows a stored geometry writes it. So nothing outside the extent
may reach the database: the model fields check it (full_clean, ModelForms, the admin), the form
and API fields refuse malformed input with a message instead of an exception, and a CHECK
constraint of the database refuses whatever slips past all of them. (The API's field is
fabtown.api.APIGeometryField.)
"""

import json
import math
import re
from collections.abc import Iterator

from django.contrib.gis import forms
from django.contrib.gis.db import models
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import BooleanField, F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from fabtown.fields import fire_deferred_triggers

WGS84 = 4326
CADASTRE_SRID = 25832  # ETRS89 / UTM zone 32N
ACCEPTED_SRIDS = (WGS84, CADASTRE_SRID)

# (min lon, min lat, max lon, max lat): Germany and about 25 km around it.
PLAUSIBLE_EXTENT = (5.5, 47.0, 15.5, 55.5)
EXTENT_POLYGON = Polygon.from_bbox(PLAUSIBLE_EXTENT)
EXTENT_POLYGON.srid = WGS84

# Enough for any drawn search area; keeps a pasted multi-megabyte polygon out.
MAX_VERTICES = 10_000

MESSAGES = {
    "invalid": _("This is not a geometry we can read. Give GeoJSON or WKT in WGS84."),
    "empty": _("The geometry is empty, or its coordinates are not numbers."),
    "type": _("Give a geometry of the type %(expected)s (got %(actual)s)."),
    "dimensions": _("Give two-dimensional coordinates (longitude and latitude, without height)."),
    "srid": _(
        "Unknown coordinate reference system (EPSG:%(srid)s). Use WGS84 (EPSG:4326) or "
        "ETRS89 / UTM 32N (EPSG:25832)."
    ),
    "finite": _("Coordinates must be finite numbers."),
    "vertices": _("The geometry has more than %(max)s points."),
    "range": _("Longitude must lie in −180…180 and latitude in −90…90."),
    "extent": _(
        "This place lies outside the area the platform covers (Germany: longitude "
        "5.5…15.5, latitude 47…55.5). Check the order: longitude first, then latitude."
    ),
    "valid": _("The boundary is not valid: %(reason)s."),
}


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=f"geometry_{code}", params=params or None)


def _numbers(coords) -> Iterator[float]:
    if isinstance(coords, int | float):
        yield coords
        return
    for part in coords:
        yield from _numbers(part)


def check_geometry(geometry: GEOSGeometry, *, geom_type: str = "GEOMETRY") -> GEOSGeometry:
    """Return `geometry` in WGS84, or raise ValidationError saying what is wrong with it.

    A single polygon where several may stand (a search area) is taken as a one-part area.
    """
    if geom_type.upper() == "MULTIPOLYGON" and geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=geometry.srid)
    actual = str(geometry.geom_type).upper()
    if geom_type != "GEOMETRY" and actual != geom_type.upper():
        raise _error("type", expected=geom_type.title(), actual=geometry.geom_type)
    if geometry.empty:
        raise _error("empty")
    if geometry.hasz:
        raise _error("dimensions")
    srid = geometry.srid or WGS84
    if srid not in ACCEPTED_SRIDS:  # -1: a system named in a way we cannot read
        raise _error("srid", srid=srid)
    if geometry.num_coords > MAX_VERTICES:
        raise _error("vertices", max=MAX_VERTICES)
    numbers = list(_numbers(geometry.coords))
    if not all(math.isfinite(n) for n in numbers):
        raise _error("finite")
    if srid == CADASTRE_SRID and not all(-1e7 < n < 1e7 for n in numbers):
        raise _error("extent")  # far outside the UTM zone: PROJ would refuse it noisily
    try:
        in_wgs84 = geometry.transform(WGS84, clone=True) if srid != WGS84 else geometry.clone()
    except (GDALException, GEOSException):
        raise _error("extent") from None  # PROJ refuses points far outside the zone
    in_wgs84.srid = WGS84
    lon_min, lat_min, lon_max, lat_max = in_wgs84.extent
    if not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90):
        raise _error("range")
    if not EXTENT_POLYGON.covers(in_wgs84):
        raise _error("extent")
    if not in_wgs84.valid:
        raise _error("valid", reason=in_wgs84.valid_reason)
    return in_wgs84


def is_plausible(geometry: GEOSGeometry | None) -> bool:
    if geometry is None:
        return False
    try:
        check_geometry(geometry)
    except ValidationError:
        return False
    return True


def parse_geometry(value, *, geom_type: str = "GEOMETRY") -> GEOSGeometry:
    """Read GeoJSON (text or dict), WKT, EWKT or HEXEWKB and check it; WGS84 unless stated."""
    if isinstance(value, GEOSGeometry):
        geometry = value
    else:
        if isinstance(value, dict | list):
            value = json.dumps(value)
        if not isinstance(value, str) or not value.strip():
            raise _error("invalid")
        try:
            geometry = GEOSGeometry(value)
        except (GEOSException, GDALException, ValueError, TypeError, SuspiciousOperation):
            raise _error("invalid") from None
        if srid := _geojson_crs(value):
            geometry.srid = srid  # GDAL reads the coordinates but ignores the member
    return check_geometry(geometry, geom_type=geom_type)


def _geojson_crs(text: str) -> int | None:
    """The reference system a GeoJSON `crs` member names (as QGIS writes it), if any.

    RFC 7946 dropped the member, but older files carry it; reading such coordinates as WGS84
    would put the place somewhere else, so an unknown system is refused, not ignored.
    """
    if not text.lstrip().startswith("{"):
        return None
    try:
        crs = json.loads(text).get("crs")
    except (ValueError, AttributeError):
        return None
    if not crs:
        return None
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    if name.upper().endswith("CRS84"):
        return WGS84
    code = re.search(r"EPSG::?(\d+)$", name.upper())
    return int(code.group(1)) if code else -1  # -1: named, but no system we can read


def within_extent(field: str) -> Q:
    """The database's half of the rule, for a CheckConstraint (NULL stays allowed).

    Written with plain numbers rather than a geometry literal, so that migrations can compare
    the constraint with the model's (a Polygon loses its SRID when serialised).
    """
    envelope = Func(
        *(Value(n) for n in PLAUSIBLE_EXTENT),
        Value(WGS84),
        function="ST_MakeEnvelope",
        output_field=models.GeometryField(srid=WGS84),
    )
    covered = Func(F(field), envelope, function="ST_CoveredBy", output_field=BooleanField())
    return Q(**{f"{field}__isnull": True}) | Q(covered)


# --- Form fields (ModelForms, the admin, the label application) ------------------------------


class _CheckedFormField:
    """GeoDjango's form field, but malformed or implausible input is a field error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_geometry(value, geom_type=self.geom_type)

    def clean(self, value):
        # to_python has checked and transformed it already
        geometry = self.to_python(value)
        self.validate(geometry)
        self.run_validators(geometry)
        return geometry


class PointFormField(_CheckedFormField, forms.PointField):
    pass


class PolygonFormField(_CheckedFormField, forms.PolygonField):
    pass


class MultiPolygonFormField(_CheckedFormField, forms.MultiPolygonField):
    pass


# --- Model fields -----------------------------------------------------------------------------


class _CheckedModelField:
    """A geometry column whose values are checked by full_clean (every door calls it)."""

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None:
            check_geometry(value, geom_type=self.geom_type)


class PointField(_CheckedModelField, models.PointField):
    form_class = PointFormField


class PolygonField(_CheckedModelField, models.PolygonField):
    form_class = PolygonFormField


class MultiPolygonField(_CheckedModelField, models.MultiPolygonField):
    form_class = MultiPolygonFormField


# --- Data migrations --------------------------------------------------------------------------


def clear_outside_extent(
    schema_editor, *, table: str, column: str, label: str, also_set: str = ""
) -> list[int]:
    """Set `column` to NULL where it lies outside the plausible extent (or is not finite), log
    each record by id, and return the ids. `also_set` adds SQL assignments (e.g. unpublishing).

    Works on the SQL level: loading such a geometry into Python is what crashed the server.
    """
    import logging

    quote = schema_editor.quote_name
    assignments = ", ".join(filter(None, [f"{quote(column)} = NULL", also_set]))
    sql = (
        f"UPDATE {quote(table)} SET {assignments} "
        f"WHERE {quote(column)} IS NOT NULL AND NOT ST_CoveredBy({quote(column)}, "
        f"ST_MakeEnvelope(%s, %s, %s, %s, {WGS84})) RETURNING id"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, list(PLAUSIBLE_EXTENT))
        ids = sorted(row[0] for row in cursor.fetchall())
    fire_deferred_triggers(schema_editor)  # the constraint follows in this migration
    logger = logging.getLogger("fabtown.migrations")
    for pk in ids:
        logger.warning("Cleared %s of %s %s: outside the plausible extent.", column, label, pk)
    return ids
