"""The fixed update cycle: due dates, checks recorded in the history, reports from the street
handled by staff, and the daily digest to the office."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from procrastinate.contrib.django import app

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from tests.factories import SiteFactory, StaffFactory, SuperuserFactory, UserFactory
from vacancies.models import (
    CadastreSettings,
    Site,
    SiteReport,
    SiteReportStatus,
    SiteStatus,
    SiteStatusChange,
)
from vacancies.selectors.verification import open_site_reports, overdue_sites
from vacancies.services import verification
from vacancies.services.verification import (
    VERIFIED,
    SiteNotReportable,
    TooManyReports,
    site_report_create,
    site_report_handle,
    site_verify,
    verification_digest_send,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def _site(
    *, verified_days_ago: int | None = None, created_days_ago: int = 0, on=TODAY, **fields
) -> Site:
    """A site checked (or, if never, recorded) so many days before `on`."""
    days = datetime.timedelta
    last_verified = None if verified_days_ago is None else on - days(verified_days_ago)
    site = SiteFactory(last_verified=last_verified, **fields)
    recorded = datetime.datetime.combine(on - days(created_days_ago), datetime.time(12))
    Site.objects.filter(pk=site.pk).update(created_at=timezone.make_aware(recorded))
    return site


def _checked(days_ago: int, **fields) -> Site:
    """A site checked so many days before the real today (for the digest, which has no date)."""
    return _site(verified_days_ago=days_ago, on=timezone.localdate(), **fields)


def _overdue_names(on=TODAY) -> list[str]:
    return [site.name for site in overdue_sites(on=on)]


def _set_default_interval(days: int) -> None:
    settings_row = CadastreSettings.current()
    settings_row.verification_interval_days = days
    settings_row.save()


# --- Due dates -------------------------------------------------------------------------------


def test_a_site_is_due_on_the_day_its_default_interval_ends_and_not_the_day_before():
    _site(name="Genau heute fällig", verified_days_ago=90)
    _site(name="Morgen fällig", verified_days_ago=89)

    [due] = overdue_sites(on=TODAY)

    assert due.name == "Genau heute fällig"
    assert (due.due_on, due.days_overdue) == (TODAY, 0)


def test_the_default_interval_is_the_one_staff_set_in_the_settings():
    _set_default_interval(10)
    _site(name="Vor zehn Tagen geprüft", verified_days_ago=10)
    _site(name="Vor neun Tagen geprüft", verified_days_ago=9)

    assert _overdue_names() == ["Vor zehn Tagen geprüft"]


def test_a_site_s_own_interval_beats_the_default():
    _set_default_interval(10)
    _site(
        name="Eigener Turnus 30, vor 20 Tagen", verified_days_ago=20, verification_interval_days=30
    )
    _site(
        name="Eigener Turnus 30, vor 30 Tagen", verified_days_ago=30, verification_interval_days=30
    )
    _site(name="Eigener Turnus 5, vor 5 Tagen", verified_days_ago=5, verification_interval_days=5)

    assert _overdue_names() == ["Eigener Turnus 30, vor 30 Tagen", "Eigener Turnus 5, vor 5 Tagen"]


def test_a_site_never_verified_is_due_its_interval_after_it_was_recorded():
    _site(name="Nie geprüft, alt", created_days_ago=91)
    _site(name="Nie geprüft, neu", created_days_ago=1)

    [due] = overdue_sites(on=TODAY)

    assert (due.name, due.days_overdue) == ("Nie geprüft, alt", 1)


def test_overdue_sites_come_most_overdue_first_with_their_days_overdue():
    _site(name="A – ein Tag", verified_days_ago=91)
    _site(name="B – ein Jahr", verified_days_ago=455)
    _site(name="C – einen Monat", verified_days_ago=120)

    rows = [(site.name, site.days_overdue) for site in overdue_sites(on=TODAY)]

    assert rows == [("B – ein Jahr", 365), ("C – einen Monat", 30), ("A – ein Tag", 1)]


def test_let_and_withdrawn_sites_are_not_in_the_cycle_but_unpublished_vacancies_are():
    _site(name="Vermietet", verified_days_ago=400, status=SiteStatus.LET)
    _site(name="Zurückgezogen", verified_days_ago=400, status=SiteStatus.WITHDRAWN)
    _site(name="Zwischennutzung", verified_days_ago=400, status=SiteStatus.INTERIM_USE)
    _site(name="Intern", verified_days_ago=400, is_published=False)

    assert _overdue_names() == ["Intern", "Zwischennutzung"]


# --- Verifying -----------------------------------------------------------------------------------


def test_verifying_records_who_and_when_in_the_history_and_ends_the_overdue():
    site = _site(name="Kortumstraße 1", verified_days_ago=200)
    staff = StaffFactory(username="pruefer")
    before = timezone.now()

    site_verify(site=site, by=staff)

    site.refresh_from_db()
    assert site.last_verified == timezone.localdate()
    latest = site.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff, VERIFIED)
    assert latest.history_date >= before
    assert latest.last_verified == timezone.localdate()
    assert "Kortumstraße 1" not in _overdue_names(on=timezone.localdate())


def test_verifying_does_not_touch_the_status_history():
    site = _site(verified_days_ago=200)
    site_verify(site=site, by=StaffFactory(), note="vor Ort")

    assert not SiteStatusChange.objects.filter(site=site).exists()
    assert site.history.first().history_change_reason == "verified: vor Ort"


# --- Reports from the street --------------------------------------------------------------------


def test_a_report_on_a_site_on_offer_is_an_open_task():
    site = SiteFactory()

    report = site_report_create(site=site, message="  Neuer Laden seit Mai  ", client_key="1.2.3.4")

    assert report.message == "Neuer Laden seit Mai"
    assert list(open_site_reports()) == [report]


@pytest.mark.parametrize(
    "fields", [{"is_published": False}, {"status": SiteStatus.LET}], ids=["unpublished", "let"]
)
def test_a_site_that_is_not_public_cannot_be_reported(fields):
    site = SiteFactory(**fields)

    with pytest.raises(SiteNotReportable):
        site_report_create(site=site, message="", client_key="1.2.3.4")
    assert not SiteReport.objects.exists()


def test_reports_beyond_the_limit_of_one_address_are_refused_and_not_kept(settings):
    settings.SITE_REPORT_RATE = (2, 3600)
    site = SiteFactory()
    for _report in range(2):
        site_report_create(site=site, message="", client_key="1.2.3.4")

    with pytest.raises(TooManyReports) as refused:
        site_report_create(site=site, message="", client_key="1.2.3.4")

    assert 0 < refused.value.retry_after <= 3600
    site_report_create(site=site, message="", client_key="5.6.7.8")  # another address may
    assert SiteReport.objects.count() == 3


def test_a_report_message_longer_than_the_field_is_refused():
    with pytest.raises(ValidationError):
        site_report_create(site=SiteFactory(), message="x" * 2001, client_key="1.2.3.4")


def test_a_confirmed_report_changes_the_status_through_the_history_and_closes_all_reports():
    site = _site(verified_days_ago=200)
    first = site_report_create(site=site, message="", client_key="a")
    second = site_report_create(site=site, message="", client_key="b")
    staff = StaffFactory()

    closed = site_report_handle(report=first, by=staff, confirmed=True, status=SiteStatus.LET)

    assert closed == 2
    site.refresh_from_db()
    assert site.status == SiteStatus.LET and site.last_verified == timezone.localdate()
    change = site.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("vacant", "let", staff)
    assert site.history.first().history_change_reason.startswith(VERIFIED)
    for report in (first, second):
        report.refresh_from_db()
        assert (report.status, report.handled_by) == (SiteReportStatus.CONFIRMED, staff)
        assert report.handled_at is not None
    assert not open_site_reports().exists()


def test_a_dismissed_report_leaves_the_site_free_and_counts_as_a_check():
    site = _site(verified_days_ago=200)
    report = site_report_create(site=site, message="", client_key="a")

    site_report_handle(report=report, by=StaffFactory(), confirmed=False)

    site.refresh_from_db()
    report.refresh_from_db()
    assert site.status == SiteStatus.VACANT and site.last_verified == timezone.localdate()
    assert report.status == SiteReportStatus.DISMISSED
    assert not site.status_changes.exists()


def test_a_confirmed_report_needs_a_status_that_is_not_vacant():
    report = site_report_create(site=SiteFactory(), message="", client_key="a")

    for status in (None, SiteStatus.VACANT):
        with pytest.raises(ValidationError):
            site_report_handle(report=report, by=StaffFactory(), confirmed=True, status=status)
    report.refresh_from_db()
    assert report.status == SiteReportStatus.OPEN


def test_a_report_cannot_be_handled_twice():
    report = site_report_create(site=SiteFactory(), message="", client_key="a")
    site_report_handle(report=report, by=StaffFactory(), confirmed=False)

    with pytest.raises(ValidationError):
        site_report_handle(report=report, by=StaffFactory(), confirmed=True, status="let")


# --- The daily digest ---------------------------------------------------------------------------


@pytest.fixture
def office(settings):
    settings.SITE_URL = "https://fabtown.example.org"
    settings_row = CadastreSettings.current()
    settings_row.office_email = "leerstand@bochum.example.org"
    settings_row.save()
    return settings_row


def test_no_digest_is_sent_when_nothing_is_due(office, mailoutbox):
    _checked(1)
    _checked(400, status=SiteStatus.LET)

    assert verification_digest_send() == 0
    assert mailoutbox == []


def test_the_digest_lists_overdue_records_and_reports_for_the_office_without_owner_data(
    office, mailoutbox
):
    _checked(100, name="Ladenlokal Brückstraße")
    old = _checked(300, name="Werkstatt Alleestraße")
    reported = _checked(0, name="Café am Husemannplatz")
    site_report_create(site=reported, message="Herr Meier hat hier eröffnet", client_key="a")

    assert verification_digest_send() == 1

    [message] = mailoutbox
    assert message.to == ["leerstand@bochum.example.org"]
    assert message.subject == (
        "Leerstandskataster: 2 zur Überprüfung fällig, 1 von der Straße gemeldet"
    )
    body = message.body
    assert "2 Einträge sind zur Überprüfung fällig." in body
    assert body.index("Werkstatt Alleestraße") < body.index("Ladenlokal Brückstraße")
    assert "210 Tage überfällig" in body
    assert f"https://fabtown.example.org/admin/vacancies/site/{old.pk}/change/" in body
    assert f"https://fabtown.example.org/admin/vacancies/site/{reported.pk}/change/" in body
    assert "https://fabtown.example.org/admin/vacancies/dashboard/" in body
    for private in ("Erika", "eigentuemerin", "0234", "Meier"):
        assert private not in body


def test_the_digest_lists_the_first_rows_and_counts_them_all(office, mailoutbox, monkeypatch):
    monkeypatch.setattr(verification, "DIGEST_ROWS", 2)
    for days in (100, 200, 300):
        _checked(days, name=f"Fläche {days}")

    verification_digest_send()

    body = mailoutbox[0].body
    assert "3 Einträge sind zur Überprüfung fällig." in body
    assert "Fläche 300" in body and "Fläche 200" in body and "Fläche 100" not in body
    assert "Die Übersicht zeigt die übrigen." in body


def test_without_an_office_address_the_staff_who_manage_sites_get_the_digest(mailoutbox):
    ensure_staff_groups()
    StaffFactory(email="redaktion@example.org", groups=[Group.objects.get(name=EDITORS)])
    StaffFactory(email="lesen@example.org", groups=[Group.objects.get(name=VIEWERS)])
    StaffFactory(email="weg@example.org", is_active=False, groups=[Group.objects.get(name=EDITORS)])
    SuperuserFactory(email="chefin@example.org")
    UserFactory(email="produzent@example.org")
    _checked(400)

    assert verification_digest_send() == 2

    assert sorted(address for m in mailoutbox for address in m.to) == [
        "chefin@example.org",
        "redaktion@example.org",
    ]


def test_the_daily_job_and_the_command_send_the_digest_once_each(office, mailoutbox):
    _checked(400)

    app.tasks["vacancies.tasks.verification_digest_daily"](timestamp=0)
    assert len(mailoutbox) == 1

    out = io.StringIO()
    call_command("send_verification_digest", stdout=out)
    assert len(mailoutbox) == 2
    assert "1 message(s) sent" in out.getvalue()


def test_the_digest_is_a_daily_periodic_task_of_the_worker():
    crons = {
        periodic.task.name: periodic.cron
        for periodic in app.periodic_registry.periodic_tasks.values()
    }
    assert crons["vacancies.tasks.verification_digest_daily"] == "45 4 * * *"
