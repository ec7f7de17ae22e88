from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from measures.candidates import candidate_places
from measures.filters import MeasureFilter, MeasureStepsFilter
from measures.models import (
    MATERIAL_COST_DEFINITIONS,
    PERSONNEL_COST_DEFINITIONS,
    Measure,
    TimeHorizon,
)
from measures.selectors import funding_measures, measures_for_steps, step_results


@require_safe
@cache_anonymous_answer
def catalogue(request: HttpRequest) -> HttpResponse:
    filterset = MeasureFilter(request.GET, queryset=Measure.objects.for_catalogue())
    valid = filterset.is_valid()
    # A list: the template counts it and groups it without querying again.
    measures = list(
        (filterset.qs if valid else Measure.objects.none()).order_by(
            "thematic_field__position", "position"
        )
    )
    context = {
        "filterset": filterset,
        "measures": measures,
        "definitions": {
            "personnel": PERSONNEL_COST_DEFINITIONS.items(),
            "material": MATERIAL_COST_DEFINITIONS.items(),
            "time": TimeHorizon.choices,
        },
    }
    return render(request, "measures/catalogue.html", context, status=200 if valid else 400)


@require_safe
@cache_anonymous_answer
def detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = Measure.objects.with_profile().filter(code=code).first()
    if measure is None:
        raise Http404
    return render(request, "measures/detail.html", {"measure": measure})


@require_safe
@cache_anonymous_answer
def steps(request: HttpRequest) -> HttpResponse:
    """The seven steps of chapter 6.1 as a guided choice: one GET form, every choice in the
    URL, the fitting measures in priority order."""
    filterset = MeasureStepsFilter(request.GET, queryset=measures_for_steps())
    valid = filterset.is_valid()
    chosen = filterset.form.cleaned_data if valid else {}
    actor_id = int(chosen["actor"]) if chosen.get("actor") else None
    measures = list(filterset.qs.in_priority_order()) if valid else []
    context = {
        "filterset": filterset,
        "submitted": bool(request.GET),
        "results": step_results(measures=measures, actor_id=actor_id),
        "funding": funding_measures(),
        "candidates": candidate_places(measures=measures),
        "space_measures": [measure for measure in measures if measure.needs_space],
        "criteria": _criteria(filterset.form, filterset.step_order) if valid else [],
        "definitions": {
            "personnel": PERSONNEL_COST_DEFINITIONS.items(),
            "material": MATERIAL_COST_DEFINITIONS.items(),
        },
    }
    return render(request, "measures/steps.html", context, status=200 if valid else 400)


def _criteria(form, order: list[str]) -> list[tuple[str, str]]:
    """The choices made, as "label: value" for the printed summary line."""
    criteria = []
    for name in order:
        field = form.fields[name]
        value = form.cleaned_data.get(name)
        if value in ("", None):
            continue
        labels = {str(key): label for key, label in field.choices}
        criteria.append((field.label, labels.get(str(value), value)))
    return criteria
