from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fabtown.validation import save_validated
from measures.models import Measure

# What staff keep current; the catalogue's own text is the concept's and changes in the admin.
TRACKING_FIELDS = ("implementation_status", "responsible_office")
# i13-reminders: the spreadsheet import (measures/resources.py) writes these too; the tracking
# helper's branch extends TRACKING_FIELDS itself: at the merge keep the union.
TRACKING_FIELDS += (
    "planned_start", "planned_end", "actual_start", "actual_end", "progress", "priority",
    "priority_reason_de",
)  # fmt: skip


@transaction.atomic
def measure_update_tracking(
    *, measure: Measure, by: AbstractBaseUser | None, **changes: str
) -> Measure:
    """Update a measure's implementation tracking, validated, with `by` in its history."""
    unknown = set(changes) - set(TRACKING_FIELDS)
    if unknown:
        raise TypeError(f"Not tracking fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(measure, field, value)
    return save_validated(measure, by=by)
