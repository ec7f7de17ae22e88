"""Owners' consent to publish a contact route for their site (issue 11; Munich's rule: no
brokering without it). Consents are history: recorded once, withdrawn, never edited."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fabtown.answers import content_changed
from vacancies.models import OwnerConsent, Site


def owner_consent_check(*, site: Site, given_on: datetime.date | None) -> None:
    """The rules a new consent must pass, beside the model's own (shared with the admin form)."""
    if OwnerConsent.objects.filter(site=site, withdrawn_on__isnull=True).exists():
        raise ValidationError(
            _("A consent for this site is in force. Withdraw it before recording a new one.")
        )
    if given_on is not None and given_on > timezone.localdate():
        raise ValidationError({"given_on": _("A consent cannot be given in the future.")})


@transaction.atomic
def owner_consent_record(
    *,
    site: Site,
    scope: str,
    contact_route: str,
    given_on: datetime.date,
    by: AbstractBaseUser | None,
    note: str = "",
) -> OwnerConsent:
    """Record a consent; refused while another consent for the site is in force (withdraw
    that one first, so the history says what was public when)."""
    # the site row is locked so that two staff recording at once cannot both pass the check
    Site.objects.select_for_update().filter(pk=site.pk).first()
    owner_consent_check(site=site, given_on=given_on)
    consent = OwnerConsent(
        site=site,
        scope=scope,
        contact_route=contact_route.strip(),
        given_on=given_on,
        recorded_by=by,
        note=note,
    )
    consent.full_clean()
    consent._history_user = by
    consent.save()
    content_changed()  # the site's page, exposé and API answer show the route from now on
    return consent


@transaction.atomic
def owner_consent_withdraw(
    *, consent: OwnerConsent, on: datetime.date, by: AbstractBaseUser | None
) -> OwnerConsent:
    """Withdraw a consent: the route disappears from every public answer at once."""
    locked = OwnerConsent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    if on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("A withdrawal takes effect at once, not later.")})
    locked.withdrawn_on = on
    locked.full_clean()
    locked._history_user = by
    locked.save(update_fields=["withdrawn_on"])
    # the save's signal bumps the content version already; said here too because a cached
    # page that still shows a withdrawn route would be a breach, not a stale page
    content_changed()
    consent.withdrawn_on = on
    return locked


def owner_consents_erase(*, site_id: int) -> int:
    """Part of erasing a site's owner data (DSGVO Art. 17, vacancies.services.site_owner_erase):
    the consents' contact routes and notes go, in the records and their history, and a consent
    still in force ends today. Who recorded what and when stays. Returns the rows changed."""
    blank = {"contact_route": "", "note": ""}
    changed = OwnerConsent.history.filter(site_id=site_id).update(**blank)
    changed += OwnerConsent.objects.filter(site_id=site_id).update(
        **blank, withdrawn_on=Coalesce(F("withdrawn_on"), Value(timezone.localdate()))
    )
    content_changed()  # QuerySet.update sends no model signals
    return changed
