from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from measures import overviews, selectors
from measures.filters import MeasureFilter
from measures.models import (
    MATERIAL_COST_DEFINITIONS,
    PERSONNEL_COST_DEFINITIONS,
    Measure,
    TimeHorizon,
)


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


# --- The overview figures of chapter 4.11 (Abb. 19–22) as pages: measures/overviews.py ---


@require_safe
@cache_anonymous_answer
def overview_index(request: HttpRequest) -> HttpResponse:
    return render(request, "measures/overview_index.html")


@require_safe
@cache_anonymous_answer
def overview_actors(request: HttpRequest) -> HttpResponse:
    matrices = overviews.actor_matrices(selectors.measures_with_actors())
    return render(request, "measures/overview_actors.html", {"matrices": matrices})


@require_safe
@cache_anonymous_answer
def overview_time_cost(request: HttpRequest) -> HttpResponse:
    measures = list(selectors.measures_in_concept_order())
    context = {
        "measures": measures,
        "parts": overviews.time_cost_parts(measures),
        "time_columns": overviews.time_horizon_columns(),
    }
    return render(request, "measures/overview_time_cost.html", context)


@require_safe
@cache_anonymous_answer
def overview_interactions(request: HttpRequest) -> HttpResponse:
    network = overviews.interaction_network(selectors.measures_with_interactions())
    return render(request, "measures/overview_interactions.html", {"network": network})
