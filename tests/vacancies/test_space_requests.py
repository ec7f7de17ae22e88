"""Space requests' lifecycle: recorded, renewed, reminded, closed, expired and erased."""

import datetime
import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.factories import SearchAreaFactory, SpaceRequestFactory, StaffFactory
from vacancies.models import CadastreSettings, SpaceRequest
from vacancies.services.space_requests import (
    space_request_close,
    space_request_create,
    space_request_erase,
    space_request_renew,
    space_request_update,
    space_request_withdraw_by_requester,
    space_requests_erase_expired,
    space_requests_send_reminders,
)

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_name": "Jana Gesuchstellerin",
    "contact_email": "jana.gesuch@example.org",
    "contact_phone": "0234 555777",
    "organisation": "Keramikstudio Jana",
}
SECRETS = list(CONTACT.values())


def _today() -> datetime.date:
    return timezone.localdate()


def _settings(**values) -> CadastreSettings:
    row = CadastreSettings.current()
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


def _history_texts(request_id: int) -> str:
    rows = SpaceRequest.history.filter(id=request_id).values()
    return " ".join(str(value) for row in rows for value in row.values())


# --- Recording --------------------------------------------------------------------------------


def test_a_new_request_runs_for_the_configured_validity_from_today():
    _settings(request_validity_days=30)
    staff = StaffFactory()
    area = SearchAreaFactory()
    record = space_request_create(
        data={"title": "Siebdruckwerkstatt", "search_areas": [area], **CONTACT},
        by=staff,
        source="staff",
    )
    assert record.expires_on == _today() + datetime.timedelta(days=30)
    assert record.recorded_by == staff and record.consent_given_at is None
    assert list(record.search_areas.all()) == [area]
    assert record.history.get().history_user == staff
    assert mail.outbox == []  # staff record it; the public form confirms by e-mail


def test_the_public_form_records_the_consent_and_confirms_with_the_links():
    record = space_request_create(
        data={"title": "Rösterei mit Café", **CONTACT}, by=None, source="public_form", language="en"
    )
    assert record.consent_given_at is not None and record.recorded_by is None
    (message,) = mail.outbox
    assert message.to == ["jana.gesuch@example.org"]
    assert f"/en/sites/request/{record.token}/renew/" in message.body
    assert f"/en/sites/request/{record.token}/withdraw/" in message.body


def test_a_request_is_checked_like_every_other_record():
    with pytest.raises(ValidationError) as error:
        space_request_create(
            data={"title": "", "floor_area_min_m2": 100, "floor_area_max_m2": 50},
            by=None,
            source="api",
        )
    assert {"title", "floor_area_max_m2"} <= set(error.value.message_dict)
    assert not SpaceRequest.objects.exists()


def test_an_update_keeps_the_rules_and_refuses_new_contact_data_after_the_erasure():
    record = SpaceRequestFactory()
    space_request_update(space_request=record, data={"title": "Größer"}, by=None)
    assert SpaceRequest.objects.get().title == "Größer"
    space_request_erase(request_id=record.pk, by=None)
    record.refresh_from_db()
    with pytest.raises(ValidationError):
        space_request_update(
            space_request=record, data={"contact_email": "neu@example.org"}, by=None
        )


# --- Renewal, closing ------------------------------------------------------------------------


def test_renewing_by_the_token_extends_the_request_once_a_day():
    _settings(request_validity_days=90)
    record = SpaceRequestFactory(
        expires_on=_today() + datetime.timedelta(days=3), reminded_at=timezone.now()
    )
    renewed = space_request_renew(token=str(record.token))
    assert renewed.expires_on == _today() + datetime.timedelta(days=90)
    assert renewed.reminded_at is None  # the new term gets its own reminder
    versions = record.history.count()
    space_request_renew(token=record.token)
    assert record.history.count() == versions  # nothing changed the second time


def test_an_expired_request_can_be_renewed_until_its_data_are_erased():
    record = SpaceRequestFactory(expires_on=_today() - datetime.timedelta(days=10))
    assert record not in SpaceRequest.objects.active()
    space_request_renew(token=record.token)
    assert record in SpaceRequest.objects.active()
    space_request_erase(request_id=record.pk, by=None)
    with pytest.raises(ValidationError):
        space_request_renew(token=record.token)


def test_closed_requests_are_not_renewed_and_closing_twice_changes_nothing():
    record = SpaceRequestFactory()
    space_request_close(space_request=record, status="fulfilled", by=None)
    closed_at = SpaceRequest.objects.get().closed_at
    assert closed_at is not None
    space_request_close(space_request=record, status="withdrawn", by=None)
    assert SpaceRequest.objects.get().status == "fulfilled"
    assert SpaceRequest.objects.get().closed_at == closed_at
    with pytest.raises(ValidationError):
        space_request_renew(token=record.token)
    with pytest.raises(ValidationError):
        space_request_close(space_request=record, status="open", by=None)


def test_the_requester_withdraws_by_the_token():
    record = SpaceRequestFactory()
    space_request_withdraw_by_requester(token=record.token)
    record.refresh_from_db()
    assert record.status == "withdrawn" and record not in SpaceRequest.objects.active()
    with pytest.raises(SpaceRequest.DoesNotExist):
        space_request_withdraw_by_requester(token="00000000-0000-0000-0000-000000000000")


