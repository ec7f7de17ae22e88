"""The label board's review queue and decision page in the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from fabtown.roles import LABEL_BOARD, VIEWERS, ensure_staff_groups
from label.models import ApplicationStatus as S
from label.models import LabelDecision, Membership
from label.seed import load_fee_tiers
from tests.factories import ApplicantFactory, LabelApplicationFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_client(client):
    from collections import Counter

    ensure_staff_groups()
    load_fee_tiers(Counter())
    client.force_login(StaffFactory(groups=[Group.objects.get(name=LABEL_BOARD)]))
    return client


def _submitted(status=S.SUBMITTED, **values):
    return LabelApplicationFactory(
        applicant=ApplicantFactory(), status=status, submitted_at=timezone.now(), **values
    )


def _decide(client, application, decision, reason):
    url = reverse("admin:label_labelapplication_decide", args=[application.pk])
    return client.post(url, {"decision": decision, "reason": reason})


def test_the_queue_shows_applications_to_decide_first(board_client):
    open_one = _submitted(company_name="Töpferei Offen")
    draft = LabelApplicationFactory(company_name="Schreinerei Unfertig")
    body = board_client.get(reverse("admin:label_labelapplication_changelist")).content.decode()
    assert open_one.company_name in body and draft.company_name not in body


def test_the_board_sees_the_automatic_check_and_the_contact_data(board_client):
    application = _submitted(seat_postcode="45127")
    url = reverse("admin:label_labelapplication_change", args=[application.pk])
    body = board_client.get(url).content.decode()
    assert "45127 ist keine Bochumer Postleitzahl" in body
    assert application.contact_email in body
    assert "Entscheiden" in body


def test_viewers_see_the_application_without_personal_data(client):
    ensure_staff_groups()
    client.force_login(StaffFactory(groups=[Group.objects.get(name=VIEWERS)]))
    application = _submitted()
    url = reverse("admin:label_labelapplication_change", args=[application.pk])
    body = client.get(url).content.decode()
    assert application.company_name in body
    assert application.contact_email not in body and application.contact_name not in body
    assert _decide(client, application, S.IN_REVIEW, "x").status_code == 403


def test_the_board_reviews_and_approves_with_reasons_and_a_membership_follows(board_client):
    application = _submitted(company_size=1)
    assert _decide(board_client, application, S.IN_REVIEW, "Wir prüfen.").status_code == 302
    response = _decide(board_client, application, S.APPROVED, "Alle Kriterien erfüllt.")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert Membership.objects.get(application=application).fee_tier.monthly_fee_eur == 5


def test_a_decision_without_a_reason_is_refused_on_the_page(board_client):
    application = _submitted(status=S.IN_REVIEW)
    response = _decide(board_client, application, S.REJECTED, "")
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW


def test_only_the_next_legal_steps_are_offered(board_client):
    application = _submitted(status=S.SUBMITTED)
    url = reverse("admin:label_labelapplication_decide", args=[application.pk])
    choices = [
        value for value, _label in board_client.get(url).context["form"].fields["decision"].choices
    ]
    assert choices == [S.IN_REVIEW]
    assert _decide(board_client, application, S.APPROVED, "Sofort").status_code == 200
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_recorded_decisions_cannot_be_edited_or_deleted_in_the_admin(board_client):
    application = _submitted(status=S.IN_REVIEW)
    _decide(board_client, application, S.REJECTED, "Kein Sitz in Bochum.")
    decision = application.decisions.get()
    url = reverse("admin:label_labelapplication_change", args=[application.pk])
    response = board_client.get(url)
    inline = next(
        f
        for f in response.context["inline_admin_formsets"]
        if f.opts.model._meta.model_name == "labeldecision"
    )
    assert not inline.has_change_permission and not inline.has_delete_permission
    assert LabelDecision not in admin.site._registry  # no page of their own to edit them on
    decision.refresh_from_db()
    assert decision.reason == "Kein Sitz in Bochum."


def test_the_queue_takes_a_constant_number_of_queries(board_client, django_assert_max_num_queries):
    """Reason: the rows come in one query with their producer; the criteria are computed in
    Python; the rest is session, user, permissions and the counts of the changelist."""
    for _ in range(6):
        _submitted()
    with django_assert_max_num_queries(10):
        board_client.get(reverse("admin:label_labelapplication_changelist"))
