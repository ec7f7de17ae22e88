from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from measures.filters import MeasureFilter
from measures.models import (
    MATERIAL_COST_DEFINITIONS,
    PERSONNEL_COST_DEFINITIONS,
    Measure,
    TimeHorizon,
)
from measures.outcomes import attach_public_outcomes


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
    attach_public_outcomes([measure])
    return render(request, "measures/detail.html", {"measure": measure})
