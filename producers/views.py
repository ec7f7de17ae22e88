from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from fabtown.geojson import filtered_geojson_response
from fabtown.jsonld import json_ld
from producers.models import Producer
from producers.selectors import (
    directory_facets,
    producer_directory,
    producer_profile,
    producers_geojson,
)
from producers.structured_data import local_business

PAGE_SIZE = 24


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    filterset = producer_directory(params=request.GET)
    valid = filterset.is_valid()
    page = Paginator(filterset.qs if valid else Producer.objects.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filterset": filterset,
        "page": page,
        "facets": directory_facets(params=request.GET) if valid else {},
        "query": _query_without_page(request),
        "search": request.GET.get("q", ""),
        "sort": request.GET.get("sort", ""),
    }
    return render(request, "producers/directory.html", context, status=200 if valid else 400)


@require_GET
@gzip_page  # map data carries no secrets, so compressing it is safe (unlike pages, BREACH)
def directory_map(request: HttpRequest) -> HttpResponse:
    filterset = producer_directory(params=request.GET)
    return filtered_geojson_response(filterset, lambda qs: producers_geojson(queryset=qs))


@require_GET
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        producer = producer_profile(slug=slug)
    except Producer.DoesNotExist:
        raise Http404 from None
    structured = local_business(producer, url=request.build_absolute_uri())
    return render(
        request,
        "producers/profile.html",
        {"producer": producer, "json_ld": json_ld(structured)},
    )
