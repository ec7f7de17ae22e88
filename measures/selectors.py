"""Reads of the measure catalogue: the seven steps of chapter 6.1 and the API's filters, the
overview pages (Abb. 19–22) and the Steckbrief downloads.

Range semantics, defined here once: a measure fits a limit when its rating's upper end is
within the limit ("low to medium" fits a "medium" budget, "medium to high" does not). A measure
the concept gives no rating for is included and shown as "no rating given" – never as "low".
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabtown.history import readable
from measures.models import (
    CostLevel,
    ImplementationStatus,
    Measure,
    MeasureActor,
    MeasureInteraction,
    MeasureOutcome,
    MeasureQuerySet,
    Office,
    Priority,
    TimeHorizon,
    TimelineEntry,
)

# The three ratings a limit applies to, by the prefix of their `_min`/`_max` fields.
RATINGS = ("personnel_cost", "material_cost", "time_horizon")

# The words of URLs and the API for the levels (the same as the API's output).
COST_LIMITS = {"low": CostLevel.LOW, "medium": CostLevel.MEDIUM, "high": CostLevel.HIGH}
TIME_LIMITS = {"short": TimeHorizon.SHORT, "medium": TimeHorizon.MEDIUM, "long": TimeHorizon.LONG}
PRIORITIES = {"high": Priority.HIGH, "medium": Priority.MEDIUM, "low": Priority.LOW}

# The funding measures of 4.1 (step 7: "how the costs are covered").
FUNDING_FIELD = "4.1"


def fits_limit(*, maximum: int | None, limit: int | None) -> bool:
    """Whether a rating whose upper end is `maximum` fits `limit`; no rating (None) fits, and
    no limit (None) lets everything through."""
    return limit is None or maximum is None or maximum <= limit


def within_limit_q(*, rating: str, limit: int) -> Q:
    """The same rule as `fits_limit`, for the database."""
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}")
    return Q(**{f"{rating}_max__lte": limit}) | Q(**{f"{rating}_max__isnull": True})


def measures_within_limits(
    queryset: QuerySet[Measure],
    *,
    max_personnel_cost: int | None = None,
    max_material_cost: int | None = None,
    max_time_horizon: int | None = None,
) -> QuerySet[Measure]:
    """The measures whose ratings fit every limit given (None: no limit)."""
    limits = {
        "personnel_cost": max_personnel_cost,
        "material_cost": max_material_cost,
        "time_horizon": max_time_horizon,
    }
    for rating, limit in limits.items():
        if limit is not None:
            queryset = queryset.filter(within_limit_q(rating=rating, limit=limit))
    return queryset


def priority_q(*, priority: int | None) -> Q:
    """Exactly this priority; None means "not set" (the API's `priority=none`)."""
    return Q(priority__isnull=True) if priority is None else Q(priority=priority)


def at_least_priority_q(*, minimum: int) -> Q:
    """This priority or a higher one (a smaller number); a measure without one does not count."""
    return Q(priority__lte=minimum)


def measures_for_steps() -> QuerySet[Measure]:
    """What a result of the guided choice shows: the measure, its field and its actors in the
    concept's order (the lead marked)."""
    return Measure.objects.select_related("thematic_field").prefetch_related(
        Prefetch("actor_links", MeasureActor.objects.select_related("actor"))
    )


def funding_measures() -> list[Measure]:
    """Step 7, "how the costs are covered": the funding measures of 4.1."""
    return list(
        Measure.objects.filter(thematic_field__code=FUNDING_FIELD).order_by("position", "code")
    )


@dataclass(frozen=True)
class Rating:
    label: str
    value: str  # empty: the concept gives no rating


@dataclass(frozen=True)
class StepResult:
    """A measure as the result of the guided choice shows it."""

    measure: Measure
    ratings: list[Rating]
    # Step 5: everyone else involved, in the concept's order; (name, is_lead)
    other_actors: list[tuple[str, bool]]
    chosen_actor_leads: bool


def step_results(*, measures: Sequence[Measure], actor_id: int | None) -> list[StepResult]:
    """The rows of the result, from measures read with `measures_for_steps()` (no query)."""
    results = []
    for measure in measures:
        links = list(measure.actor_links.all())
        results.append(
            StepResult(
                measure=measure,
                ratings=[
                    Rating(_("Personnel cost"), _label(measure, "personnel_cost")),
                    Rating(_("Material cost"), _label(measure, "material_cost")),
                    Rating(_("Time horizon"), _label(measure, "time_horizon")),
                ],
                other_actors=[
                    (link.actor.name, link.is_lead) for link in links if link.actor_id != actor_id
                ],
                chosen_actor_leads=any(
                    link.is_lead and link.actor_id == actor_id for link in links
                ),
            )
        )
    return results


def _label(measure: Measure, rating: str) -> str:
    if getattr(measure, f"{rating}_max") is None:
        return ""
    return getattr(measure, f"{rating}_label")


# --- The overview figures and the Steckbrief downloads (issue 13) ---


def measures_in_concept_order():
    """The measures with their thematic fields, as the concept lists them (4.1.1 … 4.10.1)."""
    return Measure.objects.for_catalogue().order_by("thematic_field__position", "position")


def measures_with_actors() -> list[Measure]:
    """The measures in the concept's order with their actors in the printed order (the first
    one is the lead): two queries."""
    return list(
        measures_in_concept_order().prefetch_related(
            Prefetch("actor_links", MeasureActor.objects.select_related("actor"))
        )
    )


def measures_with_interactions() -> list[Measure]:
    """The measures in the concept's order with their outgoing interactions (the Steckbrief's
    "Wechselwirkung mit anderen Maßnahmen") in the printed order: two queries. The targets are
    looked up in the list itself, so they cost nothing more."""
    return list(
        measures_in_concept_order().prefetch_related(
            Prefetch(
                "interaction_links",
                MeasureInteraction.objects.only(
                    "id", "from_measure_id", "to_measure_id", "position", "reconstructed"
                ),
            )
        )
    )


# --- Steckbrief PDF and catalogue CSV (issue 13) ---------------------------------------------


def profiles_in_concept_order() -> MeasureQuerySet:
    """Every measure with all its profile shows, in the concept's order: a constant number of
    queries however many measures (the lists prefetched in their printed order)."""
    return Measure.objects.with_profile().order_by("thematic_field__position", "position")


def profile(code: str) -> Measure | None:
    return Measure.objects.with_profile().filter(code=code).first()


# --- The staff's tracking pages: the measures by status with what is overdue, and what
# changed since a date (from django-simple-history) ---


# Tracking counts as stale after this many days when no office is responsible (the office's
# own default).
DEFAULT_STALE_AFTER_DAYS = Office._meta.get_field("stale_after_days").default

_NOT_STARTED = [ImplementationStatus.NOT_STARTED, ImplementationStatus.PLANNED]
_FINISHED = [ImplementationStatus.COMPLETED, ImplementationStatus.DROPPED]


def measures_with_tracking_flags(*, on: datetime.date, now: datetime.datetime | None = None):
    """Every measure with three flags computed in the database (one query), by the same rules
    the reminders follow (`MeasureQuerySet.with_reminder_reasons`): `start_overdue`,
    `end_overdue` and `stale`. `now` defaults to the end of the day `on`."""
    if now is None:
        now = timezone.make_aware(datetime.datetime.combine(on, datetime.time(23, 59, 59)))
    return (
        Measure.objects.select_related("thematic_field", "responsible_office")
        .with_reminder_reasons(now=now)
        .annotate(
            start_overdue=F("reminder_overdue_start"),
            end_overdue=F("reminder_overdue_end"),
            stale=F("reminder_stale"),
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
