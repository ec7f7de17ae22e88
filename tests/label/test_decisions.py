import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from label.models import ApplicationStatus as S
from label.services import label_application_decide
from tests.factories import FeeTierFactory, LabelApplicationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _in_review():
    return LabelApplicationFactory(status=S.IN_REVIEW, submitted_at=timezone.now())


def test_a_decision_is_recorded_with_who_when_and_why():
    application, board_member = _in_review(), StaffFactory()
    decision = label_application_decide(
        application=application, by=board_member, decision=S.APPROVED, reason="Alle Kriterien."
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert (decision.from_status, decision.to_status) == (S.IN_REVIEW, S.APPROVED)
    assert decision.decided_by == board_member and decision.decided_at is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_without_a_reason_is_refused(reason):
    application = _in_review()
    with pytest.raises(ValidationError) as error:
        label_application_decide(
            application=application, by=StaffFactory(), decision=S.REJECTED, reason=reason
        )
    assert "reason" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and not application.decisions.exists()


@pytest.mark.parametrize(
    ("current", "decision"),
    [
        (S.DRAFT, S.APPROVED),
        (S.APPROVED, S.REJECTED),
        (S.REJECTED, S.APPROVED),
        (S.IN_REVIEW, S.DRAFT),
    ],
)
def test_illegal_transitions_are_refused(current, decision):
    application = LabelApplicationFactory(status=current, submitted_at=timezone.now())
    with pytest.raises(ValidationError):
        label_application_decide(
            application=application, by=StaffFactory(), decision=decision, reason="Grund"
        )
    application.refresh_from_db()
    assert application.status == current


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
