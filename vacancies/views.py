from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from fabtown.geojson import filtered_geojson_response
from fabtown.paging import filtered_page
from vacancies.models import Site
from vacancies.selectors import site_list, site_on_offer, sites_geojson


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
