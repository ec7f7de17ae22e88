"""Renewal, reminders, expiry, the treasurer's list and the retention of rejected applications."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from label.models import ApplicationStatus as S
from label.models import LabelApplication, LabelDecision, LabelSettings, Membership
from label.services import (
    label_applications_delete_personal_data,
    membership_renew,
    memberships_expire,
    memberships_send_renewal_reminders,
)
from producers.models import Producer
from producers.selectors import public_producers
from tests.factories import (
    ApplicantFactory,
    FeeTierFactory,
    LabelApplicationFactory,
    LabelApplicationPhotoFactory,
    MembershipFactory,
    ProducerFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def _ending(days_from_today: int, **values) -> Membership:
    return MembershipFactory(
        valid_from=TODAY - datetime.timedelta(days=300),
        valid_until=TODAY + datetime.timedelta(days=days_from_today),
        application=LabelApplicationFactory(contact_email="mitglied@example.org"),
        **values,
    )


def test_renewal_extends_the_membership_by_one_year_from_its_end():
    membership = _ending(10, reminder_sent_at=timezone.now())
    end = membership.valid_until
    renewed = membership_renew(membership=membership, by=StaffFactory())
    assert renewed.valid_until == end + datetime.timedelta(days=365)
    assert renewed.reminder_sent_at is None


def test_a_lapsed_membership_is_renewed_from_today():
    membership = MembershipFactory(
        valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2025, 1, 1)
    )
    renewed = membership_renew(membership=membership, by=StaffFactory())
    assert renewed.valid_until >= timezone.localdate() + datetime.timedelta(days=364)
    assert renewed.is_current()


def test_members_are_reminded_once_within_the_configured_days_before_expiry():
    LabelSettings.objects.create(id=1, reminder_days_before_expiry=30)
    due, later = _ending(20), _ending(60)
    assert memberships_send_renewal_reminders(today=TODAY) == 1
    assert memberships_send_renewal_reminders(today=TODAY) == 0
    (message,) = mail.outbox
    assert message.to == ["mitglied@example.org"]
    assert due.producer.name in message.body
    due.refresh_from_db(), later.refresh_from_db()
    assert due.reminder_sent_at is not None and later.reminder_sent_at is None


def test_an_expired_membership_loses_the_badge_and_the_member_is_told_once():
    membership = _ending(-1, producer=ProducerFactory(is_published=True))
    assert not public_producers().get(pk=membership.producer.pk).is_label_member
    assert memberships_expire(today=TODAY) == 1
    assert memberships_expire(today=TODAY) == 0
    assert "nicht mehr" in mail.outbox[0].body or "no longer" in mail.outbox[0].body


def test_a_renewed_member_is_not_told_that_an_old_term_ended():
    old = _ending(-5)
    MembershipFactory(producer=old.producer, valid_from=TODAY - datetime.timedelta(days=4))
    assert memberships_expire(today=TODAY) == 0


def test_the_daily_command_runs_reminders_and_expiry():
    out = io.StringIO()
    call_command("label_memberships_daily", stdout=out)
    assert "renewal reminder" in out.getvalue()


# --- Treasurer -------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_treasurer_list_has_current_members_their_tier_fee_and_the_months_total(client):
    small, big = FeeTierFactory(monthly_fee_eur=15), FeeTierFactory(monthly_fee_eur=50)
    MembershipFactory(producer=ProducerFactory(name="Aachener Feinkost"), fee_tier=small)
    MembershipFactory(producer=ProducerFactory(name="Brauerei"), fee_tier=big, kind="supporting")
    MembershipFactory(
        producer=ProducerFactory(name="Vorbei"),
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2025, 1, 1),
    )
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get(reverse("admin:label_membership_treasurer"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _header, *members, total = _csv(response)
    assert [row[0] for row in members] == ["Aachener Feinkost", "Brauerei"]
    assert [row[5] for row in members] == ["15,00", "50,00"]
    assert total[0].startswith("Summe") and total[5] == "65,00"


def test_the_treasurer_list_gives_a_formula_typed_as_company_name_as_text(client):
    MembershipFactory(
        producer=ProducerFactory(name='=HYPERLINK("http://x","Beitrag")'),
        fee_tier=FeeTierFactory(name="-Sondertarif", monthly_fee_eur=15),
    )
    client.force_login(StaffFactory(is_superuser=True))
    _header, member, _total = _csv(client.get(reverse("admin:label_membership_treasurer")))
    assert member[0] == '\'=HYPERLINK("http://x","Beitrag")'
    assert member[4] == "'-Sondertarif"
    assert member[5] == "15,00"


def test_the_treasurer_list_needs_its_permission_and_holds_no_contact_data(client):
    application = LabelApplicationFactory(contact_email="geheim@example.org")
    MembershipFactory(application=application)
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:label_membership_treasurer")).status_code == 403
    client.force_login(StaffFactory(is_superuser=True))
    body = client.get(reverse("admin:label_membership_treasurer")).content.decode()
    assert "geheim@example.org" not in body and application.contact_name not in body


def test_the_treasurer_list_takes_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    """Reason: producer and fee tier come with the membership in one query (select_related);
    the rest is session and user."""
    for _ in range(5):
        MembershipFactory()
    client.force_login(StaffFactory(is_superuser=True))
    with django_assert_max_num_queries(4):
        client.get(reverse("admin:label_membership_treasurer"))


# --- Retention -------------------------------------------------------------------------------


def _rejected(days_ago: int) -> LabelApplication:
    application = LabelApplicationFactory(
        applicant=ApplicantFactory(),
        status=S.REJECTED,
        submitted_at=timezone.now(),
        seat_street="Privatweg 1",
        products="Geheimrezept",
    )
    LabelApplicationPhotoFactory(application=application)
    LabelDecision.objects.create(
        application=application,
        from_status=S.IN_REVIEW,
        to_status=S.REJECTED,
        decided_by=StaffFactory(),
        decided_at=timezone.now() - datetime.timedelta(days=days_ago),
        reason="Kein Sitz in Bochum.",
    )
    return application


def test_rejected_applications_lose_their_personal_data_after_the_retention_period():
    LabelSettings.objects.create(id=1, rejected_retention_days=90)
    old, recent = _rejected(days_ago=120), _rejected(days_ago=10)
    assert label_applications_delete_personal_data() == 1
    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.contact_phone) == ("", "", "")
    assert old.seat_street == "" and old.products == "" and old.applicant is None
    assert old.personal_data_deleted_at is not None
    assert not old.photos.exists() and not old.history.exists()
    assert old.decisions.get().reason == "Kein Sitz in Bochum."  # the decision stays on record
    assert old.company_name and old.seat_postcode  # what the association must account for
    recent.refresh_from_db()
    assert recent.contact_email and recent.photos.exists()


def test_the_retention_command_removes_the_photo_files(django_capture_on_commit_callbacks):
    LabelSettings.objects.create(id=1, rejected_retention_days=30)
    application = _rejected(days_ago=40)
    photo_file = application.photos.get().image
    storage, name = photo_file.storage, photo_file.name
    assert storage.exists(name)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("label_delete_rejected_personal_data", stdout=out)
    assert "1 rejected" in out.getvalue()
    assert not storage.exists(name)


@pytest.mark.parametrize("status", [S.APPROVED, S.IN_REVIEW, S.NEEDS_INFORMATION])
def test_applications_that_were_not_rejected_keep_their_data(status):
    application = _rejected(days_ago=400)
    LabelApplication.objects.filter(pk=application.pk).update(status=status)
    assert label_applications_delete_personal_data() == 0


def test_supporting_members_carry_no_label():
    membership = MembershipFactory(kind="supporting", producer=ProducerFactory(is_published=True))
    assert not public_producers().get(pk=membership.producer.pk).is_label_member
    assert not Producer.objects.label_members().filter(pk=membership.producer.pk).exists()


def test_there_is_only_one_row_of_label_settings():
    from django.db import IntegrityError, transaction

    LabelSettings.load()
    with pytest.raises(IntegrityError, match="label_settings_single_row"), transaction.atomic():
        LabelSettings.objects.create(id=2)
    with pytest.raises(IntegrityError, match="retention_positive"), transaction.atomic():
        LabelSettings.objects.filter(id=1).update(rejected_retention_days=0)


def test_only_who_may_change_memberships_is_offered_their_renewal(client):
    from django.contrib.auth.models import Group

    from fabtown.roles import LABEL_BOARD, VIEWERS, ensure_staff_groups

    ensure_staff_groups()
    MembershipFactory()
    url = reverse("admin:label_membership_changelist")
    offered = {}
    for group_name in (VIEWERS, LABEL_BOARD):
        client.force_login(StaffFactory(groups=[Group.objects.get(name=group_name)]))
        form = client.get(url).context["action_form"]  # None when no action is offered
        choices = form.fields["action"].choices if form else []
        offered[group_name] = any(value == "renew" for value, _label in choices)
    assert offered == {VIEWERS: False, LABEL_BOARD: True}
