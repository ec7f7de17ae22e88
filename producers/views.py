from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_safe

from fabtown.answers import cache_anonymous_answer
from fabtown.geojson import filtered_geojson_response
from fabtown.jsonld import json_ld
from fabtown.paging import filtered_page
from producers.forms import ProducerProfileForm
from producers.models import Producer
from producers.selectors import (
    directory_counts,
    producer_directory,
    producer_of_account,
    producer_profile,
    producers_geojson,
)
from producers.services import producer_save
from producers.structured_data import local_business


@require_safe
@cache_anonymous_answer
def directory(request: HttpRequest) -> HttpResponse:
    filterset = producer_directory(params=request.GET)
    valid = filterset.is_valid()
    counts = directory_counts(filterset=filterset) if valid else None
    page, query = filtered_page(
        request, filterset, empty=Producer.objects.none(), count=counts and counts.total
    )
    context = {
        "filterset": filterset,
        "page": page,
        "facets": counts.facets if counts else {},
        "query": query,
        "search": request.GET.get("q", ""),
        "sort": request.GET.get("sort", ""),
    }
    return render(request, "producers/directory.html", context, status=200 if valid else 400)


@require_safe
@cache_anonymous_answer
@gzip_page  # map data carries no secrets, so compressing it is safe (unlike pages, BREACH)
def directory_map(request: HttpRequest) -> HttpResponse:
    filterset = producer_directory(params=request.GET)
    return filtered_geojson_response(filterset, lambda qs: producers_geojson(queryset=qs))


@require_safe
@cache_anonymous_answer
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


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    producer = producer_of_account(user=request.user, slug=slug)
    form = ProducerProfileForm(request.POST or None, instance=producer)
    if request.method == "POST" and form.is_valid():
        try:
            producer_save(producer=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("label:account")
    status = 400 if form.errors else 200
    return render(
        request, "producers/profile_edit.html", {"form": form, "producer": producer}, status=status
    )
