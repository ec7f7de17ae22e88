from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from fabtown.geojson import filtered_geojson_response
from vacancies.models import Site
from vacancies.selectors import site_list, site_on_offer, sites_geojson

PAGE_SIZE = 24


@require_GET
def site_index(request: HttpRequest) -> HttpResponse:
    filterset = site_list(params=request.GET)
    valid = filterset.is_valid()
    sites = filterset.qs if valid else Site.objects.none()
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filterset": filterset,
        "page": Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": params.urlencode(),
    }
    return render(request, "vacancies/list.html", context, status=200 if valid else 400)


@require_GET
@gzip_page  # map data carries no secrets, so compressing it is safe (unlike pages, BREACH)
def site_map(request: HttpRequest) -> HttpResponse:
    filterset = site_list(params=request.GET)
    return filtered_geojson_response(filterset, lambda qs: sites_geojson(queryset=qs))


@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        site = site_on_offer(pk=pk)
    except Site.DoesNotExist:
        raise Http404 from None
    return render(request, "vacancies/detail.html", {"site": site})
