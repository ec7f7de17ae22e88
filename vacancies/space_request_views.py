"""The public doors of space requests: the form, its thank-you page, and the requester's own
renew and withdraw pages (reached by the token links in their e-mails).

None of these answers is ever cached (never_cache; fabtown.answers only caches decorated views):
they carry a form's security token or a request reached by its secret link. GET never changes
anything: e-mail scanners and link previews open links; a button sends the POST.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from fabtown import errors, ratelimit
from vacancies.models import CadastreSettings, SpaceRequest, SpaceRequestSource
from vacancies.services.space_requests import (
    CLOSED_STATUSES,
    space_request_create,
    space_request_renew,
    space_request_withdraw_by_requester,
)
from vacancies.space_request_forms import SpaceRequestForm


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def space_request_form(request: HttpRequest) -> HttpResponse:
    form = SpaceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only requests that would be stored count, so corrections do not use up the limit.
        limit, window = settings.SPACE_REQUEST_RATE
        retry_after = ratelimit.consume(
            action="space-request",
            key=request.META.get("REMOTE_ADDR", ""),
            limit=limit,
            window_seconds=window,
        )
        if retry_after:
            return _too_many_requests(request, form, retry_after=retry_after)
        try:
            space_request_create(
                data=form.service_data(),
                by=None,
                source=SpaceRequestSource.PUBLIC_FORM,
                language=get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("vacancies:request_thanks")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, status=status)


def _form_page(request: HttpRequest, form, *, status: int = 200, too_many: str = ""):
    periods = CadastreSettings.current()
    context = {
        "form": form,
        "too_many": too_many,
        "retention_days": periods.request_retention_days,
        "validity_days": periods.request_validity_days,
    }
    return render(request, "vacancies/space_request_form.html", context, status=status)


def _too_many_requests(request: HttpRequest, form, *, retry_after: int) -> HttpResponse:
    """The form again with everything typed, saying when it can be sent."""
    too_many = " ".join(
        [
            _("Several requests were sent from your connection in a short time."),
            errors.try_again_message(retry_after_seconds=retry_after),
            _("Everything you entered is kept in the form."),
        ]
    )
    response = _form_page(request, form, too_many=too_many)
    return errors.mark_too_many_requests(response, retry_after_seconds=retry_after)


@never_cache
@require_safe
def space_request_thanks(request: HttpRequest) -> HttpResponse:
    # Says nothing about the request: the page is the same for everyone.
    return render(request, "vacancies/space_request_thanks.html")


def _by_token(token) -> SpaceRequest:
    try:
        return SpaceRequest.objects.only(
            "title", "status", "expires_on", "personal_data_erased_at", "token"
        ).get(token=token)
    except SpaceRequest.DoesNotExist:
        raise Http404 from None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def space_request_renew_page(request: HttpRequest, token) -> HttpResponse:
    space_request = _by_token(token)
    refusal = ""
    if request.method == "POST":
        try:
            space_request_renew(token=token)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("Thank you: your request was renewed."))
            return redirect("vacancies:request_renew", token=token)
    context = {"space_request": space_request, "refusal": refusal, "action": "renew"}
    context["can_act"] = _is_renewable(space_request)
    status = 400 if refusal else 200
    return render(request, "vacancies/space_request_manage.html", context, status=status)


def _is_renewable(space_request: SpaceRequest) -> bool:
    return (
        space_request.personal_data_erased_at is None
        and space_request.status not in CLOSED_STATUSES
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def space_request_withdraw_page(request: HttpRequest, token) -> HttpResponse:
    space_request = _by_token(token)
    if request.method == "POST":
        space_request_withdraw_by_requester(token=token)
        messages.success(request, _("Your request was withdrawn. Thank you for telling us."))
        return redirect("vacancies:request_withdraw", token=token)
    context = {
        "space_request": space_request,
        "action": "withdraw",
        "can_act": space_request.status not in CLOSED_STATUSES,
    }
    return render(request, "vacancies/space_request_manage.html", context)
