"""Every status transition of a label application, and what the board's decisions cause."""

import datetime
import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from label.models import ApplicationStatus as S
from label.models import LabelDecision, Membership
from label.seed import load_fee_tiers
from label.services import (
    BOARD_DECISIONS,
    TRANSITIONS,
    label_application_decide,
    label_application_submit,
)
from producers.models import Producer
from tests.factories import (
    ApplicantFactory,
    FeeTierFactory,
    LabelApplicationFactory,
    ProducerFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee_tiers():
    from collections import Counter

    load_fee_tiers(Counter())


def _application(status=S.IN_REVIEW, **values):
    submitted = None if status == S.DRAFT else timezone.now()
    return LabelApplicationFactory(
        status=status, submitted_at=submitted, applicant=ApplicantFactory(), **values
    )


def test_a_decision_is_recorded_with_who_when_and_why(fee_tiers):
    application, board_member = _application(), StaffFactory()
    decision = label_application_decide(
        application=application, by=board_member, decision=S.APPROVED, reason="Alle Kriterien."
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert (decision.from_status, decision.to_status) == (S.IN_REVIEW, S.APPROVED)
    assert decision.decided_by == board_member and decision.decided_at is not None
    assert decision.reason == "Alle Kriterien."


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_without_a_reason_is_refused(reason):
    application = _application()
    with pytest.raises(ValidationError) as error:
        label_application_decide(
            application=application, by=StaffFactory(), decision=S.REJECTED, reason=reason
        )
    assert "reason" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and not application.decisions.exists()


BOARD_STEPS = [
    (current, decision)
    for current, decision in itertools.product(S.values, sorted(BOARD_DECISIONS))
]


@pytest.mark.parametrize(("current", "decision"), BOARD_STEPS)
def test_the_board_takes_only_the_steps_the_transition_table_allows(current, decision, fee_tiers):
    application = _application(status=current)
    allowed = decision in TRANSITIONS[current]
    if allowed:
        label_application_decide(
            application=application, by=StaffFactory(), decision=decision, reason="Grund"
        )
    else:
        with pytest.raises(ValidationError):
            label_application_decide(
                application=application, by=StaffFactory(), decision=decision, reason="Grund"
            )
    application.refresh_from_db()
    assert application.status == (decision if allowed else current)
    assert application.decisions.count() == (1 if allowed else 0)


@pytest.mark.parametrize("decision", [S.DRAFT, S.SUBMITTED])
def test_the_board_cannot_make_an_application_a_draft_or_submit_it(decision):
    with pytest.raises(ValidationError) as error:
        label_application_decide(
            application=_application(), by=StaffFactory(), decision=decision, reason="Grund"
        )
    assert "decision" in error.value.message_dict


def test_the_whole_way_from_draft_to_approval_is_recorded_step_by_step(fee_tiers):
    application = _application(status=S.DRAFT)
    board = StaffFactory()
    label_application_submit(application=application, by=application.applicant)
    for step in (S.IN_REVIEW, S.NEEDS_INFORMATION):
        label_application_decide(application=application, by=board, decision=step, reason="x")
    label_application_submit(application=application, by=application.applicant, note="Ergänzt.")
    for step in (S.IN_REVIEW, S.APPROVED):
        label_application_decide(application=application, by=board, decision=step, reason="y")
    steps = application.decisions.order_by("decided_at", "id").values_list("to_status", flat=True)
    assert list(steps) == [
        S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFORMATION, S.SUBMITTED, S.IN_REVIEW, S.APPROVED,
    ]  # fmt: skip
    assert application.decisions.filter(reason="Ergänzt.").exists()


def test_the_applicant_gets_an_email_with_the_boards_reason_at_each_change(
    django_capture_on_commit_callbacks,
):
    application = _application(contact_email="werkstatt@example.org", language="de")
    with django_capture_on_commit_callbacks(execute=True):
        label_application_decide(
            application=application,
            by=StaffFactory(),
            decision=S.NEEDS_INFORMATION,
            reason="Bitte beschreiben Sie die Veredelung genauer.",
        )
    (message,) = mail.outbox
    assert message.to == ["werkstatt@example.org"]
    assert "Bitte beschreiben Sie die Veredelung genauer." in message.body
    assert "Rückfrage" in message.subject and "Antrag" in message.subject


def test_an_english_application_gets_english_emails(django_capture_on_commit_callbacks):
    application = _application(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        label_application_decide(
            application=application, by=StaffFactory(), decision=S.REJECTED, reason="No seat."
        )
    assert "The board's reason" in mail.outbox[0].body
    assert "/en/" in mail.outbox[0].body


def test_approval_grants_a_one_year_membership_with_the_fee_of_the_company_size(fee_tiers):
    producer = ProducerFactory()
    application = _application(producer=producer, company_size=4)
    label_application_decide(
        application=application, by=StaffFactory(), decision=S.APPROVED, reason="Passt."
    )
    membership = Membership.objects.get(producer=producer)
    today = timezone.localdate()
    assert membership.kind == "regular" and membership.application == application
    assert membership.valid_from == today
    assert membership.valid_until == today + datetime.timedelta(days=364)
    assert (membership.fee_tier.name, membership.fee_tier.monthly_fee_eur) == ("Klein", 15)
    producer.refresh_from_db()
    assert producer.account == application.applicant
    assert Producer.objects.label_members().filter(pk=producer.pk).exists()


def test_approving_a_new_company_creates_its_published_profile(fee_tiers):
    from django.contrib.gis.geos import GEOSGeometry

    application = _application(
        company_name="Glasbläserei Kortum",
        seat_street="Kortumstraße 12",
        location=GEOSGeometry("SRID=4326;POINT(7.2175 51.4812)"),
    )
    label_application_decide(
        application=application, by=StaffFactory(), decision=S.APPROVED, reason="Passt."
    )
    producer = Producer.objects.get(name="Glasbläserei Kortum")
    assert producer.is_published and producer.slug == "glasblaserei-kortum"
    assert producer.account == application.applicant
    assert producer.history.first().history_user is not None


def test_a_member_without_a_map_point_is_public_everywhere_only_without_a_marker(fee_tiers, client):
    application = _application(company_name="Ohne Punkt", location=None)
    label_application_decide(
        application=application, by=StaffFactory(), decision=S.APPROVED, reason="Passt."
    )
    producer = Producer.objects.get(name="Ohne Punkt")
    assert producer.is_published and producer.location is None
    profile = client.get(reverse("producers:profile", args=[producer.slug]))
    assert profile.status_code == 200
    assert "data-point" not in profile.content.decode()
    assert "Ohne Punkt" in client.get(reverse("label:about")).content.decode()
    members = client.get(reverse("producers:directory"), {"label": "true"})
    assert [p.name for p in members.context["page"]] == ["Ohne Punkt"]
    assert client.get(reverse("home")).context["figures"]["label_members"] == 1
    api = client.get("/api/v1/label-members/").json()
    assert [m["producer_name"] for m in api["results"]] == ["Ohne Punkt"]
    assert client.get(reverse("producers:map")).json()["features"] == []


def test_without_a_matching_fee_tier_approval_is_refused_and_nothing_changes():
    application = _application(company_size=3)
    with pytest.raises(ValidationError) as error:
        label_application_decide(
            application=application, by=StaffFactory(), decision=S.APPROVED, reason="Passt."
        )
    assert "fee_tier" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert not LabelDecision.objects.exists() and not Membership.objects.exists()


def test_a_recorded_decision_cannot_be_changed_even_in_the_database():
    application = _application()
    decision = label_application_decide(
        application=application, by=StaffFactory(), decision=S.REJECTED, reason="Kein Sitz."
    )
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        LabelDecision.objects.filter(pk=decision.pk).update(reason="geändert")
    decision.refresh_from_db()
    assert decision.reason == "Kein Sitz."


def test_fees_stay_within_the_seeds_5_to_50_euros():
    with (
        pytest.raises(IntegrityError, match="fee_tier_fee_within_seed_range"),
        transaction.atomic(),
    ):
        FeeTierFactory(monthly_fee_eur=60)
    with (
        pytest.raises(IntegrityError, match="fee_tier_fee_within_seed_range"),
        transaction.atomic(),
    ):
        FeeTierFactory(monthly_fee_eur=4)


def test_members_hidden_before_for_lacking_a_point_are_published_by_the_data_migration():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("label.migrations.0007_publish_members_without_point")
    hidden = ProducerFactory(is_published=False, location=None)
    Membership.objects.create(
        producer=hidden,
        kind="regular",
        valid_from=timezone.localdate(),
        application=_application(status=S.APPROVED),
        fee_tier=FeeTierFactory(),
    )
    chosen = ProducerFactory(is_published=False, location=None)  # staff's own decision
    Membership.objects.create(
        producer=chosen, kind="regular", valid_from=timezone.localdate(), fee_tier=FeeTierFactory()
    )
    migration.publish_members_without_point(apps, None)
    hidden.refresh_from_db()
    chosen.refresh_from_db()
    assert hidden.is_published and not chosen.is_published