def test_only_open_requests_that_have_not_expired_are_active():
    active = SpaceRequestFactory(expires_on=_today())
    SpaceRequestFactory(expires_on=_today() - datetime.timedelta(days=1))
    SpaceRequestFactory(status="fulfilled")
    SpaceRequestFactory(status="withdrawn")
    assert list(SpaceRequest.objects.active()) == [active]


# --- Reminders --------------------------------------------------------------------------------


def test_reminders_go_once_to_requests_expiring_within_the_reminder_period():
    _settings(request_reminder_days=14)
    due = SpaceRequestFactory(expires_on=_today() + datetime.timedelta(days=14))
    SpaceRequestFactory(expires_on=_today() + datetime.timedelta(days=15))  # not yet
    SpaceRequestFactory(expires_on=_today() - datetime.timedelta(days=1))  # expired
    SpaceRequestFactory(expires_on=_today() + datetime.timedelta(days=2), status="withdrawn")
    SpaceRequestFactory(expires_on=_today() + datetime.timedelta(days=2), contact_email="")

    assert space_requests_send_reminders() == 1
    assert space_requests_send_reminders() == 0  # once

    (message,) = mail.outbox
    assert message.to == ["jana.gesuch@example.org"]
    assert f"/flaechen/gesuch/{due.token}/verlaengern/" in message.body
    assert f"/flaechen/gesuch/{due.token}/zurueckziehen/" in message.body
    due.refresh_from_db()
    assert due.reminded_at is not None


def test_a_reminder_that_could_not_go_out_goes_with_the_next_run(monkeypatch):
    record = SpaceRequestFactory(expires_on=_today() + datetime.timedelta(days=3))
    monkeypatch.setattr("vacancies.services.space_requests.send_mail", lambda *a, **k: 0)
    assert space_requests_send_reminders() == 0
    record.refresh_from_db()
    assert record.reminded_at is None
    monkeypatch.undo()
    assert space_requests_send_reminders() == 1


# --- Retention and erasure ------------------------------------------------------------------


def _with_history(**kwargs) -> SpaceRequest:
    record = SpaceRequestFactory(**kwargs)
    record.contact_phone = "0170 1234567"
    record.save()  # a second version in the history, with the old phone number in the first
    return record


def test_contact_data_are_erased_from_record_and_history_after_the_retention_period(caplog):
    _settings(request_retention_days=90)
    old = _with_history(expires_on=_today() - datetime.timedelta(days=91))
    kept = _with_history(expires_on=_today() - datetime.timedelta(days=90))  # not yet
    closed_long_ago = _with_history()
    SpaceRequest.objects.filter(pk=closed_long_ago.pk).update(
        status="withdrawn", closed_at=timezone.now() - datetime.timedelta(days=100)
    )

    with caplog.at_level(logging.INFO, logger="fabtown.erasure"):
        assert space_requests_erase_expired() == 2

    for record in (old, closed_long_ago):
        record.refresh_from_db()
        assert record.personal_data_erased_at is not None
        assert [getattr(record, f) for f in SpaceRequest.PRIVATE_FIELDS] == ["", "", "", ""]
        texts = _history_texts(record.pk)
        assert not [secret for secret in [*SECRETS, "0170 1234567"] if secret in texts]
        assert record.title  # what was asked for stays, for the statistics
    old.refresh_from_db()
    assert old.status == "open"  # it expired; it was not withdrawn
    kept.refresh_from_db()
    assert kept.contact_email == "jana.gesuch@example.org"
    assert "0234 555777" in _history_texts(kept.pk)
    # the log names records, never the data
    assert caplog.records and not [s for s in SECRETS if s in caplog.text]
    assert space_requests_erase_expired() == 0


def test_erasing_on_demand_withdraws_an_active_request_and_empties_its_history():
    record = _with_history(notify_matches=True)
    staff = StaffFactory()
    space_request_erase(request_id=record.pk, by=staff)
    record.refresh_from_db()
    assert record.status == "withdrawn" and record.closed_at is not None
    assert not record.notify_matches
    assert not [s for s in SECRETS if s in _history_texts(record.pk)]


def test_erasing_a_person_by_e_mail_erases_their_requests_also_deleted_ones():
    live = _with_history()
    gone = _with_history()
    gone_id = gone.pk
    gone.delete()
    other = SpaceRequestFactory(contact_email="someone.else@example.org")
    output = StringIO()
    call_command("erase_person", email="JANA.gesuch@example.org", stdout=output)
    report = output.getvalue()
    assert f"space requests, contact data in record and history: 2 ({live.pk}, {gone_id})" in (
        report
    )
    assert "jana.gesuch@example.org" not in report
    for request_id in (live.pk, gone_id):
        assert not [s for s in SECRETS if s in _history_texts(request_id)]
    other.refresh_from_db()
    assert other.contact_email == "someone.else@example.org"


def test_the_daily_jobs_of_the_worker_remind_and_erase():
    from procrastinate.contrib.django import app

    _settings(request_retention_days=30)
    due = SpaceRequestFactory(expires_on=_today() + datetime.timedelta(days=1))
    old = SpaceRequestFactory(expires_on=_today() - datetime.timedelta(days=31))
    app.tasks["vacancies.tasks.space_request_reminders"](timestamp=0)
    app.tasks["vacancies.tasks.space_request_retention"](timestamp=0)
    due.refresh_from_db()
    old.refresh_from_db()
    assert due.reminded_at is not None and len(mail.outbox) == 1
    assert old.personal_data_erased_at is not None and old.contact_email == ""
