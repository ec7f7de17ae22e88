"""The task queue (procrastinate in PostgreSQL): every e-mail is a job committed with what sent
it, a mail server that is down only delays it, and the daily jobs are the worker's.

Tests in which the worker runs use real commits (transaction=True): the worker reads the jobs
over a connection of its own, as in production.
"""

import asyncio
import datetime
import json
import logging
import socket
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from procrastinate.contrib.django import app
from procrastinate.periodic import PeriodicDeferrer

from fabtown.mail import addresses_of, message_from_payload, message_to_payload
from fabtown.models import AccessibilityFeedback
from fabtown.services import accessibility_feedback_submit
from fabtown.tasks import MAIL_RETRY, queue_is_reachable, queue_stats
from label.models import ApplicationStatus
from tests.factories import ApplicantFactory, LabelApplicationFactory, MembershipFactory
from tests.label.helpers import application_form_data

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _empty_queue() -> None:
    # procrastinate's tables are not Django models of ours: the test database's flush between
    # tests leaves them alone.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers,"
            " procrastinate_workers"
        )


@pytest.fixture(autouse=True)
def empty_queue(request):
    if "django_db_setup" not in request.fixturenames:  # a test without the database
        yield
        return
    request.getfixturevalue("_django_db_helper")
    _empty_queue()
    yield
    _empty_queue()


@pytest.fixture
def queued_mail(settings):
    """The site's real EMAIL_BACKEND (pytest-django puts locmem in its place for every test);
    what the worker delivers lands in mail.outbox."""
    settings.EMAIL_BACKEND = "fabtown.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    return settings


@pytest.fixture
def mail_server_down(queued_mail):
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    queued_mail.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    queued_mail.EMAIL_HOST, queued_mail.EMAIL_PORT, queued_mail.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return queued_mail


def in_a_thread_of_its_own(function) -> None:
    """Run what starts an event loop (asyncio.run) beside the main thread: after a browser test,
    Playwright keeps an event loop running in the main thread for the rest of the session, and
    asyncio.run refuses to start there. What it raises is raised here."""
    failures: list[BaseException] = []

    def call() -> None:
        try:
            function()
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def run_worker() -> None:
    """One pass of a worker as `manage.py procrastinate worker` runs it (with a connection pool
    of its own, not Django's connection): every job that is due, then it stops."""

    def work() -> None:
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)

    in_a_thread_of_its_own(work)


def mail_jobs() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status::text, attempts, scheduled_at, args FROM procrastinate_jobs"
            " WHERE task_name = 'fabtown.tasks.deliver_email' ORDER BY id"
        )
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return [{**row, "args": json.loads(row["args"])} for row in rows]


