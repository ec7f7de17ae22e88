"""A mail server that is down never turns a saved submission into an error page, and the daily
job sends what failed with its next run."""

import datetime
import logging
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from fabtown.models import AccessibilityFeedback
from label.models import ApplicationStatus
from label.services import memberships_send_renewal_reminders
from tests.factories import ApplicantFactory, LabelApplicationFactory, MembershipFactory
from tests.label.helpers import application_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server_down(settings, caplog):
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "fabtown.mail.ResilientEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    caplog.set_level(logging.ERROR, logger="fabtown.mail")
    return caplog


def test_an_accessibility_report_is_kept_when_the_mail_server_is_down(client, mail_server_down):
    response = client.post(
        reverse("pages:accessibility"), {"message": "Der Kontrast im Kopf ist zu schwach."}
    )
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.count() == 1
    assert "Could not send 1 e-mail(s): ConnectionRefusedError" in mail_server_down.text


def test_a_label_application_is_submitted_when_the_mail_server_is_down(
    client, mail_server_down, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory()
    application = LabelApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    url = reverse("label:application_edit", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go after the commit
        response = client.post(url, application_form_data(application, action="submit"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert "Could not send" in mail_server_down.text


def test_signing_up_works_when_the_mail_server_is_down(client, mail_server_down):
    from django.contrib.auth import get_user_model

    data = {"email": "neu@example.org", "password1": "Ein-langes-Passwort-2026",
            "password2": "Ein-langes-Passwort-2026"}  # fmt: skip
    assert client.post(reverse("account_signup"), data).status_code == 302
    assert get_user_model().objects.filter(email="neu@example.org").exists()


def test_a_reminder_that_did_not_go_out_is_sent_with_the_next_run(mail_server_down, settings):
    from django.core import mail

    today = timezone.localdate()
    membership = MembershipFactory(
        valid_until=today + datetime.timedelta(days=10),
        application=LabelApplicationFactory(contact_email="mitglied@example.org"),
    )
    assert memberships_send_renewal_reminders(today=today) == 0
    membership.refresh_from_db()
    assert membership.reminder_sent_at is None
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert memberships_send_renewal_reminders(today=today) == 1
    assert [m.to for m in mail.outbox] == [["mitglied@example.org"]]
