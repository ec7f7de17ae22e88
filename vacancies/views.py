from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from fabtown.geojson import filtered_geojson_response
from fabtown.paging import filtered_page
from vacancies.models import Site
from vacancies.selectors import site_list, site_on_offer, sites_geojson
from vacancies.selectors.statistics import public_chart_data, vacancy_overview, vacancy_surveys


@require_safe
@cache_anonymous_answer
def site_index(request: HttpRequest) -> HttpResponse:
    filterset = site_list(params=request.GET)
    page, query = filtered_page(request, filterset, empty=Site.objects.none())
    context = {"filterset": filterset, "page": page, "query": query}
    status = 200 if filterset.is_valid() else 400
    return render(request, "vacancies/list.html", context, status=status)


@require_safe
@cache_anonymous_answer
@gzip_page  # map data carries no secrets, so compressing it is safe (unlike pages, BREACH)
def site_map(request: HttpRequest) -> HttpResponse:
    filterset = site_list(params=request.GET)
    return filtered_geojson_response(filterset, lambda qs: sites_geojson(queryset=qs))


@require_safe
@cache_anonymous_answer
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        site = site_on_offer(pk=pk)
    except Site.DoesNotExist:
        raise Http404 from None
    return render(request, "vacancies/detail.html", {"site": site})


@require_safe
@cache_anonymous_answer
def site_statistics(request: HttpRequest) -> HttpResponse:
    """Vacancy against the 3 % reserve, today: counts only, no site or person named."""
    overview = vacancy_overview(on=timezone.localdate())
    context = {
        "overview": overview,
        "surveys": vacancy_surveys(on=overview.on),
        "charts": {"rate": public_chart_data(overview)},
    }
    return render(request, "vacancies/statistics.html", context)
