from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from fabtown.answers import cache_anonymous_answer
from fabtown.geojson import filtered_geojson_response
from fabtown.paging import filtered_page
from vacancies import expose
from vacancies.models import Site
from vacancies.selectors import (
    interim_uses_of_site,
    site_list,
    site_on_offer,
    sites_geojson,
)


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
    site = _site_or_404(pk)
    context = {
        "site": site,
        "search_areas": expose.search_area_names(site),
        "interim_uses": interim_uses_of_site(site=site),
        "contact": expose.expose_contact(site),
    }
    return render(request, "vacancies/detail.html", context)


def _site_or_404(pk: int) -> Site:
    try:
        return site_on_offer(pk=pk)
    except Site.DoesNotExist:
        raise Http404 from None


def _page_url(request: HttpRequest, site: Site) -> str:
    return request.build_absolute_uri(reverse("vacancies:detail", args=[site.pk]))


@require_safe
@cache_anonymous_answer
def site_expose(request: HttpRequest, pk: int) -> HttpResponse:
    """The exposé as a page to print (one or two A4 pages, see vacancies/expose.css)."""
    site = _site_or_404(pk)
    url = _page_url(request, site)
    context = {
        "site": site,
        "facts": expose.expose_facts(site),
        "address_lines": expose.address_lines(site),
        "map": expose.site_map(site),
        "contact": expose.expose_contact(site),
        "page_url": url,
        "qr_svg": mark_safe(expose.qr_svg(url)),  # segno's own SVG of our URL
    }
    return render(request, "vacancies/expose.html", context)


@require_safe
@cache_anonymous_answer
def site_expose_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_or_404(pk)
    pdf = expose.expose_pdf(site=site, url=_page_url(request, site))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="expose-{site.pk}.pdf"'
    return response
