"""Every admin page staff use passes axe (WCAG 2.1 A/AA), in German, in a real browser.

The pages come from the admin's registry (admin.site._registry): a newly registered model's
list, add and change forms are checked without touching this test."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from import_export.admin import ExportMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from fabtown.models import AccessibilityFeedback
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import (
    InterimUseFactory,
    LabelApplicationFactory,
    MembershipFactory,
    SiteFactory,
    SpaceRequestFactory,
    SuperuserFactory,
)
from vacancies.models import Site
from vacancies.services import site_set_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _records():
    """The Bochum data plus a record of each kind the seed leaves empty, so that change forms
    (with their inlines and maps) have something to show."""
    call_command("load_bochum_data", verbosity=0)
    site = SiteFactory(name="Ladenlokal Hellweg 12", rent_eur_per_month=15, rent_is_public=True)
    InterimUseFactory(site=site)
    site_set_status(site=site, status="reserved", by=None)
    SpaceRequestFactory()
    LabelApplicationFactory(status="submitted", submitted_at="2026-11-01T10:00:00+01:00")
    MembershipFactory()
    AccessibilityFeedback.objects.create(page="/", message="Kontrast zu gering")
    _measure_tracking()
    return site


def _measure_tracking():
    """Issue 13: an office and a timeline entry, so the measure form shows its tracking."""
    from measures.models import Measure, Office, TimelineEntry

    office = Office.objects.create(name="Amt für Stadtplanung", email="stadtplanung@example.org")
    measure = Measure.objects.get(code="4.1.1")  # the first measure: its change form is checked
    measure.responsible_office = office
    measure.save()
    TimelineEntry.objects.create(measure=measure, date="2026-10-01", title="Auftakt")


def _admin_url(name: str, *args) -> str | None:
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def admin_pages(site: Site) -> list[str]:
    """The index, each app's index, and for every registered model its list, add form, the
    change form and history of one record, import and export; then the cadastre's and the
    label board's own pages."""
    pages = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        pages.append(reverse("admin:app_list", args=[opts.app_label]))
        pages.append(reverse(f"admin:{prefix}_changelist"))
        pages.append(reverse(f"admin:{prefix}_add"))
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            pages.append(reverse(f"admin:{prefix}_change", args=[record.pk]))
            if isinstance(model_admin, SimpleHistoryAdmin):
                pages.append(reverse(f"admin:{prefix}_history", args=[record.pk]))
        if isinstance(model_admin, ImportMixin):
            pages.append(reverse(f"admin:{prefix}_import"))
        if isinstance(model_admin, ExportMixin):
            pages.append(reverse(f"admin:{prefix}_export"))
    version = Site.history.filter(id=site.pk).order_by("history_id").last()
    pages.append(reverse("admin:vacancies_site_simple_history", args=[site.pk, version.pk]))
    from label.models import LabelApplication
    from vacancies.models import SpaceRequest

    application = LabelApplication.objects.order_by("pk").first()
    space_request = SpaceRequest.objects.order_by("pk").first()
    pages += [
        url
        for url in (
            _admin_url("label_labelapplication_decide", application.pk),
            _admin_url("vacancies_dashboard"),
            "/admin/vacancies/statistics/",
            _admin_url("vacancies_site_matches", site.pk),
            _admin_url("vacancies_spacerequest_matches", space_request.pk),
            _admin_url("vacancies_site_gis_import"),
            _admin_url("vacancies_site_gis_export"),
        )
        if url
    ]
    return list(dict.fromkeys(pages))


def _axe_without_its_own_styles(page, csp_violations) -> list[dict]:
    """axe re-reads style sheets that import others (the admin's forms.css imports
    widgets.css) through <style> elements it adds; the policy blocks those, rightly. Those are
    axe's, not the page's: what the page itself does while loading stays reported."""
    before = len(csp_violations)
    violations = axe_violations(page)
    csp_violations[before:] = [
        v for v in csp_violations[before:] if "inline style" not in v and "style-src-elem" not in v
    ]
    return violations


def test_every_admin_page_staff_use_passes_axe(page, live_server, csp_violations):
    site = _records()
    SuperuserFactory(username="redaktion")
    admin_login(page, live_server.url, "redaktion")

    checked, refused, found = [], [], []
    for path in admin_pages(site):
        response = page.goto(f"{live_server.url}{path}")
        if response.status == 403:  # the page exists for no one (e.g. adding an import run)
            refused.append(path)
            continue
        assert response.status == 200, f"{path} answered {response.status}"
        page.wait_for_load_state("load")
        checked.append(path)
        for violation in _axe_without_its_own_styles(page, csp_violations):
            found.append(
                f"{path}: {violation['id']} ({violation['help']}) at {violation['targets']}"
            )

    assert len(checked) > 80, checked
    assert not found, f"{len(found)} axe violations:\n" + "\n".join(found)


def test_the_site_form_fits_1280_pixels(page, live_server):
    site = _records()
    SuperuserFactory(username="redaktion")
    admin_login(page, live_server.url, "redaktion")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{reverse('admin:vacancies_site_change', args=[site.pk])}")
    page.wait_for_load_state("load")
    save_screenshot(page, "admin-site-form-1280")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the site form is {widths[0]} px wide at {widths[1]} px"


def test_admin_pages_pass_axe_in_the_dark_theme_too(new_context, live_server, csp_violations):
    """Staff whose system asks for a dark theme get the admin's dark colours."""
    site = _records()
    SuperuserFactory(username="redaktion")
    page = new_context(color_scheme="dark").new_page()
    admin_login(page, live_server.url, "redaktion")
    found = []
    for path in [
        "/admin/",
        reverse("admin:vacancies_site_changelist"),
        reverse("admin:vacancies_site_change", args=[site.pk]),
        reverse("admin:vacancies_site_history", args=[site.pk]),
        reverse("admin:vacancies_site_export"),
        reverse("admin:vacancies_dashboard"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        for violation in _axe_without_its_own_styles(page, csp_violations):
            found.append(f"{path}: {violation['id']} at {violation['targets']}")
    save_screenshot(page, "admin-dashboard-dark")
    assert not found, "\n".join(found)
