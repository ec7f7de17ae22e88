"""Writes of the vacancy cadastre. The parts of the office's working tool (issue 11) live in
modules of their own beside this one (space requests, matching, verification, ...)."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fabtown.answers import content_changed
from fabtown.validation import save_validated
from producers import urban
from vacancies.models import InterimUse, SearchArea, Site, SiteStatus, SiteStatusChange
from vacancies.services.consent import owner_consents_erase

erasure_log = logging.getLogger("fabtown.erasure")


@transaction.atomic
def site_set_status(
    *, site: Site, status: str, by: AbstractBaseUser | None, note: str = ""
) -> SiteStatusChange | None:
    """Change a site's status and record the step in its status history.

    Returns the recorded change, or None when the site already had that status.
    """
    locked = Site.objects.select_for_update().get(pk=site.pk)
    if locked.status == status:
        return None
    change = SiteStatusChange.objects.create(
        site=locked,
        from_status=locked.status,
        to_status=status,
        changed_at=timezone.now(),
        changed_by=by,
        note=note,
    )
    was_on_offer = site_is_on_offer(locked)
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    site.status = status
    _offer_changed(site=locked, was_on_offer=was_on_offer)
    return change


def site_record_initial_status(*, site: Site, by: AbstractBaseUser | None, note: str = "") -> None:
    """The first entry of a new site's status history."""
    SiteStatusChange.objects.create(
        site=site,
        from_status="",
        to_status=site.status,
        changed_at=timezone.now(),
        changed_by=by,
        note=note,
    )


@transaction.atomic
def site_save(
    *,
    site: Site,
    by: AbstractBaseUser | None,
    status: str | None = None,
    suitable_forms=None,
    validate_constraints: bool = True,
) -> Site:
    """Validate and save a site; a new status goes through the status history.

    `validate_constraints=False` (bulk imports): the fields and clean() are still validated,
    but the model's constraints are left to the database, which checks the same ones on the
    write (Django asks it one query per constraint first: 12 per site)."""
    is_new = site.pk is None
    was_on_offer = not is_new and site_is_on_offer(
        Site.objects.only("is_published", "status").get(pk=site.pk)
    )
    site.full_clean(
        exclude=["status"] if status is not None else None,
        validate_constraints=validate_constraints,
    )
    site._history_user = by
    if is_new:
        if status is not None:
            site.status = status
        site.save()
        site_record_initial_status(site=site, by=by)
    else:
        site.save()
        if status is not None:
            site_set_status(site=site, status=status, by=by)
    if suitable_forms is not None:
        site.suitable_forms.set(suitable_forms)
    urban.recount_one(site)  # its location may have moved (note 13); a no-op otherwise
    # (with a new status too, site_set_status may also have deferred the job: the e-mails go
    # once per request and site all the same)
    _offer_changed(site=site, was_on_offer=was_on_offer)
    return site


def site_is_on_offer(site: Site) -> bool:
    return bool(site.is_published and site.status in (SiteStatus.VACANT, SiteStatus.RESERVED))


def _offer_changed(*, site: Site, was_on_offer: bool) -> None:
    # Matching (issue 11): requesters are told of a site that has just come on offer.
    from vacancies.services.matching import site_offer_changed

    site_offer_changed(site=site, was_on_offer=was_on_offer)


@transaction.atomic
def search_area_save(*, area: SearchArea, by: AbstractBaseUser | None) -> SearchArea:
    return save_validated(area, by=by)


@transaction.atomic
def interim_use_save(
    *, interim_use: InterimUse, by: AbstractBaseUser | None, producers=None
) -> InterimUse:
    """Validate (dates in order, the site's record) and save; `producers` replaces the list."""
    save_validated(interim_use, by=by)
    if producers is not None:
        interim_use.producers.set(producers)
    return interim_use


@transaction.atomic
def site_owner_erase(*, site_id: int, by: AbstractBaseUser | None) -> int:
    """Erase the owner's data of a site (DSGVO Art. 17): from the record and from every row of
    its history, also when the site itself was deleted. Returns the rows changed."""
    blank = dict.fromkeys(Site.PRIVATE_FIELDS, "")
    changed = Site.history.filter(id=site_id).update(**blank)
    changed += Site.objects.filter(pk=site_id).update(**blank)
    changed += owner_consents_erase(site_id=site_id)
    content_changed()  # QuerySet.update sends no model signals
    # who erased what, without the data: the record of the erasure itself
    who = f"user {by.pk}" if by is not None else "a command"
    erasure_log.info("Owner data of site %s erased (%s rows) by %s.", site_id, changed, who)
    return changed
