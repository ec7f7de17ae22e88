"""Erasing a person (DSGVO Art. 17): from the records and the history tables alike, by command
and by admin action, with decisions kept on record without the person."""

from io import StringIO

import pytest
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from fabtown.models import AccessibilityFeedback
from fabtown.roles import EDITORS, LABEL_BOARD, VIEWERS, ensure_staff_groups
from label.models import ApplicationStatus as S
from label.models import LabelApplication, LabelDecision
from label.services import label_application_decide, label_application_submit
from producers.models import Producer
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    ProducerFactory,
    SiteFactory,
    StaffFactory,
)
from vacancies.models import Site

pytestmark = pytest.mark.django_db

OWNER = "Erika Mustereigentümerin"
OWNER_MAIL = "erika.eigentuemerin@example.org"
APPLICANT_MAIL = "max.antragsteller@example.org"


def _history_texts(model, **filters) -> str:
    rows = model.history.filter(**filters).values()
    return " ".join(str(value) for row in rows for value in row.values())


@pytest.fixture
def owned_site():
    site = SiteFactory(owner_name=OWNER, owner_contact=f"{OWNER_MAIL}, 0234 999999")
    site.owner_contact += " (mobil 0170 1234567)"
    site.save()  # a second version in the history
    return site


def test_a_deleted_sites_owner_is_erased_from_its_history_by_command(owned_site):
    site_id = owned_site.pk
    owned_site.delete()
    assert OWNER_MAIL in _history_texts(Site, id=site_id)
    output = StringIO()
    call_command("erase_person", email=OWNER_MAIL, stdout=output)
    assert OWNER not in _history_texts(Site, id=site_id)
    assert OWNER_MAIL not in _history_texts(Site, id=site_id)
    assert f"sites, owner data in record and history: 1 ({site_id})" in output.getvalue()
    assert OWNER_MAIL not in output.getvalue()  # the report names records, not data


def test_erasing_by_owner_name_clears_the_record_and_every_version(owned_site):
    call_command("erase_person", owner_name=OWNER.upper(), stdout=StringIO())
    site = Site.objects.get(pk=owned_site.pk)
    assert (site.owner_name, site.owner_contact, site.internal_notes) == ("", "", "")
    assert OWNER not in _history_texts(Site, id=site.pk)
    assert site.name and site.location  # the site itself stays


def test_a_dry_run_erases_nothing(owned_site):
    output = StringIO()
    call_command("erase_person", email=OWNER_MAIL, dry_run=True, stdout=output)
    assert "Would erase" in output.getvalue()
    assert Site.objects.get(pk=owned_site.pk).owner_name == OWNER


def test_the_command_says_so_when_it_finds_nobody():
    output = StringIO()
    call_command("erase_person", email="niemand@example.org", stdout=output)
    assert "Nothing found" in output.getvalue()


@pytest.fixture
def decided_applicant():
    """An applicant whose application went through submission and a board decision."""
    applicant = ApplicantFactory(email=APPLICANT_MAIL, username="max.antragsteller")
    producer = ProducerFactory(account=applicant)
    producer.description = "Vom Produzenten selbst geschrieben."
    producer._history_user = applicant
    producer.save()
    application = LabelApplicationFactory(
        applicant=applicant, producer=producer, contact_email=APPLICANT_MAIL, seat_street="Weg 7"
    )
    label_application_submit(application=application, by=applicant, note="Ruf mich an: 0170 99")
    board = StaffFactory()
    label_application_decide(application=application, by=board, decision=S.IN_REVIEW, reason="Ok")
    AccessibilityFeedback.objects.create(
        message="Kontrast zu schwach, schreibt Max Antragsteller.", email=APPLICANT_MAIL
    )
    return applicant, application, producer, board


def test_an_applicants_account_can_be_erased_and_decisions_stay_without_the_person(
    decided_applicant,
):
    applicant, application, producer, board = decided_applicant
    output = StringIO()
    call_command("erase_person", email=APPLICANT_MAIL, stdout=output)
    assert f"producer accounts with their applications: 1 ({applicant.pk})" in output.getvalue()
    assert not get_user_model().objects.filter(pk=applicant.pk).exists()
    application = LabelApplication.objects.get(pk=application.pk)
    assert application.contact_email == "" and application.seat_street == ""
    assert application.applicant is None and application.personal_data_deleted_at
    assert application.company_name  # the business stays on record
    submission, review = application.decisions.order_by("decided_at")
    assert submission.decided_by is None and "0170" not in submission.reason
    assert (review.decided_by, review.reason) == (board, "Ok")
    producer = Producer.objects.get(pk=producer.pk)
    assert producer.account is None
    assert set(producer.history.values_list("account", flat=True)) == {None}
    assert set(producer.history.values_list("history_user", flat=True)) <= {None}
    assert not AccessibilityFeedback.objects.exists()  # the text named the person too


