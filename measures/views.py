from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from measures import exports, overviews, pdf, selectors
from measures.candidates import candidate_places
from measures.filters import MeasureFilter, MeasureStepsFilter
from measures.models import (
    MATERIAL_COST_DEFINITIONS,
    PERSONNEL_COST_DEFINITIONS,
    Measure,
    TimeHorizon,
)
from measures.outcomes import attach_public_outcomes
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
    attach_public_outcomes([measure])
    return render(request, "measures/detail.html", {"measure": measure})


# --- The overview figures of chapter 4.11 (Abb. 19–22) as pages: measures/overviews.py ---
# --- Steckbrief PDF and catalogue CSV (issue 13) ---------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # inline: the browser shows it and offers to save it under this name
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@cache_anonymous_answer
def overview_index(request: HttpRequest) -> HttpResponse:
    return render(request, "measures/overview_index.html")


def profile_pdf(request: HttpRequest, code: str) -> HttpResponse:
    measure = selectors.profile(code)
    if measure is None:
        raise Http404
    return _pdf(
        pdf.profile_pdf(measure),
        pgettext("profile", "profile-%(code)s.pdf") % {"code": measure.code},
    )


@require_safe
@cache_anonymous_answer
def overview_actors(request: HttpRequest) -> HttpResponse:
    matrices = overviews.actor_matrices(selectors.measures_with_actors())
    return render(request, "measures/overview_actors.html", {"matrices": matrices})


def profiles_pdf(request: HttpRequest) -> HttpResponse:
    return _pdf(
        pdf.catalogue_pdf(selectors.profiles_in_concept_order()),
        pgettext("profile", "fabtown-measure-profiles.pdf"),
    )


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


def catalogue_csv(request: HttpRequest) -> HttpResponse:
    return exports.catalogue_csv(
        selectors.profiles_in_concept_order(),
        url_of=lambda measure: request.build_absolute_uri(
            reverse("measures:detail", args=[measure.code])
        ),
        filename=pgettext("profile", "fabtown-measures.csv"),
    )


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
