"""Reads of the measure catalogue: the seven steps of chapter 6.1 and the API's filters, the
overview pages (Abb. 19–22) and the Steckbrief downloads.

Range semantics, defined here once: a measure fits a limit when its rating's upper end is
within the limit ("low to medium" fits a "medium" budget, "medium to high" does not). A measure
the concept gives no rating for is included and shown as "no rating given" – never as "low".
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from measures.models import (
    CostLevel,
    Measure,
    MeasureActor,
    MeasureInteraction,
    MeasureQuerySet,
    Priority,
    TimeHorizon,
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
