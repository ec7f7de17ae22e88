"""The fixed update cycle in the admin (issue 11): the office's working list at
/admin/vacancies/dashboard/ (overdue records by age, reports from the street to check), the
"due for verification" filter and the "verified" action of the site list, and the list of
reports."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from vacancies.models import Site, SiteReport, SiteReportStatus
from vacancies.selectors.verification import (
    STATUSES_TO_VERIFY,
    open_site_reports,
    overdue_sites,
    with_due_date,
)
from vacancies.services.verification import CONFIRMED_STATUSES, site_report_handle, site_verify

PERMISSION = "vacancies.change_site"
# Rows per page of the working list; the counts at the top are always complete.
DASHBOARD_ROWS = 100


class DueForVerificationFilter(admin.SimpleListFilter):
    """Sites whose check is due (today included) or not; needs the due date of with_due_date."""

    title = _("verification")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("due", _("due for verification")), ("current", _("checked in time"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        in_stock = queryset.filter(status__in=STATUSES_TO_VERIFY)
        if self.value() == "due":
            return in_stock.filter(due_on__lte=today)
        if self.value() == "current":
            return in_stock.filter(due_on__gt=today)
        return queryset


class VerificationAdminMixin:
    """For the site admin: the due date as a column, the filter above and the action
    "verified". A mixin, so that the site admin itself changes by a few names only."""

    change_list_template = "admin/vacancies/site/change_list_verification.html"

    def get_queryset(self, request):
        return with_due_date(super().get_queryset(request))

    @admin.display(description=_("check due on"), ordering="due_on")
    def verification_due_on(self, obj):
        # let and withdrawn sites are not part of the cycle
        return obj.due_on if obj.status in STATUSES_TO_VERIFY else None

    @admin.action(description=_("Mark as verified today"), permissions=["change"])
    def mark_verified(self, request, queryset) -> None:
        sites = list(queryset.only("pk", "name"))
        for site in sites:
            site_verify(site=site, by=request.user, note="admin action")
        self.message_user(
            request,
            ngettext(
                "%(count)s site marked as verified today.",
                "%(count)s sites marked as verified today.",
                len(sites),
            )
            % {"count": len(sites)},
            messages.SUCCESS,
        )


@admin.register(SiteReport)
class SiteReportAdmin(admin.ModelAdmin):
    """Every report with its outcome; they are handled on the dashboard (through the service,
    so that the site's status history and check are written too), never edited here."""

    list_display = ["reported_at", "site", "status", "handled_at", "handled_by"]
    list_filter = ["status"]
    list_select_related = ["site", "handled_by"]
    search_fields = ["site__name", "message"]
    fields = ["site", "message", "reported_at", "status", "handled_at", "handled_by"]
    readonly_fields = fields
    date_hierarchy = "reported_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- The dashboard ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The office's working list. Two counts and two pages of rows, whatever the number of
    sites: the due dates are computed in the query (vacancies.selectors.verification)."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        _handle(request)
        return redirect(_dashboard_url(request.POST.get("page", "")))
    today = timezone.localdate()
    overdue = Paginator(overdue_sites(on=today), DASHBOARD_ROWS).get_page(request.GET.get("page"))
    reports = open_site_reports()
    report_rows = list(reports[:DASHBOARD_ROWS])
    report_count = len(report_rows) if len(report_rows) < DASHBOARD_ROWS else reports.count()
    context = {
        **admin.site.each_context(request),
        "title": gettext("Verification dashboard"),
        "overdue": overdue,
        "reports": report_rows,
        "report_count": report_count,
        "confirmed_statuses": [(status.value, status.label) for status in CONFIRMED_STATUSES],
        "today": today,
        "site_list_due_url": f"{reverse('admin:vacancies_site_changelist')}?verification=due",
        "site_opts": Site._meta,
    }
    return TemplateResponse(request, "admin/vacancies/dashboard.html", context)


def _dashboard_url(page: str) -> str:
    url = reverse("admin:vacancies_dashboard")
    return f"{url}?page={page}" if page.isdigit() else url


def _handle(request: HttpRequest) -> None:
    action = request.POST.get("action")
    if action == "verify":
        site = get_object_or_404(Site.objects.only("pk", "name"), pk=_pk(request.POST, "site"))
        site_verify(site=site, by=request.user, note="dashboard")
        messages.success(request, gettext("“%(name)s” is verified as of today.") % {"name": site})
        return
    if action not in ("confirm", "dismiss"):
        messages.error(request, gettext("Unknown action."))
        return
    report = get_object_or_404(
        SiteReport.objects.select_related("site"), pk=_pk(request.POST, "report")
    )
    try:
        closed = site_report_handle(
            report=report,
            by=request.user,
            confirmed=action == "confirm",
            status=request.POST.get("status") or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    report.site.refresh_from_db(fields=["status"])  # the service changed it on its own copy
    if report.status == SiteReportStatus.CONFIRMED:
        text = gettext("Report on “%(name)s” confirmed: the site is now “%(status)s”.")
    else:
        text = gettext("Report on “%(name)s” dismissed: the site is still free.")
    text = text % {"name": report.site, "status": report.site.get_status_display()}
    if closed > 1:
        # every open report on the site is answered by the same check
        text += " " + ngettext(
            "%(count)s report on this site was closed with it.",
            "%(count)s reports on this site were closed with it.",
            closed,
        ) % {"count": closed}
    messages.success(request, text)


def _pk(data, name: str) -> int:
    value = data.get(name, "")
    return int(value) if value.isdigit() else 0


# Registered on the admin site itself, so that it lives at /admin/vacancies/dashboard/ with the
# admin's login, CSRF protection and look. Wrapping (not replacing) get_urls and get_app_list
# lets other pages be added the same way.
_site_get_urls = admin.site.get_urls
_site_get_app_list = admin.site.get_app_list


def _get_urls():
    dashboard = admin.site.admin_view(dashboard_view)
    return [
        path("vacancies/dashboard/", dashboard, name="vacancies_dashboard"),
        *_site_get_urls(),
    ]


def _get_app_list(request, app_label=None):
    """The dashboard heads the cadastre's entries on the admin index and in the sidebar."""
    app_list = _site_get_app_list(request, app_label)
    if not request.user.has_perm(PERMISSION):
        return app_list
    entry = {
        "name": gettext("Verification dashboard"),
        "object_name": "VerificationDashboard",
        "admin_url": reverse("admin:vacancies_dashboard"),
        "add_url": None,
        "view_only": False,
        "perms": {"change": True},
    }
    for app in app_list:
        if app["app_label"] == "vacancies":
            app["models"].insert(0, entry)
    return app_list


admin.site.get_urls = _get_urls
admin.site.get_app_list = _get_app_list
