"""Synthetic buildings for the tests of note 13's urban-location rule: places given as metres
east and north of Bochum's centre in ETRS89 / UTM 32N (EPSG:25832), as ALKIS delivers them."""

import json
import subprocess
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, Point

from producers.models import Building
from tests.factories import BOCHUM_CENTRE_WKT

UTM = 25832
ORIGIN = GEOSGeometry(BOCHUM_CENTRE_WKT).transform(UTM, clone=True)


def utm_xy(dx: float, dy: float) -> tuple[float, float]:
    return ORIGIN.x + dx, ORIGIN.y + dy


def wgs84(dx: float = 0, dy: float = 0) -> Point:
    """The point `dx` m east and `dy` m north of the origin, in WGS84 (as the models keep it)."""
    return Point(*utm_xy(dx, dy), srid=UTM).transform(4326, clone=True)


def near_offsets(count: int) -> list[tuple[float, float]]:
    """`count` distinct places within about 100 m of the origin (a 5 m grid)."""
    return [((i % 15) * 5.0, (i // 15) * 5.0) for i in range(count)]


def create_buildings(offsets, *, residential: bool = True, prefix: str = "b") -> None:
    Building.objects.bulk_create(
        Building(
            external_id=f"{prefix}{i}-{residential}",
            is_residential=residential,
            location=wgs84(dx, dy),
            source="test layer",
        )
        for i, (dx, dy) in enumerate(offsets)
    )


def square(dx: float, dy: float, half: float = 4.0) -> list:
    x, y = utm_xy(dx, dy)
    ring = [[x - half, y - half], [x + half, y - half], [x + half, y + half],
            [x - half, y + half], [x - half, y - half]]  # fmt: skip
    return [ring]


def geojson_file(path: Path, features: list[dict], *, srid: int = UTM) -> Path:
    """A GeoJSON file; `features`: dicts of `geometry` (or None) and `properties`."""
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", **feature} for feature in features],
    }
    if srid != 4326:
        collection["crs"] = {
            "type": "name",
            "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"},
        }
    path.write_text(json.dumps(collection))
    return path


def convert(source: Path, target: Path, driver: str) -> Path:
    """The same layer in another format, written by GDAL's own ogr2ogr."""
    subprocess.run(["ogr2ogr", "-f", driver, str(target), str(source)], check=True)
    return target


def polygon(dx: float, dy: float, **properties) -> dict:
    return {
        "geometry": {"type": "Polygon", "coordinates": square(dx, dy)},
        "properties": properties,
    }


def point(dx: float, dy: float, **properties) -> dict:
    return {
        "geometry": {"type": "Point", "coordinates": list(utm_xy(dx, dy))},
        "properties": properties,
    }
