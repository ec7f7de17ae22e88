"""Writes of the brokering: proposals of a site to a request and their stages, and the e-mails
that tell requesters of newly published sites that match (vacancies.selectors.matching)."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from vacancies.models import (
    CadastreSettings,
    MatchNotification,
    ProposalStage,
    Site,
    SiteProposal,
    SpaceRequest,
)
from vacancies.selectors.matching import Match, matches_for_site
from vacancies.services import site_is_on_offer

logger = logging.getLogger(__name__)

# The requester's own links (built by the space-request part: vacancies' request views). By
# path, in German, the language of the e-mail: the views may not be routed where this runs.
RENEW_PATH = "/flaechen/gesuch/{token}/verlaengern/"
WITHDRAW_PATH = "/flaechen/gesuch/{token}/zurueckziehen/"

# From which stage a proposal may go where: forward only; let and lost are final.
NEXT_STAGES = {
    ProposalStage.PROPOSED: {ProposalStage.VIEWING, ProposalStage.LET, ProposalStage.LOST},
    ProposalStage.VIEWING: {ProposalStage.LET, ProposalStage.LOST},
    ProposalStage.LET: set(),
    ProposalStage.LOST: set(),
}
STAGE_DATE = {
    ProposalStage.VIEWING: "viewing_on",
    ProposalStage.LET: "let_on",
    ProposalStage.LOST: "lost_on",
}


@transaction.atomic
def site_propose(
    *,
    space_request: SpaceRequest,
    site: Site,
    by: AbstractBaseUser | None,
    score: int | None,
    on: datetime.date | None = None,
) -> SiteProposal:
    """Record that staff proposed the site to the requester (once per pair)."""
    proposal = SiteProposal(
        space_request=space_request,
        site=site,
        score=score,
        proposed_on=on or timezone.localdate(),
        recorded_by=by,
    )
    proposal._history_user = by
    proposal.full_clean()  # also the pair's uniqueness, with a readable message
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:  # proposed by someone else at the same moment
        raise ValidationError(_("This site was already proposed for this request.")) from None
    return proposal


@transaction.atomic
def site_proposal_advance(
    *,
    proposal: SiteProposal,
    stage: str,
    by: AbstractBaseUser | None,
    on: datetime.date,
    lost_reason: str = "",
    note: str = "",
) -> SiteProposal:
    """Move a proposal on (viewing, let, lost), with the date of the step; lost needs a
    reason. The funnel of the vacancy statistics counts the dates."""
    proposal = SiteProposal.objects.select_for_update().get(pk=proposal.pk)
    stage = ProposalStage(stage)
    if stage not in NEXT_STAGES[ProposalStage(proposal.stage)]:
        raise ValidationError(
            {
                "stage": _("A proposal that is %(current)s cannot become %(stage)s.")
                % {"current": proposal.get_stage_display(), "stage": stage.label}
            }
        )
    proposal.stage = stage
    setattr(proposal, STAGE_DATE[stage], on)
    if stage == ProposalStage.LOST:
        proposal.lost_reason = lost_reason
    if note:
        proposal.note = note
    proposal.full_clean()
    proposal._history_user = by
    proposal.save()
    return proposal


# --- Match e-mails ----------------------------------------------------------------------------


def site_offer_changed(*, site: Site, was_on_offer: bool) -> None:
    """Called after a site was saved: when it has just become published and on offer, the
    requesters who opted in are told, by a job after the commit (the save itself stays fast)."""
    if was_on_offer or not site_is_on_offer(site):
        return
    from fabtown.tasks import defer_in_transaction, send_match_notifications

    defer_in_transaction(send_match_notifications, site_id=site.pk)


def match_notifications_send(*, site: Site, on: datetime.date | None = None) -> int:
    """E-mail every active request that opted in and has an address, whose match with this
    published site on offer scores at least the threshold: once per request and site, also
    when two workers run at the same time. Returns the number of e-mails sent."""
    site = Site.objects.filter(pk=site.pk).first()
    if site is None or not site_is_on_offer(site):
        return 0
    threshold = CadastreSettings.current().match_notification_threshold
    sent = 0
    for match in matches_for_site(site=site, limit=None, on=on, min_score=threshold):
        wanted = match.space_request
        if not (wanted["notify_matches"] and wanted["contact_email"]):
            continue
        # The mark and the queued e-mail commit together; a message that could not be queued
        # or sent rolls the mark back, so that the next publication tries again.
        with transaction.atomic():
            _notification, created = MatchNotification.objects.get_or_create(
                space_request_id=wanted["id"], site=site, defaults={"score": match.score}
            )
            if not created:
                continue
            if not _send_match_email(site=site, match=match):
                transaction.set_rollback(True)
                continue
        sent += 1
    logger.info("Site %s: %s match e-mail(s) sent.", site.pk, sent)
    return sent


def _send_match_email(*, site: Site, match: Match) -> bool:
    wanted = match.space_request
    with override(settings.LANGUAGE_CODE):
        reasons = [_public_reason_text(site, reason) for reason in match.reasons]
        context = {
            "title": wanted["title"],
            "contact_name": wanted.get("contact_name") or "",
            "site_name": site.name,
            "score": match.score,
            "reasons": [text for text in reasons if text],
            "site_url": settings.SITE_URL + reverse("vacancies:detail", kwargs={"pk": site.pk}),
            "renew_url": settings.SITE_URL + RENEW_PATH.format(token=wanted["token"]),
            "withdraw_url": settings.SITE_URL + WITHDRAW_PATH.format(token=wanted["token"]),
        }
        subject = render_to_string("vacancies/email/match_subject.txt", context)
        body = render_to_string("vacancies/email/match.txt", context)
    return send_mail(" ".join(subject.split()), body, None, [wanted["contact_email"]]) == 1


def _public_reason_text(site: Site, reason) -> str:
    """What a requester may read: a rent the owner did not agree to publish stays unnamed."""
    if reason.criterion == "rent" and not site.rent_is_public and reason.fits is not None:
        return _("Rent within your maximum") if reason.fits else ""
    return reason.text
