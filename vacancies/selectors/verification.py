"""Reads of the fixed update cycle (issue 11): which site records are due for a check, and the
reports from the street waiting for one. Computed in the database, so the office's working list
costs the same two queries for 50 sites as for 10,000."""

import datetime

from django.db.models import (
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from vacancies.models import CadastreSettings, Site, SiteReport, SiteReportStatus, SiteStatus

# The stock the office keeps current. A let or withdrawn site stays in the cadastre for the
# history and the statistics, but nobody walks past it every 90 days.
STATUSES_TO_VERIFY = (SiteStatus.VACANT, SiteStatus.RESERVED, SiteStatus.INTERIM_USE)


def _default_interval():
    """The settings' interval as a subquery (no query of its own); the model's default when the
    office never saved its settings."""
    fallback = CadastreSettings._meta.get_field("verification_interval_days").default
    configured = CadastreSettings.objects.filter(pk=1).values("verification_interval_days")
    return Coalesce(Subquery(configured), Value(fallback))


def with_due_date(queryset: QuerySet[Site], *, on: datetime.date | None = None) -> QuerySet[Site]:
    """Annotate `due_on` (the date the record must be checked by) and `days_overdue` (negative
    while it is not due yet; 0 on the due date itself).

    due_on = last_verified, or the day the record was created when it was never verified,
    plus the site's own interval, or else the settings' default.
    """
    today = on or timezone.localdate()
    checked_on = Coalesce(F("last_verified"), TruncDate("created_at"), output_field=DateField())
    interval = Coalesce(F("verification_interval_days"), _default_interval())
    # date + integer is a date in PostgreSQL; Django would not infer the type of the sum.
    due_on = ExpressionWrapper(checked_on + interval, output_field=DateField())
    # date - date is a whole number of days; spelt as a Func so that Django does not turn it
    # into an interval (its temporal subtraction).
    days_overdue = Func(
        Value(today, output_field=DateField()),
        F("due_on"),
        arg_joiner=" - ",
        template="(%(expressions)s)",
        output_field=IntegerField(),
    )
    return queryset.annotate(due_on=due_on).annotate(days_overdue=days_overdue)


def overdue_sites(*, on: datetime.date | None = None) -> QuerySet[Site]:
    """Sites of the active stock whose check is due (today included), the most overdue first.
    Owner data are not read: the working list and the digest do not show them."""
    today = on or timezone.localdate()
    return (
        with_due_date(Site.objects.filter(status__in=STATUSES_TO_VERIFY), on=today)
        .filter(due_on__lte=today)
        .only("id", "name", "status", "is_published", "last_verified", "created_at")
        .order_by("due_on", "name", "id")
    )


def open_site_reports() -> QuerySet[SiteReport]:
    """Reports from the street not yet handled, the oldest first (they wait longest)."""
    return (
        SiteReport.objects.filter(status=SiteReportStatus.OPEN)
        .select_related("site")
        .only("id", "message", "reported_at", "site__id", "site__name", "site__status")
        .order_by("reported_at", "id")
    )
