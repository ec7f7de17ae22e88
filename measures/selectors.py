"""Reads for the measures' pages that need more than one queryset method."""

from django.db.models import Prefetch

from measures.models import Measure, MeasureActor, MeasureInteraction, MeasureQuerySet


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
