"""Shared helpers for loading the Bochum data: create what is missing, never overwrite.

Loading is idempotent and keeps staff edits: a record that exists (by its natural key) is
left exactly as staff last saved it; only missing records are created.
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import models


def read_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def point(lon_lat: list[float] | None) -> Point | None:
    if lon_lat is None:
        return None
    lon, lat = lon_lat
    return Point(lon, lat, srid=4326)


def geometry(wkt: str, srid: int = 4326) -> GEOSGeometry:
    return GEOSGeometry(wkt, srid=srid)


def create_missing(
    report: Counter, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[models.Model, bool]:
    """Create a record from `lookup` + `values` unless one matches `lookup` already."""
    instance = model.objects.filter(**lookup).first()
    if instance is not None:
        report[f"{model._meta.verbose_name_plural} kept"] += 1
        return instance, False
    instance = model(**lookup, **values)
    instance.full_clean()
    instance.save()
    report[f"{model._meta.verbose_name_plural} created"] += 1
    return instance, True
