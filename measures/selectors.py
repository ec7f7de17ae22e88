from measures.models import Measure, MeasureQuerySet

# --- Steckbrief PDF and catalogue CSV (issue 13) ---------------------------------------------


def profiles_in_concept_order() -> MeasureQuerySet:
    """Every measure with all its profile shows, in the concept's order: a constant number of
    queries however many measures (the lists prefetched in their printed order)."""
    return Measure.objects.with_profile().order_by("thematic_field__position", "position")


def profile(code: str) -> Measure | None:
    return Measure.objects.with_profile().filter(code=code).first()
