"""The admin's history (django-simple-history) in words staff read: choice labels instead of
stored codes ("frei", not "vacant"), "ja"/"nein", numbers, amounts and dates in the active
language's format, and "—" where a value was empty (never "None")."""

import datetime
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from simple_history.template_utils import HistoricalRecordContextHelper

from fabtown import numbers

EMPTY = "—"


def readable(field: models.Field, value) -> str:
    """One stored value of `field` as the admin shows it."""
    if isinstance(value, list):  # many-to-many: the related objects' names
        return ", ".join(str(item) for item in value) or EMPTY
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | float) and "eur" in field.name.split("_"):
        return numbers.money(value)
    if isinstance(value, Decimal | float | int):
        return numbers.number(value)
    if isinstance(value, GEOSGeometry):
        if value.geom_type == "Point":
            return f"{numbers.number(value.y, 5)} / {numbers.number(value.x, 5)}"
        return gettext("shape with %(count)s points") % {"count": value.num_points}
    return str(value)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return readable(self.model._meta.get_field(change.field), value)