def test_deleting_an_applicants_account_no_longer_hits_the_protected_decision(
    decided_applicant,
):
    applicant, application, *_ = decided_applicant
    applicant.delete()  # ProtectedError before: the submission step protected the account
    assert application.decisions.count() == 2


def test_the_database_still_refuses_every_other_change_of_a_decision(decided_applicant):
    _applicant, application, *_ = decided_applicant
    review = application.decisions.get(to_status=S.IN_REVIEW)
    for changes in ({"reason": "Anders"}, {"to_status": S.REJECTED}, {"decided_by": None,
                                                                     "reason": "–"}):  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            LabelDecision.objects.filter(pk=review.pk).update(**changes)
    LabelDecision.objects.filter(pk=review.pk).update(decided_by=None)  # forgetting who is allowed
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM label_labeldecision WHERE id = %s", [review.pk])
        assert cursor.fetchone()[0] == "Ok"


def test_staff_accounts_are_not_erased_by_the_command():
    StaffFactory(email="mitarbeiterin@example.org")
    output = StringIO()
    call_command("erase_person", email="mitarbeiterin@example.org", stdout=output)
    assert "Nothing found" in output.getvalue()
    assert get_user_model().objects.filter(email="mitarbeiterin@example.org").exists()


# --- Admin actions ------------------------------------------------------------------------------


def _staff(group_name):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group_name)])


def _act(client, url, action, records, confirm: bool):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [r.pk for r in records]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(url, data)


def test_editors_erase_an_owner_in_the_admin_after_confirming(client, owned_site):
    client.force_login(_staff(EDITORS))
    url = reverse("admin:vacancies_site_changelist")
    question = _act(client, url, "erase_owner_data", [owned_site], confirm=False)
    assert question.status_code == 200 and "DSGVO" in question.content.decode()
    assert Site.objects.get(pk=owned_site.pk).owner_name == OWNER  # not yet
    done = _act(client, url, "erase_owner_data", [owned_site], confirm=True)
    assert done.status_code == 302
    assert Site.objects.get(pk=owned_site.pk).owner_name == ""
    assert OWNER not in _history_texts(Site, id=owned_site.pk)


@pytest.mark.parametrize("group_name", [VIEWERS, LABEL_BOARD])
def test_other_staff_roles_cannot_erase_owners(client, owned_site, group_name):
    client.force_login(_staff(group_name))
    url = reverse("admin:vacancies_site_changelist")
    _act(client, url, "erase_owner_data", [owned_site], confirm=True)
    assert Site.objects.get(pk=owned_site.pk).owner_name == OWNER


def test_the_board_erases_an_applicant_in_the_admin(client, decided_applicant):
    applicant, application, *_ = decided_applicant
    client.force_login(_staff(LABEL_BOARD))
    url = reverse("admin:label_labelapplication_changelist")
    assert _act(client, url, "erase_applicant", [application], confirm=True).status_code == 302
    assert not get_user_model().objects.filter(pk=applicant.pk).exists()
    assert LabelApplication.objects.get(pk=application.pk).contact_email == ""


def test_viewers_cannot_erase_applicants(client, decided_applicant):
    applicant, application, *_ = decided_applicant
    client.force_login(_staff(VIEWERS))
    url = reverse("admin:label_labelapplication_changelist")
    _act(client, url, "erase_applicant", [application], confirm=True)
    assert get_user_model().objects.filter(pk=applicant.pk).exists()


def test_the_retention_job_and_erasure_blank_the_same_fields(decided_applicant):
    """One definition (LabelApplication.PERSONAL_FIELDS) serves both."""
    from label.services import application_erase_personal_data

    _applicant, application, *_ = decided_applicant
    application_erase_personal_data(application=application, now=timezone.now())
    application.refresh_from_db()
    assert all(getattr(application, f) == "" for f in LabelApplication.PERSONAL_FIELDS)
    assert not application.history.exists()


def test_an_office_leads_name_and_address_are_erased_from_record_and_history():
    from measures.models import Office
    from tests.factories import OfficeFactory

    office = OfficeFactory(lead_name="Dr. Leitung Beispiel", lead_email="Leitung@Bochum.example")
    office.lead_name = "Dr. Leitung Beispiel-Neu"
    office.save()  # a second version in the history
    output = StringIO()
    call_command("erase_person", email="leitung@bochum.example", stdout=output)
    texts = _history_texts(Office, id=office.pk)
    assert "Leitung Beispiel" not in texts and "leitung@bochum.example" not in texts.lower()
    office.refresh_from_db()
    assert (office.lead_name, office.lead_email, office.name) == ("", "", office.name)
    assert f"offices, their lead in record and history: 1 ({office.pk})" in output.getvalue()
    assert "Leitung@Bochum.example" not in output.getvalue()
