"""Reminders to the responsible office when a measure's tracking is stale or a planned date has
passed, escalating to the office's lead after its delay. Time stands still: every run is given
its `now`."""

import datetime
import io
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from measures.models import Measure, ReminderReason, TrackingReminder
from measures.reminders import measure_reminders_send
from tests.factories import MeasureFactory, OfficeFactory, StaffFactory, SuperuserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
NOW = timezone.now()
TODAY = timezone.localdate(NOW)
LEAD_EMAIL = "lea.leitung@bochum.example"


@pytest.fixture
def office():
    return OfficeFactory(
        name="Amt für Stadtplanung",
        email="stadtplanung@bochum.example",
        lead_name="Dr. Lea Leitung",
        lead_email=LEAD_EMAIL,
        stale_after_days=90,
        escalate_after_days=14,
    )


def _measure(office, *, updated: datetime.datetime | None = NOW, **fields) -> Measure:
    """A measure of `office` whose tracking was last updated at `updated` (None: never)."""
    measure = MeasureFactory(responsible_office=office, **fields)
    # What measure_update_tracking records; set directly here to place it in time.
    Measure.objects.filter(pk=measure.pk).update(tracking_updated_at=updated)
    return measure


def _reasons(measure) -> list[str]:
    return sorted(measure.tracking_reminders.values_list("reason", flat=True))


# --- What is due --------------------------------------------------------------------------------


def test_tracking_not_updated_for_longer_than_the_office_allows_is_reminded(office):
    stale = _measure(office, updated=NOW - 91 * DAY)
    fresh = _measure(office, updated=NOW - 89 * DAY)
    report = measure_reminders_send(now=NOW)
    assert (report.reminder_messages, report.reminders) == (1, 1)
    assert _reasons(stale) == [ReminderReason.STALE]
    assert _reasons(fresh) == []
    (message,) = mail.outbox
    assert message.to == ["stadtplanung@bochum.example"]


def test_a_measure_never_updated_counts_from_its_first_history_entry(office):
    measure = _measure(office, updated=None)  # its history begins now
    assert measure_reminders_send(now=NOW + 89 * DAY).reminders == 0
    assert measure_reminders_send(now=NOW + 91 * DAY).reminders == 1
    assert _reasons(measure) == [ReminderReason.STALE]


def test_the_office_s_own_stale_period_applies(office):
    office.stale_after_days = 10
    office.save()
    _measure(office, updated=NOW - 11 * DAY)
    assert measure_reminders_send(now=NOW).reminders == 1


@pytest.mark.parametrize(
    ("status", "reminded"),
    [("not_started", True), ("planned", True), ("in_progress", False), ("paused", False)],
)
def test_a_passed_planned_start_is_overdue_while_the_measure_has_not_started(
    office, status, reminded
):
    measure = _measure(office, planned_start=TODAY - DAY, implementation_status=status)
    _measure(office, planned_start=TODAY, implementation_status="planned")  # today: not yet
    measure_reminders_send(now=NOW)
    assert _reasons(measure) == ([ReminderReason.OVERDUE_START] if reminded else [])
    assert TrackingReminder.objects.count() == int(reminded)


def test_a_passed_planned_end_is_overdue_until_the_measure_is_completed(office):
    measure = _measure(
        office, planned_start=TODAY - 30 * DAY, planned_end=TODAY - DAY,
        implementation_status="in_progress",
    )  # fmt: skip
    _measure(office, planned_end=TODAY - DAY, implementation_status="completed")
    measure_reminders_send(now=NOW)
    assert _reasons(measure) == [ReminderReason.OVERDUE_END]
    assert TrackingReminder.objects.count() == 1


def test_both_dates_passed_before_the_start_are_two_reasons_in_one_message(office):
    measure = _measure(
        office, planned_start=TODAY - 30 * DAY, planned_end=TODAY - DAY, updated=NOW - 100 * DAY
    )
    report = measure_reminders_send(now=NOW)
    assert _reasons(measure) == ["overdue_end", "overdue_start", "stale"]
    assert report.reminder_messages == 1
    (message,) = mail.outbox
    assert message.body.count(measure.code) == 1


