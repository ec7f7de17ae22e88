"""Proposals, their stages, and the match e-mails (vacancies.services.matching)."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import (
    MatchingSpaceRequestFactory,
    ProductionFormFactory,
    SiteFactory,
    StaffFactory,
)
from vacancies.models import (
    CadastreSettings,
    MatchNotification,
    ProposalStage,
    Site,
    SiteProposal,
    SiteStatus,
)
from vacancies.services import site_save, site_set_status
from vacancies.services.matching import (
    match_notifications_send,
    site_proposal_advance,
    site_propose,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 5, 4)


def _pair():
    return MatchingSpaceRequestFactory(), SiteFactory()


def test_proposing_a_site_records_it_once():
    staff = StaffFactory()
    space_request, site = _pair()
    proposal = site_propose(space_request=space_request, site=site, by=staff, score=80, on=DAY)
    assert (proposal.stage, proposal.score, proposal.proposed_on) == ("proposed", 80, DAY)
    assert proposal.recorded_by == staff
    assert proposal.history.first().history_user == staff
    with pytest.raises(ValidationError):
        site_propose(space_request=space_request, site=site, by=staff, score=80)
    assert SiteProposal.objects.count() == 1


def test_a_proposal_moves_forward_with_the_date_of_each_step():
    space_request, site = _pair()
    proposal = site_propose(space_request=space_request, site=site, by=None, score=None, on=DAY)
    viewing = DAY + datetime.timedelta(days=3)
    site_proposal_advance(proposal=proposal, stage="viewing", by=None, on=viewing)
    let = site_proposal_advance(
        proposal=proposal, stage="let", by=None, on=viewing, note="Mietvertrag unterschrieben"
    )
    assert (let.stage, let.viewing_on, let.let_on, let.note) == (
        "let", viewing, viewing, "Mietvertrag unterschrieben",
    )  # fmt: skip
    with pytest.raises(ValidationError):  # let is final
        site_proposal_advance(proposal=let, stage="viewing", by=None, on=viewing)


def test_a_lost_proposal_needs_a_reason_and_a_date_after_the_proposal():
    space_request, site = _pair()
    proposal = site_propose(space_request=space_request, site=site, by=None, score=50, on=DAY)
    with pytest.raises(ValidationError) as error:
        site_proposal_advance(proposal=proposal, stage="lost", by=None, on=DAY)
    assert "lost_reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        site_proposal_advance(
            proposal=proposal, stage="lost", by=None, on=DAY - datetime.timedelta(days=1),
            lost_reason="rent",
        )  # fmt: skip
    assert "lost_on" in error.value.message_dict
    lost = site_proposal_advance(
        proposal=proposal, stage=ProposalStage.LOST, by=None, on=DAY, lost_reason="rent"
    )
    assert (lost.stage, lost.lost_reason, lost.lost_on) == ("lost", "rent", DAY)


# --- Match e-mails ----------------------------------------------------------------------------


@pytest.fixture
def requests_for_80_m2():
    """Requests for about 80 m²: one that opted in, one that did not, one without an address,
    one that scores below the threshold (75), one expired."""
    wanted = {"floor_area_min_m2": 60, "floor_area_max_m2": 100, "notify_matches": True}
    return {
        "opted_in": MatchingSpaceRequestFactory(**wanted, max_rent_eur_per_month=1000),
        "not_opted_in": MatchingSpaceRequestFactory(**{**wanted, "notify_matches": False}),
        "no_address": MatchingSpaceRequestFactory(**wanted, contact_email=""),
        # 25 of 35 (the site is not marked as suitable for this form): 71
        "below": MatchingSpaceRequestFactory(**wanted, production_form=ProductionFormFactory()),
        "expired": MatchingSpaceRequestFactory(**wanted, expires_on=datetime.date(2020, 1, 1)),
    }


def _new_site(**values):
    site = SiteFactory(floor_area_m2=80, rent_eur_per_month=900, **values)
    site.suitable_forms.set([ProductionFormFactory(code="food", name="Lebensmittel")])
    return site


def test_a_published_site_is_mailed_once_to_each_request_that_opted_in(requests_for_80_m2):
    site = _new_site(name="Ladenlokal Kortumstraße 12")
    assert match_notifications_send(site=site) == 1
    (message,) = mail.outbox
    opted_in = requests_for_80_m2["opted_in"]
    assert message.to == [opted_in.contact_email]
    assert opted_in.title in message.subject
    assert f"/flaechen/{site.pk}/" in message.body
    assert f"/flaechen/gesuch/{opted_in.token}/verlaengern/" in message.body
    assert f"/flaechen/gesuch/{opted_in.token}/zurueckziehen/" in message.body
    assert "Fläche 80 m² liegt im Wunsch 60–100 m²" in message.body
    # the owner is never named, and a rent the owner did not publish stays unnamed
    assert "Erika" not in message.body and "eigentuemerin" not in message.body
    assert "900" not in message.body and "Miete im Rahmen Ihres Höchstbetrags" in message.body
    assert MatchNotification.objects.get().score == 100

    assert match_notifications_send(site=site) == 0  # never twice for the same site
    assert len(mail.outbox) == 1


def test_the_threshold_is_the_offices_setting(requests_for_80_m2):
    CadastreSettings.objects.update_or_create(pk=1, defaults={"match_notification_threshold": 70})
    assert match_notifications_send(site=_new_site()) == 2
    assert {m.to[0] for m in mail.outbox} == {
        requests_for_80_m2["opted_in"].contact_email, requests_for_80_m2["below"].contact_email,
    }  # fmt: skip


def test_sites_not_on_offer_send_nothing(requests_for_80_m2):
    assert match_notifications_send(site=_new_site(is_published=False)) == 0
    assert match_notifications_send(site=_new_site(status=SiteStatus.LET)) == 0
    assert mail.outbox == []


def _deferred_jobs() -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args FROM procrastinate_jobs WHERE task_name LIKE %s ORDER BY id",
            ["%send_match_notifications"],
        )
        return [json.loads(row[0]) for row in cursor.fetchall()]


def test_publishing_a_site_defers_the_e_mails_to_a_job():
    site = site_save(site=Site(**{**_site_values(), "is_published": False}), by=None)
    assert _deferred_jobs() == []
    site.is_published = True
    site_save(site=site, by=None)
    assert _deferred_jobs() == [{"site_id": site.pk}]
    site.name = "Neuer Name"
    site_save(site=site, by=None)  # already on offer: no second job
    assert len(_deferred_jobs()) == 1


def test_a_site_that_becomes_vacant_again_defers_the_e_mails():
    site = site_save(site=Site(**_site_values()), by=None, status=SiteStatus.LET)
    assert _deferred_jobs() == []
    site_set_status(site=site, status=SiteStatus.VACANT, by=None)
    assert _deferred_jobs() == [{"site_id": site.pk}]


def test_the_job_sends_the_e_mails(requests_for_80_m2):
    from fabtown.tasks import send_match_notifications

    site = _new_site()
    send_match_notifications(site_id=site.pk)
    assert len(mail.outbox) == 1


def _site_values() -> dict:
    from django.contrib.gis.geos import GEOSGeometry

    return {
        "name": "Halle am Gleisdreieck",
        "kind": "vacant_unit",
        "location": GEOSGeometry("SRID=4326;POINT(7.2163 51.4818)"),
        "floor_area_m2": 80,
        "is_published": True,
    }
