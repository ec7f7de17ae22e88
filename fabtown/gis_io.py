"""Reading and writing GIS files: GeoPackage, Shapefile, GeoJSON, CSV and XLSX.

Model-neutral, so that every GIS door (sites, buildings) reads the same way:

- Reading goes through GDAL (django.contrib.gis.gdal.DataSource) for GeoPackage, Shapefile and
  GeoJSON; the layer's own reference system is read, and `srid` is only the fallback for a
  layer that names none. CSV (Python's csv) and XLSX (openpyxl) carry points as coordinate
  columns: `lon`/`lat` (WGS84 unless `srid` says otherwise) or `x`/`y` (EPSG:25832 unless
  `srid` says otherwise).
- Writing: Django's GDAL bindings cannot write, so GeoJSON, CSV and XLSX are written here and
  GeoPackage and Shapefile are converted from GeoJSON by `ogr2ogr` (gdal-bin), layer "sites",
  Shapefile text in UTF-8 (.cpg).

Geometries are handed out in the reference system they came in (a GEOSGeometry with its
SRID); checking and transforming them is the caller's (fabtown.geo.check_geometry), so that a
point far outside Germany becomes that row's error rather than a crash of the whole file.
"""

import csv
import datetime
import io
import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fabtown import geo

# By file name extension: the formats read and written.
FORMATS = {
    ".gpkg": "gpkg",
    ".shp": "shp",
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
OGR_DRIVERS = {"gpkg": "GPKG", "shp": "ESRI Shapefile"}
LAYER_NAME = "sites"
# The reference system written when none is asked for: the city's ALKIS system for the GIS
# formats, WGS84 where the format requires it (GeoJSON, RFC 7946) or spreadsheet users expect it.
DEFAULT_SRID = {"gpkg": 25832, "shp": 25832, "geojson": 4326, "csv": 4326, "xlsx": 4326}
# Coordinate columns of the spreadsheet formats, by reference system.
COORDINATE_COLUMNS = {geo.WGS84: ("lon", "lat"), geo.CADASTRE_SRID: ("x", "y")}
_LON_NAMES = ("lon", "lng", "longitude", "laenge")
_LAT_NAMES = ("lat", "latitude", "breite")
_X_NAMES = ("x", "easting", "rechtswert", "easting_25832")
_Y_NAMES = ("y", "northing", "hochwert", "northing_25832")
# Decimals written per reference system: a millimetre or better.
_DECIMALS = {geo.WGS84: 8, geo.CADASTRE_SRID: 3}


class GisFileError(Exception):
    """The file cannot be read or written at all (its format, its layer, ogr2ogr failed)."""


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise GisFileError(
            _("Unknown file type “%(suffix)s”: use %(formats)s.")
            % {"suffix": suffix or "–", "formats": ", ".join(sorted(set(FORMATS)))}
        )
    return FORMATS[suffix]


@dataclass
class Record:
    """One feature or spreadsheet row: its number (1 = the first data row), its attributes by
    column name and its geometry (None: the row has none) or why the geometry is unusable."""

    number: int
    values: dict[str, Any]
    geometry: GEOSGeometry | None = None
    geometry_error: ValidationError | None = None


@dataclass
class Source:
    """A file opened for reading: its columns, how many records, and the records."""

    columns: list[str]
    count: int
    records: Iterable[Record]
    srid: int | None = None
    fields: dict = field(default_factory=dict)


def read(
    path: str | Path, *, srid: int | None = None, mapping: dict[str, str] | None = None
) -> Source:
    """Open a GIS file or spreadsheet. `mapping` renames source columns (the office's field
    names) to ours before anything else reads them; names match case-insensitively."""
    file_format = format_of(path)
    if file_format in ("csv", "xlsx"):
        header, rows = _read_table(path, file_format)
        return _table_source(header, rows, srid=srid, mapping=mapping or {})
    return _vector_source(path, srid=srid, mapping=mapping or {})


def _renamer(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    by_lower = {source.lower(): target for source, target in mapping.items()}
    return {column: by_lower.get(column.lower(), column) for column in columns}


def _vector_source(path, *, srid: int | None, mapping: dict[str, str]) -> Source:
    try:
        source = DataSource(str(path), encoding="utf-8")
    except GDALException:
        raise GisFileError(_("The file could not be read as a GIS layer.")) from None
    if source.layer_count < 1:
        raise GisFileError(_("The file holds no layer."))
    names = [layer.name for layer in source]
    layer = source[LAYER_NAME] if LAYER_NAME in names else source[0]
    layer_srid = srid or geo.WGS84  # GeoJSON without a `crs` member is WGS84 (RFC 7946)
    transform = None
    srs = layer.srs
    if srs is not None:
        if srs.srid is None:
            srs.identify_epsg()  # a Shapefile's .prj often names no authority
        layer_srid = srs.srid or 0
        if layer_srid != geo.WGS84:
            # One transformation for the whole layer: GEOS's transform() builds one per call,
            # which was most of the time an import of 10,000 points took. Also for systems
            # other than the cadastre's that GDAL knows (Gauß-Krüger, ETRS89 geographic).
            transform = CoordTransform(srs, SpatialReference(geo.WGS84))
    rename = _renamer(list(layer.fields), mapping)

    def records() -> Iterator[Record]:
        # the DataSource must live as long as its features are read
        for number, feature in enumerate(layer, start=1):
            values = {rename[name]: feature.get(name) for name in layer.fields}
            record = Record(number=number, values=values)
            try:
                ogr = feature.geom
            except GDALException:
                ogr = None  # the feature has no geometry
            if ogr is not None:
                try:
                    if transform is not None:
                        ogr.transform(transform)
                        record.geometry = GEOSGeometry(memoryview(bytes(ogr.wkb)), srid=geo.WGS84)
                    else:
                        record.geometry = GEOSGeometry(memoryview(bytes(ogr.wkb)), srid=layer_srid)
                except (GDALException, GEOSException):
                    record.geometry_error = ValidationError(geo.MESSAGES["extent"])
            yield record
        source  # noqa: B018 (kept alive until here)

    return Source(
        columns=[rename[name] for name in layer.fields],
        count=len(layer),
        records=records(),
        srid=layer_srid,
    )


def _read_table(path, file_format: str) -> tuple[list[str], list[list]]:
    try:
        if file_format == "csv":
            text = Path(path).read_text(encoding="utf-8-sig")
            try:
                dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            rows = list(csv.reader(io.StringIO(text), dialect))
        else:
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
            rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
            book.close()
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as error:
        raise GisFileError(
            _("The file could not be read (%(error)s).") % {"error": type(error).__name__}
        ) from None
    if not rows:
        raise GisFileError(_("The file is empty."))
    header = [str(cell or "").strip() for cell in rows[0]]
    body = [row for row in rows[1:] if any(cell not in (None, "") for cell in row)]
    return header, body


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    return next((column for column in columns if column.lower() in names), None)


def _table_source(header, rows, *, srid: int | None, mapping: dict[str, str]) -> Source:
    rename = _renamer(header, mapping)
    columns = [rename[name] for name in header]
    lon, lat = _find(columns, _LON_NAMES), _find(columns, _LAT_NAMES)
    x, y = _find(columns, _X_NAMES), _find(columns, _Y_NAMES)
    if lon and lat:
        pair, point_srid = (lon, lat), srid or geo.WGS84
    elif x and y:
        pair, point_srid = (x, y), srid or geo.CADASTRE_SRID
    else:
        pair, point_srid = None, srid
    coordinate_columns = set(pair or ())

    def records() -> Iterator[Record]:
        for number, row in enumerate(rows, start=1):
            cells = dict(zip(columns, list(row) + [None] * (len(columns) - len(row)), strict=False))
            values = {k: v for k, v in cells.items() if k and k not in coordinate_columns}
            record = Record(number=number, values=values)
            if pair:
                try:
                    record.geometry = _point(cells[pair[0]], cells[pair[1]], point_srid)
                except ValidationError as error:
                    record.geometry_error = error
            yield record

    return Source(
        columns=[c for c in columns if c and c not in coordinate_columns],
        count=len(rows),
        records=records(),
        srid=point_srid,
    )


def _coordinate(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValidationError(geo.MESSAGES["empty"]) from None


def _point(first, second, srid: int) -> Point | None:
    a, b = _coordinate(first), _coordinate(second)
    if a is None and b is None:
        return None
    if a is None or b is None:
        raise ValidationError(geo.MESSAGES["empty"])
    return Point(a, b, srid=srid)


# --- Writing -----------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write(
    path: str | Path,
    *,
    columns: list[str],
    rows: Iterable[tuple[dict[str, Any], GEOSGeometry | None]],
    srid: int,
    text_columns: Iterable[str] = (),
) -> int:
    """Write `rows` (values by column, a geometry already in `srid`) to `path`, the format by
    its extension. `text_columns` are neutralised against formulas in CSV and XLSX. Returns
    how many rows were written."""
    file_format = format_of(path)
    path = Path(path)
    if file_format in ("csv", "xlsx"):
        return _write_table(path, file_format, columns, rows, srid, set(text_columns))
    if file_format == "geojson":
        return _write_geojson(path, columns, rows, srid)
    with tempfile.TemporaryDirectory(prefix="fabtown-gis-") as tmp:
        geojson = Path(tmp) / f"{LAYER_NAME}.geojson"
        count = _write_geojson(geojson, columns, rows, srid)
        _remove_existing(path, file_format)
        command = [
            "ogr2ogr", "-f", OGR_DRIVERS[file_format], str(path), str(geojson),
            "-nln", LAYER_NAME, "-a_srs", f"EPSG:{srid}", "-nlt", "POINT",
        ]  # fmt: skip
        if file_format == "shp":
            command += ["-lco", "ENCODING=UTF-8"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise GisFileError(
                _("ogr2ogr could not write the file: %(error)s")
                % {"error": done.stderr.strip()[:300]}
            )
    return count


def _remove_existing(path: Path, file_format: str) -> None:
    # ogr2ogr would add a layer to an existing GeoPackage, and refuses an existing Shapefile
    suffixes = [".shp", ".shx", ".dbf", ".prj", ".cpg"] if file_format == "shp" else [path.suffix]
    for suffix in suffixes:
        path.with_suffix(suffix).unlink(missing_ok=True)


def _geometry_json(geometry: GEOSGeometry | None, srid: int):
    if geometry is None:
        return None
    decimals = _DECIMALS.get(srid, 8)
    return {
        "type": "Point",
        "coordinates": [round(geometry.x, decimals), round(geometry.y, decimals)],
    }


def _write_geojson(path: Path, columns, rows, srid: int) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection",')
        if srid != geo.WGS84:
            # RFC 7946 dropped the member, but GDAL and QGIS read it: without it the
            # coordinates would be taken for WGS84
            crs = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
            out.write(f' "crs": {json.dumps(crs)},')
        out.write(' "features": [\n')
        for values, geometry in rows:
            feature = {
                "type": "Feature",
                "geometry": _geometry_json(geometry, srid),
                "properties": {c: _json_value(values.get(c)) for c in columns},
            }
            out.write(("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            count += 1
        out.write("]}\n")
    return count


def _write_table(path: Path, file_format, columns, rows, srid: int, text_columns) -> int:
    from fabtown.spreadsheets import neutralise_formula

    x_name, y_name = COORDINATE_COLUMNS.get(srid, ("x", "y"))
    header = [*columns, x_name, y_name]
    decimals = _DECIMALS.get(srid, 8)

    def cells(values, geometry) -> list:
        row = []
        for column in columns:
            value = values.get(column)
            if column in text_columns:
                value = neutralise_formula(value)
            row.append(value)
        if geometry is None:
            return [*row, None, None]
        return [*row, round(geometry.x, decimals), round(geometry.y, decimals)]

    count = 0
    if file_format == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for values, geometry in rows:
                row = cells(values, geometry)
                writer.writerow(["" if v is None else _csv_text(v) for v in row])
                count += 1
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(LAYER_NAME)
    sheet.append(header)
    for values, geometry in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in cells(values, geometry)])
        count += 1
    tmp = path.with_name(path.name + ".part")
    book.save(tmp)
    os.replace(tmp, path)
    return count


def _csv_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
