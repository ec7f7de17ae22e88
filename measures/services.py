import datetime
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from fabtown.validation import save_validated
from measures.models import Measure, MeasureOutcome, Office, TimelineEntry

erasure_log = logging.getLogger("fabtown.erasure")

# What staff keep current; the catalogue's own text is the concept's and changes in the admin.
# The priority's reason is written in the active language (`priority_reason`) or, by the
# spreadsheet import (measures/resources.py), as the German text (`priority_reason_de`).
TRACKING_FIELDS = (
    "implementation_status",
    "responsible_office",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "progress",
    "priority",
    "priority_reason",
    "priority_reason_de",
)
_TEXTS = ("priority_reason", "priority_reason_de")


def _current(measure: Measure, field: str):
    if field == "responsible_office":
        return measure.responsible_office_id
    return getattr(measure, field)


def _comparable(field: str, value):
    """The value as stored, so that "40" equals 40 and "2026-03-01" the date (an import
    passes text)."""
    if field == "responsible_office":
        return getattr(value, "pk", value)
    if field in _TEXTS:
        return value or ""
    try:
        return Measure._meta.get_field(field).to_python(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@transaction.atomic
def measure_update_tracking(*, measure: Measure, by: AbstractBaseUser | None, **changes) -> Measure:
    """Update a measure's implementation tracking (and priority), validated, with `by` in its
    history and `tracking_updated_at` set. Values equal to the stored ones change nothing: no
    history row and no new timestamp, so that a round trip of an export is silent."""
    unknown = set(changes) - set(TRACKING_FIELDS)
    if unknown:
        raise TypeError(f"Not tracking fields: {sorted(unknown)}")
    changed = {
        field: value
        for field, value in changes.items()
        if _comparable(field, value) != _comparable(field, _current(measure, field))
    }
    if not changed:
        return measure
    for field, value in changed.items():
        setattr(
            measure, field, value if field == "responsible_office" else _comparable(field, value)
        )
    measure.tracking_updated_at = timezone.now()
    return save_validated(measure, by=by)


def measure_tracking_touched(measure: Measure) -> None:
    """A timeline change is a tracking update; the entry's own history records who did it, so
    the measure gets no history row of its own for the timestamp."""
    measure.tracking_updated_at = timezone.now()
    Measure.objects.filter(pk=measure.pk).update(tracking_updated_at=measure.tracking_updated_at)


@transaction.atomic
def timeline_entry_add(
    *,
    measure: Measure,
    by: AbstractBaseUser | None,
    date: datetime.date,
    title: str,
    text: str = "",
    url: str = "",
    document: File | None = None,
    title_en: str | None = None,
    text_en: str | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(measure=measure, date=date, title=title, text=text, url=url)
    if document is not None:
        entry.document = document
    if title_en is not None:
        entry.title_en = title_en or None
    if text_en is not None:
        entry.text_en = text_en or None
    save_validated(entry, by=by)
    measure_tracking_touched(measure)
    return entry


_TIMELINE_FIELDS = {"date", "title", "text", "url", "document", "title_en", "text_en"}


@transaction.atomic
def timeline_entry_update(
    *, entry: TimelineEntry, by: AbstractBaseUser | None, **changes
) -> TimelineEntry:
    unknown = set(changes) - _TIMELINE_FIELDS
    if unknown:
        raise TypeError(f"Not timeline fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(entry, field, value)
    save_validated(entry, by=by)
    measure_tracking_touched(entry.measure)
    return entry


@transaction.atomic
def timeline_entry_delete(*, entry: TimelineEntry, by: AbstractBaseUser | None) -> None:
    measure = entry.measure
    entry._history_user = by
    entry.delete()
    measure_tracking_touched(measure)


@transaction.atomic
def measure_outcome_add(
    *, measure: Measure, by: AbstractBaseUser | None, record, note: str = "", position: int = 0
) -> MeasureOutcome:
    """Link a record (of a kind registered in measures/outcomes.py) as an outcome."""
    outcome = MeasureOutcome(measure=measure, record=record, note=note, position=position)
    save_validated(outcome, by=by)
    measure_tracking_touched(measure)
    return outcome


@transaction.atomic
def measure_outcome_delete(*, outcome: MeasureOutcome, by: AbstractBaseUser | None) -> None:
    measure = outcome.measure
    outcome._history_user = by
    outcome.delete()
    measure_tracking_touched(measure)


def office_lead_erase(*, office_id: int, by: AbstractBaseUser | None) -> int:
    """Erase the name and e-mail of an office's lead (DSGVO Art. 17) from the record and every
    row of its history. Returns the rows changed."""
    blank = {"lead_name": "", "lead_email": ""}
    changed = Office.history.filter(id=office_id).update(**blank)
    changed += Office.objects.filter(pk=office_id).update(**blank)
    who = f"user {by.pk}" if by is not None else "a command"
    erasure_log.info("Lead of office %s erased (%s rows) by %s.", office_id, changed, who)
    return changed