def make_retries_due() -> None:
    """Time passes: the retries the worker scheduled are due now."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")


# --- The outage: THE test of the issue ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_submission_succeeds_while_the_mail_server_is_down_and_its_mails_go_out_once_later(
    client, mail_server_down
):
    applicant = ApplicantFactory()
    application = LabelApplicationFactory(
        applicant=applicant, company_name="Töpferei Ruhrton", contact_email="ton@example.org"
    )
    client.force_login(applicant)
    url = reverse("label:application_edit", args=[application.pk])

    response = client.post(url, application_form_data(application, action="submit"), follow=True)

    assert response.redirect_chain == [(reverse("label:application", args=[application.pk]), 302)]
    with translation.override("de"):
        confirmation = translation.gettext(
            "Your application is submitted. We sent you a confirmation."
        )
    assert escape(confirmation) in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert mail.outbox == []
    assert [job["status"] for job in mail_jobs()] == ["todo", "todo"]  # to applicant and board

    run_worker()  # the mail server refuses

    assert mail.outbox == []
    jobs = mail_jobs()
    assert [(job["status"], job["attempts"]) for job in jobs] == [("todo", 1), ("todo", 1)]
    assert all(job["scheduled_at"] > timezone.now() for job in jobs)  # retried later

    mail_server_down.EMAIL_DELIVERY_BACKEND = LOCMEM  # the mail server is back
    make_retries_due()
    run_worker()

    delivered = sorted((message.to, message.subject) for message in mail.outbox)
    assert delivered == [
        (["fabtown@example.org"], "Neuer Label-Antrag: Töpferei Ruhrton"),
        (["ton@example.org"], "Ihr Antrag auf das Label „Made by Bochum“ (Töpferei Ruhrton): "
                              "eingereicht"),
    ]  # fmt: skip
    assert mail_jobs() == []  # a delivered message's job is deleted with its personal data
    make_retries_due()
    run_worker()
    assert len(mail.outbox) == 2  # exactly once


@pytest.mark.django_db(transaction=True)
def test_no_email_is_queued_for_a_submission_that_was_rolled_back(queued_mail):
    with pytest.raises(RuntimeError), transaction.atomic():
        accessibility_feedback_submit(message="Der Kontrast im Kopf ist zu schwach.")
        assert len(mail_jobs()) == 1  # deferred in the submission's transaction …
        raise RuntimeError("the request failed after the e-mail was sent")
    assert AccessibilityFeedback.objects.count() == 0
    assert mail_jobs() == []  # … and gone with it
    run_worker()
    assert mail.outbox == []


@pytest.mark.django_db
def test_every_door_sends_through_the_queue_also_sign_up(client, queued_mail):
    data = {"email": "neu@example.org", "password1": "Ein-langes-Passwort-2026",
            "password2": "Ein-langes-Passwort-2026"}  # fmt: skip
    assert client.post(reverse("account_signup"), data).status_code == 302
    assert mail.outbox == []
    assert [job["args"]["addresses"] for job in mail_jobs()] == [["neu@example.org"]]


# --- Retries and the personal data in a failed job ---------------------------------------------


def test_retries_back_off_up_to_four_hours_and_end_after_about_two_days():
    waits = [MAIL_RETRY.wait_after(attempts) for attempts in range(MAIL_RETRY.max_attempts)]
    assert waits[:3] == [60, 120, 240] and max(waits) == 4 * 3600
    assert datetime.timedelta(days=1.5) < datetime.timedelta(seconds=sum(waits))
    assert datetime.timedelta(seconds=sum(waits)) < datetime.timedelta(days=2.5)


class SiteLogs(logging.Handler):
    """What the site's own handlers (console, structured logs) receive: the root logger's."""

    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(
            f"{record.getMessage()} {record.__dict__} {self.format(record)}"
            for record in self.records
        )


@pytest.fixture
def site_logs():
    root, handler = logging.getLogger(), SiteLogs()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.django_db(transaction=True)
def test_a_message_that_cannot_be_delivered_ends_as_failed_without_personal_data_in_the_logs(
    mail_server_down, site_logs, caplog
):
    send_mail("Ihr geheimer Betreff", "Vertraulicher Text", None, ["Erika <erika@example.org>"])
    with connection.cursor() as cursor:  # the retries before the last one have failed
        cursor.execute("UPDATE procrastinate_jobs SET attempts = %s", [MAIL_RETRY.max_attempts])

    run_worker()

    assert [job["status"] for job in mail_jobs()] == ["failed"]
    assert mail.outbox == []
    # what the site's handlers get, and what anything else that listens sees (pytest, an
    # error tracker's logging integration)
    logged = site_logs.text() + " ".join(str(record.__dict__) for record in caplog.records)
    assert "fabtown.tasks.deliver_email[" in logged  # the job is logged …
    assert "ended with status: Error" in logged
    assert "MailNotDelivered: ConnectionRefusedError" in logged
    for personal in ("erika", "geheimer Betreff", "Vertraulicher Text"):
        assert personal not in logged  # … without recipient, subject or text


@pytest.mark.django_db(transaction=True)
def test_failed_jobs_are_purged_after_the_retention_period(mail_server_down, settings):
    send_mail("Alt", "Text", None, ["alt@example.org"])
    send_mail("Neu", "Text", None, ["neu@example.org"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET attempts = %s", [MAIL_RETRY.max_attempts])
    run_worker()
    old, recent = mail_jobs()
    assert (old["status"], recent["status"]) == ("failed", "failed")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_events SET at = now() - make_interval(days => %s)"
            " WHERE job_id = %s",
            [settings.QUEUE_RETENTION_DAYS + 1, old["id"]],
        )

    app.tasks["fabtown.tasks.purge_finished_jobs"].defer(timestamp=0)
    run_worker()

    assert [job["id"] for job in mail_jobs()] == [recent["id"]]


# --- Erasure -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_erasing_a_person_deletes_the_emails_to_them_still_in_the_queue(queued_mail):
    send_mail("Ihr Antrag", "Text", None, ["Max Muster <Max.Muster@example.org>"])
    send_mail("Für andere", "Text", None, ["andere@example.org"], fail_silently=False)
    [to_max, to_other] = mail_jobs()
    out = StringIO()

    call_command("erase_person", email="max.muster@example.org", stdout=out)

    assert [job["id"] for job in mail_jobs()] == [to_other["id"]]
    assert f"queued e-mails (jobs deleted): 1 ({to_max['id']})" in out.getvalue()
    assert "example.org" not in out.getvalue()


# --- The daily jobs ----------------------------------------------------------------------------


def test_the_daily_jobs_are_periodic_tasks_of_the_worker():
    crons = {
        periodic.task.name: periodic.cron
        for periodic in app.periodic_registry.periodic_tasks.values()
    }
    assert crons == {
        "label.tasks.memberships_daily": "15 4 * * *",
        "label.tasks.delete_rejected_personal_data": "20 4 * * *",
        "vacancies.tasks.space_request_reminders": "25 4 * * *",
        "vacancies.tasks.space_request_retention": "30 4 * * *",
        "vacancies.tasks.verification_digest_daily": "45 4 * * *",
        "measures.tasks.measure_reminders_daily": "50 4 * * *",
        "fabtown.tasks.purge_finished_jobs": "30 2 * * *",
        "fabtown.tasks.retry_stalled_jobs": "*/5 * * * *",
    }


@pytest.mark.django_db
def test_the_daily_membership_job_queues_the_reminders(queued_mail):
    today = timezone.localdate()
    membership = MembershipFactory(
        valid_until=today + datetime.timedelta(days=10),
        application=LabelApplicationFactory(contact_email="mitglied@example.org"),
    )

    app.tasks["label.tasks.memberships_daily"](timestamp=0)

    membership.refresh_from_db()
    assert membership.reminder_sent_at is not None
    assert [job["args"]["addresses"] for job in mail_jobs()] == [["mitglied@example.org"]]


@pytest.mark.django_db
def test_the_daily_retention_job_deletes_old_rejected_applications_personal_data():
    from tests.label.test_memberships import _rejected

    old = _rejected(days_ago=400)

    app.tasks["label.tasks.delete_rejected_personal_data"](timestamp=0)

    old.refresh_from_db()
    assert old.contact_email == "" and old.personal_data_deleted_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_workers_defer_a_daily_job_once_per_day():
    periodic = next(
        p
        for p in app.periodic_registry.periodic_tasks.values()
        if p.task.name == "label.tasks.memberships_daily"
    )
    due = int(datetime.datetime(2026, 3, 2, 4, 15, tzinfo=datetime.UTC).timestamp())
    for _worker in range(2):  # each worker has a deferrer of its own
        deferrer = PeriodicDeferrer(registry=app.periodic_registry)
        in_a_thread_of_its_own(lambda d=deferrer: asyncio.run(d.defer_jobs([(periodic, due)])))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s", [periodic.task.name]
        )
        assert cursor.fetchone()[0] == 1


# --- The messages themselves, and a queue that cannot be written --------------------------------


def test_a_message_comes_out_of_the_queue_as_it_went_in():
    message = EmailMultiAlternatives(
        subject="Betreff mit Umlaut ä",
        body="Text",
        from_email="FabTown <noreply@example.org>",
        to=["Erika <erika@example.org>"],
        cc=["kopie@example.org"],
        bcc=["blind@example.org"],
        reply_to=["antwort@example.org"],
        headers={"X-Fabtown": "1"},
    )
    message.attach_alternative("<p>Text</p>", "text/html")
    message.attach("bild.png", b"\x89PNG\r\n\x00\xff", "image/png")
    message.attach("notiz.txt", "Grüße", "text/plain")

    rebuilt = message_from_payload(json.loads(json.dumps(message_to_payload(message))))

    for field in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to"):
        assert getattr(rebuilt, field) == getattr(message, field)
    assert rebuilt.extra_headers == {"X-Fabtown": "1"}
    assert list(rebuilt.alternatives) == [("<p>Text</p>", "text/html")]
    assert [tuple(a) for a in rebuilt.attachments] == [tuple(a) for a in message.attachments]
    assert addresses_of(message) == [
        "antwort@example.org", "blind@example.org", "erika@example.org", "kopie@example.org"
    ]  # fmt: skip


@pytest.fixture
def queue_tables_missing(db):
    """As if procrastinate's migrations had not been applied (within the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE procrastinate_jobs RENAME TO procrastinate_jobs_away")
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE procrastinate_jobs_away RENAME TO procrastinate_jobs")


def test_without_a_queue_the_message_is_sent_at_once_and_the_transaction_goes_on(
    queued_mail, queue_tables_missing, caplog
):
    assert not queue_is_reachable()

    assert send_mail("Betreff", "Text", None, ["jemand@example.org"]) == 1

    assert [message.to for message in mail.outbox] == [["jemand@example.org"]]
    assert "Could not queue 1 e-mail(s), sending them directly" in caplog.text
    assert "jemand" not in caplog.text
    assert AccessibilityFeedback.objects.count() == 0  # the connection still answers


@pytest.mark.django_db
def test_the_queue_is_reachable_and_counts_its_jobs(queued_mail):
    send_mail("Betreff", "Text", None, ["jemand@example.org"])
    assert queue_is_reachable()
    assert queue_stats() == {"waiting": 1, "scheduled": 0, "running": 0, "failed": 0}
