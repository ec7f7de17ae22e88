"""Reminders to the responsible offices when a measure's tracking is stale or a planned date has
passed, escalating to the office's lead (issue 13).

What is due is defined once, in the database (MeasureQuerySet.with_reminder_reasons). Each sent
reminder is a TrackingReminder row per measure and reason: while the tracking has not been
updated after it, it is not sent again; `escalate_after_days` after it, still without an update,
the office's lead is written to, once. An office gets one e-mail listing all its measures, and
its lead one. Safe to run more than once a day: a second run finds nothing new to send.

Logs name offices and counts, never an address (the lead's is personal data).
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from measures.models import (
    ImplementationStatus,
    Measure,
    Office,
    ReminderReason,
    TrackingReminder,
)

logger = logging.getLogger(__name__)

# The annotation of MeasureQuerySet.with_reminder_reasons that flags each reason.
REASON_FLAGS = {
    ReminderReason.STALE: "reminder_stale",
    ReminderReason.OVERDUE_START: "reminder_overdue_start",
    ReminderReason.OVERDUE_END: "reminder_overdue_end",
}


@dataclass
class ReminderReport:
    """What a run did: messages and reminders, and the offices it could not write to (by name)."""

    reminder_messages: int = 0
    reminders: int = 0
    escalation_messages: int = 0
    escalations: int = 0
    offices_without_email: list[str] = field(default_factory=list)
    offices_without_lead_email: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.reminder_messages} reminder message(s) about {self.reminders} reminder(s), "
            f"{self.escalation_messages} escalation message(s) about {self.escalations} "
            "reminder(s) sent."
        )
        if self.offices_without_email:
            text += f" Skipped, no office e-mail: {', '.join(self.offices_without_email)}."
        if self.offices_without_lead_email:
            text += (
                f" Not escalated, no lead's e-mail: {', '.join(self.offices_without_lead_email)}."
            )
        return text


def _admin_url(measure: Measure) -> str:
    return f"{settings.SITE_URL}{reverse('admin:measures_measure_change', args=[measure.pk])}"


def _reason_text(measure: Measure, reason: str) -> str:
    status = measure.get_implementation_status_display()
    if reason == ReminderReason.OVERDUE_START:
        return _("planned start on %(date)s has passed, status still “%(status)s”") % {
            "date": date_format(measure.planned_start, "SHORT_DATE_FORMAT"),
            "status": status,
        }
    if reason == ReminderReason.OVERDUE_END:
        return _("planned end on %(date)s has passed, status still “%(status)s”") % {
            "date": date_format(measure.planned_end, "SHORT_DATE_FORMAT"),
            "status": status,
        }
    if measure.tracked_since is None:
        return _("tracking never updated")
    return _("tracking last updated on %(date)s") % {
        "date": date_format(timezone.localtime(measure.tracked_since), "SHORT_DATE_FORMAT")
    }


def _items(measures_reasons: dict[Measure, list[str]]) -> list[dict]:
    """The e-mail's list: each measure once, in the catalogue's order, with its reasons."""
    ordered = sorted(
        measures_reasons, key=lambda m: (m.thematic_field.position, m.position, m.code)
    )
    return [
        {
            "measure": measure,
            "reasons": [
                _reason_text(measure, reason)
                for reason in REASON_FLAGS
                if reason in measures_reasons[measure]
            ],
            "url": _admin_url(measure),
        }
        for measure in ordered
    ]


def _send(*, template: str, context: dict, to: str) -> int:
    with override(settings.LANGUAGE_CODE):
        context = {**context, "items": _items(context["measures_reasons"])}
        subject = render_to_string(f"measures/email/{template}_subject.txt", context)
        body = render_to_string(f"measures/email/{template}.txt", context)
    return send_mail(" ".join(subject.split()), body, None, [to])


def _escalate(*, now: datetime.datetime, report: ReminderReport) -> None:
    """Reminders without an update `escalate_after_days` after they were sent: the lead of the
    office that was reminded is written to, once per reminder, one message per office."""
    escalate_after = ExpressionWrapper(
        F("office__escalate_after_days") * datetime.timedelta(days=1),
        output_field=DurationField(),
    )
    waiting = (
        TrackingReminder.objects.unanswered()
        .filter(escalated_at__isnull=True, sent_at__lte=Value(now) - escalate_after)
        .exclude(
            measure__implementation_status__in=[
                ImplementationStatus.COMPLETED,
                ImplementationStatus.DROPPED,
            ]
        )
        .select_related("office")
    )
    by_office: dict[Office, list[TrackingReminder]] = defaultdict(list)
    for reminder in waiting:
        by_office[reminder.office].append(reminder)
    measures = {
        measure.pk: measure
        for measure in Measure.objects.with_reminder_reasons(now=now)
        .select_related("thematic_field")
        .filter(pk__in={r.measure_id for rs in by_office.values() for r in rs})
    }
    for office, reminders in sorted(by_office.items(), key=lambda item: item[0].name):
        if not office.lead_email:
            report.offices_without_lead_email.append(office.name)
            continue
        measures_reasons: dict[Measure, list[str]] = defaultdict(list)
        for reminder in reminders:
            measures_reasons[measures[reminder.measure_id]].append(reminder.reason)
        context = {
            "office": office,
            "name": office.lead_name,
            "measures_reasons": measures_reasons,
            "first_sent": min(r.sent_at for r in reminders),
        }
        with transaction.atomic():
            if not _send(template="tracking_escalation", context=context, to=office.lead_email):
                continue
            TrackingReminder.objects.filter(pk__in=[r.pk for r in reminders]).update(
                escalated_at=now
            )
        report.escalation_messages += 1
        report.escalations += len(reminders)


def _remind(*, now: datetime.datetime, report: ReminderReport) -> None:
    """Measures due for a reminder that has not been sent yet (or was answered by an update and
    is due again): one message per office, one TrackingReminder per measure and reason."""
    due = list(
        Measure.objects.due_for_reminder(now=now).select_related(
            "responsible_office", "thematic_field"
        )
    )
    standing = set(
        TrackingReminder.objects.unanswered()
        .filter(measure__in=due)
        .values_list("measure_id", "office_id", "reason")
    )
    by_office: dict[Office, dict[Measure, list[str]]] = defaultdict(lambda: defaultdict(list))
    for measure in due:
        office = measure.responsible_office
        for reason, flag in REASON_FLAGS.items():
            if getattr(measure, flag) and (measure.pk, office.pk, reason) not in standing:
                by_office[office][measure].append(reason)
    for office, measures_reasons in sorted(by_office.items(), key=lambda item: item[0].name):
        if not office.email:
            report.offices_without_email.append(office.name)
            continue
        context = {
            "office": office,
            "name": "",
            "measures_reasons": measures_reasons,
            "lead_name": office.lead_name,
            "escalate_after_days": office.escalate_after_days,
        }
        with transaction.atomic():
            if not _send(template="tracking_reminder", context=context, to=office.email):
                continue
            reminders = [
                TrackingReminder(
                    measure=measure, office=office, reason=reason, sent_at=now, sent_to=office.email
                )
                for measure, reasons in measures_reasons.items()
                for reason in reasons
            ]
            TrackingReminder.objects.bulk_create(reminders)
        report.reminder_messages += 1
        report.reminders += len(reminders)


def measure_reminders_send(*, now: datetime.datetime | None = None) -> ReminderReport:
    """Escalate what waited too long, then remind the offices of what is newly due.

    `now` stands for the current time (tests pass it). Escalation comes first: a reminder sent
    in this run cannot be overdue for escalation in the same run anyway.
    """
    now = now or timezone.now()
    report = ReminderReport()
    _escalate(now=now, report=report)
    _remind(now=now, report=report)
    for name in report.offices_without_email:
        logger.warning("Tracking reminders not sent: the office “%s” has no e-mail.", name)
    for name in report.offices_without_lead_email:
        logger.warning("Tracking reminders not escalated: no lead's e-mail for “%s”.", name)
    return report
