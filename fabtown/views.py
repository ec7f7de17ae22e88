from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.defaults import page_not_found

from fabtown.forms import AccessibilityFeedbackForm
from fabtown.selectors import home_figures, newest_members
from fabtown.services import accessibility_feedback_submit


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {"figures": home_figures(), "members": newest_members()}
    return render(request, "home.html", context)


@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    context = {
        "operator_name": settings.OPERATOR_NAME,
        "operator_address": settings.OPERATOR_ADDRESS,
    }
    return render(request, "pages/imprint.html", context)


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html", {"operator_name": settings.OPERATOR_NAME})


@require_http_methods(["GET", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accessibility_feedback_submit(**form.cleaned_data)
        messages.success(request, _("Thank you. Your report has been passed on."))
        return redirect("pages:accessibility")
    status = 400 if request.method == "POST" else 200
    return render(request, "pages/accessibility.html", {"form": form}, status=status)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 in the format the caller speaks: JSON under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
