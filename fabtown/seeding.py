"""Shared helpers for loading the Bochum data: create what is missing, never overwrite.

Loading is idempotent and keeps staff edits: a record that exists (by its natural key) is
left exactly as staff last saved it; only missing records are created. The one exception is
English content (issue 12): an English text that is still empty is filled from the seed's
English files on every load, so a database loaded before they existed gets them too; an
English text staff wrote is never replaced.

The seed's values are German. For a translated field (`<app>/translation.py`) they go into its
`_de` column explicitly, whichever language is active, since `name=` would mean the active
language's column to modeltranslation.
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import models

from fabtown.content_translation import SOURCE_LANGUAGE, translated_fields


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


def read_json_parts(folder: Path) -> dict[str, dict[str, Any]]:
    """Every `*.json` in `folder` merged by section and key (files may hold any subset); an
    absent folder is no data."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        for section, entries in read_json(path).items():
            merged.setdefault(section, {}).update(entries)
    return merged


def read_json_if_present(path: Path) -> dict[str, Any]:
    return read_json(path) if path.is_file() else {}


def german(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """`values` with each translated field's key turned into its German column."""
    translated = translated_fields(model)
    return {
        f"{key}_{SOURCE_LANGUAGE}" if key in translated else key: value
        for key, value in values.items()
    }


def create_missing(
    report: Counter,
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    english: dict[str, str] | None = None,
) -> tuple[models.Model, bool]:
    """Create a record from `lookup` + `values` (German) unless one matches `lookup` already;
    `english` fills the English texts of a new record and the still empty ones of an old one."""
    lookup, values = german(model, lookup), german(model, values)
    instance = model.objects.filter(**lookup).first()
    if instance is not None:
        report[f"{model._meta.verbose_name_plural} kept"] += 1
        fill_missing_english(report, instance, english or {})
        return instance, False
    instance = model(**lookup, **values)
    for field, text in (english or {}).items():
        if field in translated_fields(model) and text:
            setattr(instance, f"{field}_en", text)
    instance.full_clean()
    instance.save()
    report[f"{model._meta.verbose_name_plural} created"] += 1
    return instance, True


def fill_missing_english(report: Counter, instance: models.Model, english: dict[str, str]) -> None:
    """Set the English texts of `instance` that are empty; keep every one that is not."""
    missing = [
        field
        for field, text in english.items()
        if text
        and field in translated_fields(type(instance))
        and not getattr(instance, f"{field}_en")
    ]
    if not missing:
        return
    columns = [f"{field}_en" for field in missing]
    for field, column in zip(missing, columns, strict=True):
        setattr(instance, column, english[field])
    # Only the new texts are checked: whatever staff saved in other fields stays as it is.
    others = [field.name for field in instance._meta.fields if field.name not in columns]
    instance.clean_fields(exclude=others)
    instance.validate_unique(exclude=others)
    instance.save(update_fields=columns)
    report[f"{type(instance)._meta.verbose_name_plural} English filled"] += 1