@pytest.mark.parametrize("status", ["completed", "dropped"])
def test_completed_and_dropped_measures_get_no_e_mail(office, status):
    _measure(
        office, implementation_status=status, updated=NOW - 400 * DAY,
        planned_start=TODAY - 300 * DAY, planned_end=TODAY - 200 * DAY,
    )  # fmt: skip
    report = measure_reminders_send(now=NOW)
    assert report.reminders == 0
    assert mail.outbox == []


def test_a_measure_without_a_responsible_office_is_not_reminded():
    MeasureFactory(planned_start=TODAY - DAY)
    assert measure_reminders_send(now=NOW).reminders == 0
    assert mail.outbox == []


# --- Once, until the tracking is updated --------------------------------------------------------


def test_the_same_reminder_is_not_sent_twice(office):
    _measure(office, planned_start=TODAY - DAY)
    assert measure_reminders_send(now=NOW).reminders == 1
    assert measure_reminders_send(now=NOW).reminders == 0
    assert measure_reminders_send(now=NOW + 5 * DAY).reminders == 0
    assert len(mail.outbox) == 1
    assert TrackingReminder.objects.count() == 1


def test_a_new_reason_is_reminded_beside_one_already_sent(office):
    measure = _measure(office, planned_start=TODAY - DAY, planned_end=TODAY + 10 * DAY)
    measure_reminders_send(now=NOW)
    report = measure_reminders_send(now=NOW + 11 * DAY)
    assert report.reminders == 1
    assert _reasons(measure) == ["overdue_end", "overdue_start"]


def test_an_update_of_the_tracking_answers_the_reminder_and_it_may_come_again(office):
    measure = _measure(office, updated=NOW - 91 * DAY)
    measure_reminders_send(now=NOW)
    Measure.objects.filter(pk=measure.pk).update(tracking_updated_at=NOW + DAY)
    # answered: no escalation, and not stale again before the office's period has passed
    report = measure_reminders_send(now=NOW + 30 * DAY)
    assert (report.reminders, report.escalations) == (0, 0)
    assert measure_reminders_send(now=NOW + 92 * DAY).reminders == 1
    assert _reasons(measure) == ["stale", "stale"]


# --- Escalation to the office's lead ------------------------------------------------------------


def test_the_lead_is_written_to_once_after_the_office_s_delay_without_an_update(office):
    measure = _measure(office, planned_start=TODAY - DAY)
    measure_reminders_send(now=NOW)
    assert measure_reminders_send(now=NOW + 13 * DAY).escalations == 0
    report = measure_reminders_send(now=NOW + 14 * DAY)
    assert (report.escalation_messages, report.escalations, report.reminders) == (1, 1, 0)
    _reminder, escalation = mail.outbox
    assert escalation.to == [LEAD_EMAIL]
    assert escalation.body.startswith("Guten Tag Dr. Lea Leitung,\n")
    assert measure.code in escalation.body
    assert "Amt für Stadtplanung" in escalation.subject
    (reminder,) = TrackingReminder.objects.all()
    assert reminder.escalated_at == NOW + 14 * DAY
    assert reminder.sent_to == "stadtplanung@bochum.example"  # never the lead's address
    assert measure_reminders_send(now=NOW + 20 * DAY).escalations == 0
    assert len(mail.outbox) == 2


def test_no_escalation_after_the_tracking_was_updated(office):
    measure = _measure(office, planned_start=TODAY - DAY)
    measure_reminders_send(now=NOW)
    Measure.objects.filter(pk=measure.pk).update(
        tracking_updated_at=NOW + DAY, implementation_status="in_progress"
    )
    report = measure_reminders_send(now=NOW + 15 * DAY)
    assert (report.escalations, report.reminders) == (0, 0)
    assert len(mail.outbox) == 1


def test_an_office_without_a_lead_s_address_is_reported_and_its_reminders_wait(office, caplog):
    office.lead_email = ""
    office.save()
    _measure(office, planned_start=TODAY - DAY)
    measure_reminders_send(now=NOW)
    report = measure_reminders_send(now=NOW + 14 * DAY)
    assert report.offices_without_lead_email == ["Amt für Stadtplanung"]
    assert TrackingReminder.objects.get().escalated_at is None


# --- Messages -----------------------------------------------------------------------------------


