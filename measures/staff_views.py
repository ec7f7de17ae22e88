"""The staff's tracking pages (permission `measures.change_measure`), in the admin's look and
behind its login like the cadastre's dashboard and statistics: all measures by status with what
is overdue, and what changed since a date (for the next report)."""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from measures.models import Measure
from measures.selectors import changes_since, implementation_overview

PERMISSION = "measures.change_measure"
DEFAULT_CHANGES_DAYS = 30


class SinceForm(forms.Form):
    seit = forms.DateField(
        label=_("changes since"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("e.g. the date of the last report"),
    )

    def clean_seit(self):
        since = self.cleaned_data.get("seit")
        if since and since > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return since


def _context(request: HttpRequest, title: str) -> dict:
    return {**admin.site.each_context(request), "title": title, "opts": Measure._meta}


@require_safe
def implementation_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    context = {
        **_context(request, gettext("Implementation of the measures")),
        "overview": implementation_overview(on=timezone.localdate()),
    }
    return TemplateResponse(request, "measures/staff/implementation.html", context)


@require_safe
def changes_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    default = timezone.localdate() - datetime.timedelta(days=DEFAULT_CHANGES_DAYS)
    form = SinceForm(request.GET if "seit" in request.GET else None)
    valid = form.is_bound and form.is_valid()
    since = (form.cleaned_data.get("seit") if valid else None) or default
    if not form.is_bound:
        form = SinceForm(initial={"seit": default})
    context = {
        **_context(request, gettext("What changed since")),
        "form": form,
        "since": since,
        "groups": changes_since(since=since) if not form.errors else [],
    }
    status = 400 if form.errors else 200
    return TemplateResponse(request, "measures/staff/changes.html", context, status=status)


implementation = admin.site.admin_view(implementation_view)
changes = admin.site.admin_view(changes_view)
