from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fabtown import errors, ratelimit
from fabtown.answers import cache_anonymous_answer
from fabtown.forms import AccessibilityFeedbackForm
from fabtown.selectors import home_figures, newest_members
from fabtown.services import accessibility_feedback_submit


@require_safe
@cache_anonymous_answer
def home(request: HttpRequest) -> HttpResponse:
    context = {"figures": home_figures(), "members": newest_members()}
    return render(request, "home.html", context)


@require_safe
@cache_anonymous_answer
def imprint(request: HttpRequest) -> HttpResponse:
    context = {
        "operator_name": settings.OPERATOR_NAME,
        "operator_address": settings.OPERATOR_ADDRESS,
    }
    return render(request, "pages/imprint.html", context)


@require_safe
@cache_anonymous_answer
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html", {"operator_name": settings.OPERATOR_NAME})


@require_http_methods(["GET", "HEAD", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only reports that would be stored and mailed count, so typos do not use up the limit.
        limit, window = settings.FEEDBACK_RATE
        client = request.META.get("REMOTE_ADDR", "")
        retry_after = ratelimit.consume(
            action="accessibility-feedback", key=client, limit=limit, window_seconds=window
        )
        if retry_after:
            return _too_many_reports(request, form, retry_after=retry_after)
        accessibility_feedback_submit(**form.cleaned_data)
        messages.success(request, _("Thank you. Your report has been passed on."))
        return redirect("pages:accessibility")
    status = 400 if request.method == "POST" else 200
    return render(request, "pages/accessibility.html", {"form": form}, status=status)


def _too_many_reports(request: HttpRequest, form, *, retry_after: int) -> HttpResponse:
    """The form again with what was typed, saying when the next report can be sent."""
    too_many = " ".join(
        [
            _("You have sent several reports in a short time."),
            errors.try_again_message(retry_after_seconds=retry_after),
            _("Your text is kept in the form."),
        ]
    )
    context = {"form": form, "too_many": too_many}
    response = render(request, "pages/accessibility.html", context)
    return errors.mark_too_many_requests(response, retry_after_seconds=retry_after)


@require_safe
def bench_hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the cheapest answer through the same server and middleware.
    Routed only when BENCH_HELLO is set (scripts/bench.py), never in normal production."""
    return HttpResponse("Hello, world.\n", content_type="text/plain; charset=utf-8")
