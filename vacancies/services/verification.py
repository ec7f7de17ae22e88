"""Writes of the fixed update cycle (issue 11): a site's record checked, a passer-by's report that
a site is no longer free, and staff handling that report.

Who checked a record and when is the site's history (django-simple-history): each check is a
history row with the change reason VERIFIED, its user and time. Status changes still go through
site_set_status, so the dated status history stays the one record of the status.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from fabtown import ratelimit
from vacancies.models import CadastreSettings, Site, SiteReport, SiteReportStatus, SiteStatus
from vacancies.services import site_set_status

logger = logging.getLogger(__name__)

# The change reason of a check in the site's history: a fixed marker, so that it can be found
# again (the history's own column is 100 characters; a note is added after it).
VERIFIED = "verified"
REASON_MAX_LENGTH = 100


class SiteNotReportable(Exception):
    """Only published sites on offer can be reported; others are not public (answer 404)."""


class TooManyReports(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@transaction.atomic
def site_verify(
    *,
    site: Site,
    by: AbstractBaseUser | None,
    note: str = "",
    on: datetime.date | None = None,
) -> Site:
    """The record was checked (on site, by phone, with the owner): last_verified becomes today,
    and the site's history notes who and when. Checking twice a day is two history rows: each
    is a check somebody did."""
    locked = Site.objects.select_for_update().get(pk=site.pk)
    locked.last_verified = on or timezone.localdate()
    locked._history_user = by
    reason = f"{VERIFIED}: {note.strip()}" if note.strip() else VERIFIED
    locked._change_reason = reason[:REASON_MAX_LENGTH]
    locked.save(update_fields=["last_verified", "updated_at"])
    site.last_verified = locked.last_verified
    return locked


@transaction.atomic
def site_report_create(*, site: Site, message: str, client_key: str) -> SiteReport:
    """A passer-by says the site is no longer free. No account and no personal data: the
    client's address only counts towards the rate limit (as an HMAC, fabtown.ratelimit).

    Raises SiteNotReportable for a site that is not public, TooManyReports beyond the limit
    (settings.SITE_REPORT_RATE per client address) and ValidationError for a message too long.
    """
    if not Site.objects.on_offer().filter(pk=site.pk).exists():
        raise SiteNotReportable(site.pk)
    report = SiteReport(site=site, message=message.strip())
    report.full_clean()
    limit, window = settings.SITE_REPORT_RATE
    retry_after = ratelimit.consume(
        action="site-report", key=client_key, limit=limit, window_seconds=window
    )
    if retry_after:
        raise TooManyReports(retry_after)
    report.save()
    return report


# Statuses a confirmed report can lead to: anything but "vacant" (the report said it is not).
CONFIRMED_STATUSES = (
    SiteStatus.LET,
    SiteStatus.WITHDRAWN,
    SiteStatus.INTERIM_USE,
    SiteStatus.RESERVED,
)


@transaction.atomic
def site_report_handle(
    *,
    report: SiteReport,
    by: AbstractBaseUser | None,
    confirmed: bool,
    status: str | None = None,
) -> int:
    """Staff checked what a report says.

    Confirmed: the site gets the `status` staff chose (through the status history) and counts
    as checked. Dismissed: the site is still free, and that is a check too. Either way every
    open report of that site is closed with the same outcome (one visit answers them all).
    Returns how many reports were closed.
    """
    locked = SiteReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != SiteReportStatus.OPEN:
        raise ValidationError(_("This report has already been handled."))
    site = locked.site
    if confirmed:
        if status not in CONFIRMED_STATUSES:
            raise ValidationError({"status": _("Choose the site's new status.")})
        site_set_status(
            site=site,
            status=status,
            by=by,
            note=_("Report from the street confirmed (no. %(id)s).") % {"id": locked.pk},
        )
        site_verify(site=site, by=by, note="report confirmed")
        outcome = SiteReportStatus.CONFIRMED
    else:
        site_verify(site=site, by=by, note="report dismissed, still free")
        outcome = SiteReportStatus.DISMISSED
    # No content_changed() after this update: reports appear on no public page.
    closed = SiteReport.objects.filter(site=site, status=SiteReportStatus.OPEN).update(
        status=outcome, handled_at=timezone.now(), handled_by=by
    )
    report.status, report.handled_by = outcome, by
    return closed


# --- The daily digest to the office -------------------------------------------------------------

# At most this many overdue records and reports are listed; the counts above the lists are
# complete, and the dashboard has the rest.
DIGEST_ROWS = 50


def digest_recipients() -> list[str]:
    """The office's address from the cadastre settings, else every active staff account that
    may change sites (and has an address)."""
    office = CadastreSettings.current().office_email
    if office:
        return [office]
    staff = get_user_model().objects.with_perm(
        "vacancies.change_site", backend="django.contrib.auth.backends.ModelBackend"
    )
    addresses = staff.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(addresses.values_list("email", flat=True)))


def verification_digest_send(*, on: datetime.date | None = None) -> int:
    """E-mail the office what is due: the counts, the most overdue records and the oldest open
    reports, with links to the admin. Nothing when nothing is due. Names, statuses and dates
    only: no owner data, and not the passers-by's messages (they may name people).

    Returns the number of messages sent.
    """
    from vacancies.selectors.verification import open_site_reports, overdue_sites

    today = on or timezone.localdate()
    overdue = overdue_sites(on=today)
    reports = open_site_reports()
    overdue_rows = list(overdue[:DIGEST_ROWS])
    report_rows = list(reports[:DIGEST_ROWS])
    if not overdue_rows and not report_rows:
        return 0
    recipients = digest_recipients()
    if not recipients:
        logger.warning("The verification digest has no recipient: set the office's e-mail.")
        return 0

    def absolute(path: str) -> str:
        return f"{settings.SITE_URL}{path}"

    context = {
        "today": today,
        "overdue_count": overdue.count() if len(overdue_rows) == DIGEST_ROWS else len(overdue_rows),
        "report_count": reports.count() if len(report_rows) == DIGEST_ROWS else len(report_rows),
        "overdue": [
            (site, absolute(reverse("admin:vacancies_site_change", args=[site.pk])))
            for site in overdue_rows
        ],
        "reports": [
            (report, absolute(reverse("admin:vacancies_site_change", args=[report.site_id])))
            for report in report_rows
        ],
        "dashboard_url": absolute(reverse("admin:vacancies_dashboard")),
    }
    with override(settings.LANGUAGE_CODE):
        subject = render_to_string("vacancies/email/verification_digest_subject.txt", context)
        body = render_to_string("vacancies/email/verification_digest.txt", context)
    subject = " ".join(subject.split())
    # one message per address: staff do not see each other's addresses
    return sum(send_mail(subject, body, None, [address]) for address in recipients)
