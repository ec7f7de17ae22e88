from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_safe

from fabtown import errors
from fabtown.answers import cache_anonymous_answer
from fabtown.geojson import filtered_geojson_response
from fabtown.paging import filtered_page
from vacancies import expose
from vacancies.forms import SiteReportForm
from vacancies.models import Site
from vacancies.selectors import (
    interim_uses_of_site,
    site_list,
    site_on_offer,
    sites_geojson,
)
from vacancies.selectors.statistics import public_chart_data, vacancy_overview, vacancy_surveys
from vacancies.services.verification import SiteNotReportable, TooManyReports, site_report_create


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


# --- Ground truth from the street (issue 11) -------------------------------------------------


def _reportable_site(pk: int) -> Site:
    site = Site.objects.on_offer().only("id", "name").filter(pk=pk).first()
    if site is None:
        raise Http404
    return site


@require_http_methods(["GET", "HEAD", "POST"])
def site_report(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Is this space no longer available?": no account, no personal data. Not a cached answer
    (the form carries a CSRF token); reading it changes nothing."""
    site = _reportable_site(pk)
    form = SiteReportForm(request.POST if request.method == "POST" else None)
    context = {"site": site, "form": form}
    if request.method != "POST":
        return render(request, "vacancies/report_form.html", context)
    if form.is_valid():
        try:
            site_report_create(
                site=site,
                message=form.cleaned_data["message"],
                client_key=request.META.get("REMOTE_ADDR", ""),
            )
        except SiteNotReportable:
            raise Http404 from None
        except TooManyReports as limit:
            context["too_many"] = " ".join(
                [
                    _("You have sent several reports in a short time."),
                    errors.try_again_message(retry_after_seconds=limit.retry_after),
                    _("Your text is kept in the form."),
                ]
            )
            response = render(request, "vacancies/report_form.html", context)
            return errors.mark_too_many_requests(response, retry_after_seconds=limit.retry_after)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("vacancies:report_thanks", pk=site.pk)
    return render(request, "vacancies/report_form.html", context, status=400)


@require_safe
@cache_anonymous_answer
def site_report_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    site = Site.objects.published().only("id", "name").filter(pk=pk).first()
    if site is None:
        raise Http404
    return render(request, "vacancies/report_thanks.html", {"site": site})


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
