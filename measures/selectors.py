"""Reads for the staff's tracking pages: the measures by status with what is overdue, and what
changed since a date (from django-simple-history)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    BooleanField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from fabtown.history import readable
from measures.models import (
    ImplementationStatus,
    Measure,
    MeasureOutcome,
    Office,
    TimelineEntry,
)

# Tracking counts as stale after this many days when no office is responsible (the office's
# own default).
DEFAULT_STALE_AFTER_DAYS = Office._meta.get_field("stale_after_days").default

_NOT_STARTED = [ImplementationStatus.NOT_STARTED, ImplementationStatus.PLANNED]
_FINISHED = [ImplementationStatus.COMPLETED, ImplementationStatus.DROPPED]


def measures_with_tracking_flags(*, on: datetime.date, now: datetime.datetime | None = None):
    """Every measure with three flags computed in the database (one query): `start_overdue`
    (the planned start has passed and it has not started), `end_overdue` (the planned end has
    passed and it is neither completed nor dropped) and `stale` (the tracking was not updated
    within the responsible office's `stale_after_days`, or never though an office is
    responsible)."""
    now = now or timezone.now()
    stale_after = ExpressionWrapper(
        Coalesce(F("responsible_office__stale_after_days"), Value(DEFAULT_STALE_AFTER_DAYS))
        * Value(datetime.timedelta(days=1)),
        output_field=DurationField(),
    )
    return (
        Measure.objects.select_related("thematic_field", "responsible_office")
        .annotate(
            start_overdue=ExpressionWrapper(
                Q(planned_start__lt=on, implementation_status__in=_NOT_STARTED),
                output_field=BooleanField(),
            ),
            end_overdue=ExpressionWrapper(
                Q(planned_end__lt=on) & ~Q(implementation_status__in=_FINISHED),
                output_field=BooleanField(),
            ),
            stale=ExpressionWrapper(
                Q(tracking_updated_at__isnull=True, responsible_office__isnull=False)
                | Q(tracking_updated_at__lt=Value(now) - stale_after),
                output_field=BooleanField(),
            ),
        )
        .order_by("thematic_field__position", "position", "code")
    )


@dataclass
class ImplementationOverview:
    on: datetime.date
    by_status: list[tuple[str, str, list[Measure]]]  # (value, label, measures)
    overdue: list[Measure]
    stale: list[Measure]


def implementation_overview(*, on: datetime.date) -> ImplementationOverview:
    measures = list(measures_with_tracking_flags(on=on))
    groups: dict[str, list[Measure]] = defaultdict(list)
    for measure in measures:
        groups[measure.implementation_status].append(measure)
    return ImplementationOverview(
        on=on,
        by_status=[
            (value, label, groups[value])
            for value, label in ImplementationStatus.choices
            if groups[value]
        ],
        overdue=[m for m in measures if m.start_overdue or m.end_overdue],
        stale=[m for m in measures if m.stale and m.implementation_status not in _FINISHED],
    )


# --- What changed since --------------------------------------------------------------------------

# Kept by the system, not decided by anyone: not listed as changes.
_SKIPPED_FIELDS = {"id", "tracking_updated_at"}


@dataclass
class Change:
    when: datetime.datetime
    who: str
    what: str  # "measure", "timeline entry", "outcome"
    record: str
    field: str  # verbose name, or "" for an added or deleted record
    old: str
    new: str


@dataclass
class MeasureChanges:
    measure: Measure
    changes: list[Change] = field(default_factory=list)


def _diffed_fields(model: type[models.Model]) -> list[models.Field]:
    """The concrete fields worth comparing; of a translated field, its per-language columns
    (the original column only mirrors one of them)."""
    from fabtown.content_translation import translated_fields

    translated = set(translated_fields(model))
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in _SKIPPED_FIELDS and f.name not in translated
    ]


def _who(row) -> str:
    user = row.history_user
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _related_names(rows, fields) -> dict[tuple[type[models.Model], object], str]:
    """Names of the records foreign keys point to: one query per related model."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for row in rows:
        for f in fields:
            if f.is_relation and getattr(row, f.attname) is not None:
                wanted[f.related_model].add(getattr(row, f.attname))
    names = {}
    for model, ids in wanted.items():
        for record in model._default_manager.filter(pk__in=ids):
            names[(model, record.pk)] = str(record)
    return names


def _value(f: models.Field, row, names) -> str:
    value = getattr(row, f.attname)
    if f.is_relation and value is not None:
        return names.get((f.related_model, value), str(value))
    return readable(f, value)


def _changes_of(model, since: datetime.datetime, *, measure_of, describe):
    """(measure id, Change) for each change of `model`'s records since `since`: every history
    row of the records that changed, in order, compared with the row before (one query)."""
    history = model.history.model
    fields = [f for f in _diffed_fields(model) if f.name != "measure"]
    changed_ids = history.objects.filter(history_date__gte=since).values("id")
    rows = list(
        history.objects.filter(id__in=changed_ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    names = _related_names(rows, fields)
    what = str(model._meta.verbose_name)
    previous = None
    for row in rows:
        before = previous if previous is not None and previous.id == row.id else None
        previous = row
        if row.history_date < since:
            continue
        base = {"when": row.history_date, "who": _who(row), "what": what, "record": describe(row)}
        if row.history_type == "+" or before is None:
            yield measure_of(row), Change(**base, field="", old="", new=str(_added_label()))
            continue
        if row.history_type == "-":
            yield measure_of(row), Change(**base, field="", old="", new=str(_deleted_label()))
            continue
        for f in fields:
            old, new = _value(f, before, names), _value(f, row, names)
            if old != new:
                yield measure_of(row), Change(**base, field=str(f.verbose_name), old=old, new=new)


def _added_label():
    from django.utils.translation import gettext

    return gettext("added")


def _deleted_label():
    from django.utils.translation import gettext

    return gettext("deleted")


def changes_since(*, since: datetime.date) -> list[MeasureChanges]:
    """Every change of the measures' tracking, ratings and texts, their timeline entries and
    outcomes since the start of `since` (local time), grouped by measure in catalogue order,
    the latest first within each. A fixed number of queries, whatever the number of changes."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    grouped: dict[int, list[Change]] = defaultdict(list)
    sources = [
        (Measure, lambda row: row.id, lambda row: ""),
        (TimelineEntry, lambda row: row.measure_id, lambda row: f"{row.date:%Y-%m-%d} {row.title}"),
        (
            MeasureOutcome,
            lambda row: row.measure_id,
            lambda row: f"{ContentType.objects.get_for_id(row.content_type_id)} {row.object_id}",
        ),
    ]
    for model, measure_of, describe in sources:
        for measure_id, change in _changes_of(
            model, start, measure_of=measure_of, describe=describe
        ):
            grouped[measure_id].append(change)
    measures = Measure.objects.filter(pk__in=grouped).order_by(
        "thematic_field__position", "position"
    )
    return [
        MeasureChanges(
            measure=measure,
            changes=sorted(grouped[measure.pk], key=lambda change: change.when, reverse=True),
        )
        for measure in measures
    ]