def test_each_office_gets_one_e_mail_listing_all_its_due_measures(office):
    other = OfficeFactory(name="Wirtschaftsförderung", email="wifoe@bochum.example")
    first = _measure(office, planned_start=TODAY - DAY)
    second = _measure(office, updated=NOW - 200 * DAY)
    third = _measure(other, planned_end=TODAY - DAY)
    report = measure_reminders_send(now=NOW)
    assert (report.reminder_messages, report.reminders) == (2, 3)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"stadtplanung@bochum.example", "wifoe@bochum.example"}
    planning = by_address["stadtplanung@bochum.example"].body
    assert first.code in planning and second.code in planning and third.code not in planning
    assert third.code in by_address["wifoe@bochum.example"].body


def test_the_reminder_is_german_says_sie_and_links_to_the_admin_pages(office):
    measure = _measure(office, planned_start=datetime.date(2026, 3, 1), updated=NOW - 100 * DAY)
    measure_reminders_send(now=NOW)
    (message,) = mail.outbox
    body = message.body
    url = settings.SITE_URL + reverse("admin:measures_measure_change", args=[measure.pk])
    assert url.startswith("http") and f"  {url}\n" in body
    assert body.startswith("Guten Tag,\n\ndie Umsetzung")
    assert "Amt für Stadtplanung" in body
    assert f"- {measure.code} {measure.title}: " in body
    assert "geplanter Beginn am 01.03.2026 ist verstrichen, Status noch „nicht begonnen“" in body
    assert "zuletzt aktualisiert am" in body
    assert "Bitte aktualisieren Sie" in body
    assert "14 Tagen" in body and "Dr. Lea Leitung" in body
    assert LEAD_EMAIL not in body
    assert body.rstrip().endswith("Mit freundlichen Grüßen\nFabTown Bochum")
    assert (
        message.subject
        == "Maßnahmenkatalog: Die Umsetzung von 1 Maßnahme braucht eine Aktualisierung"
    )


def test_an_office_without_an_e_mail_is_skipped_and_reported(office, caplog):
    silent = OfficeFactory(name="Amt ohne Postfach", email="", lead_email="chef@bochum.example")
    _measure(silent, planned_start=TODAY - DAY)
    _measure(office, planned_start=TODAY - DAY)
    with caplog.at_level(logging.DEBUG):
        report = measure_reminders_send(now=NOW)
    assert report.offices_without_email == ["Amt ohne Postfach"]
    assert report.reminders == 1
    assert [m.to for m in mail.outbox] == [["stadtplanung@bochum.example"]]
    assert "Amt ohne Postfach" in caplog.text
    # nothing recorded: reminded as soon as the office has a mailbox
    assert not TrackingReminder.objects.filter(office=silent).exists()


def test_the_logs_never_contain_the_lead_s_address(office, caplog):
    _measure(office, planned_start=TODAY - DAY)
    with caplog.at_level(logging.DEBUG):
        measure_reminders_send(now=NOW)
        measure_reminders_send(now=NOW + 14 * DAY)
        call_command("send_measure_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert LEAD_EMAIL not in caplog.text


# --- Command, task, admin -----------------------------------------------------------------------


def test_the_command_sends_the_reminders_and_says_what_it_did(office):
    _measure(office, planned_start=TODAY - DAY)
    out = io.StringIO()
    call_command("send_measure_reminders", stdout=out)
    assert "1 reminder message(s) about 1 reminder(s)" in out.getvalue()
    assert len(mail.outbox) == 1
    call_command("send_measure_reminders", stdout=out)
    assert len(mail.outbox) == 1


def test_the_daily_task_runs_the_same_service(office):
    from procrastinate.contrib.django import app

    _measure(office, planned_start=TODAY - DAY)
    app.tasks["measures.tasks.measure_reminders_daily"](timestamp=0)
    assert TrackingReminder.objects.count() == 1


def test_the_reminder_log_in_the_admin_is_read_only(client, office):
    _measure(office, planned_start=TODAY - DAY)
    measure_reminders_send(now=NOW)
    client.force_login(SuperuserFactory())
    changelist = client.get(reverse("admin:measures_trackingreminder_changelist"))
    assert changelist.status_code == 200
    assert "Amt für Stadtplanung" in changelist.content.decode()
    assert client.get(reverse("admin:measures_trackingreminder_add")).status_code == 403
    reminder = TrackingReminder.objects.get()
    change = client.get(reverse("admin:measures_trackingreminder_change", args=[reminder.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()


def test_staff_without_permission_do_not_see_the_reminder_log(client, office):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:measures_trackingreminder_changelist"))
    assert response.status_code == 403
