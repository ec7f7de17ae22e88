"""Writes of space requests (Gesuche): recording, renewal, closing, reminders and erasure.

The lifecycle: a request runs for CadastreSettings.request_validity_days; the requester renews
it by the link in the confirmation or reminder e-mail (the reminder goes once, within
request_reminder_days of the expiry). Expired and closed requests drop out of matching
(SpaceRequest.objects.active()); request_retention_days after the expiry or the closing, their
contact data are erased from the record and its whole history.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from fabtown.answers import content_changed
from fabtown.tasks import queued_emails_delete, queued_emails_to
from vacancies.models import (
    CadastreSettings,
    SpaceRequest,
    SpaceRequestSource,
    SpaceRequestStatus,
)

erasure_log = logging.getLogger("fabtown.erasure")
logger = logging.getLogger(__name__)

# What a requester or staff may set; the lifecycle fields are the services' own.
EDITABLE_FIELDS = (
    "title", "description", "production_form", "floor_area_min_m2", "floor_area_max_m2",
    "needs_ground_floor", "needs_shop_window", "equipment_wanted", "max_rent_eur_per_month",
    "search_areas", "wanted_from", "contact_name", "contact_email", "contact_phone",
    "organisation", "notify_matches",
)  # fmt: skip
CLOSED_STATUSES = (SpaceRequestStatus.FULFILLED, SpaceRequestStatus.WITHDRAWN)


def _assign(record: SpaceRequest, data: dict) -> dict:
    """Set the editable plain fields; return the many-to-many ones (set after saving)."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    relations = {}
    for name, value in data.items():
        if SpaceRequest._meta.get_field(name).many_to_many:
            relations[name] = value
        else:
            setattr(record, name, value)
    return relations


def _save(record: SpaceRequest, *, by: AbstractBaseUser | None, relations: dict) -> SpaceRequest:
    record.full_clean()
    record._history_user = by
    record.save()
    for name, value in relations.items():
        getattr(record, name).set(value)
    return record


@transaction.atomic
def space_request_create(
    *,
    data: dict,
    by: AbstractBaseUser | None,
    source: str,
    language: str | None = None,
) -> SpaceRequest:
    """Record a request; it runs for the configured validity from today. Through the public
    form the requester has consented (the form requires it) and gets a confirmation e-mail with
    the links to renew and to withdraw it."""
    record = SpaceRequest(
        source=source,
        language=language or settings.LANGUAGE_CODE,
        expires_on=_new_expiry(),
        recorded_by=by if by is not None and by.is_authenticated else None,
    )
    if source == SpaceRequestSource.PUBLIC_FORM:
        record.consent_given_at = timezone.now()
    relations = _assign(record, data)
    _save(record, by=record.recorded_by, relations=relations)
    if source == SpaceRequestSource.PUBLIC_FORM:
        # the queued e-mail commits with the request (fabtown.mail.QueuedEmailBackend)
        _send(record, template="space_request_confirmation")
    return record


@transaction.atomic
def space_request_update(
    *, space_request: SpaceRequest, data: dict, by: AbstractBaseUser | None
) -> SpaceRequest:
    """Change what the request asks for or its contact; `data` may be empty when the caller
    (the admin's form) has set the fields on the record already."""
    relations = _assign(space_request, data)
    if space_request.personal_data_erased_at is not None and any(
        getattr(space_request, name) for name in SpaceRequest.PRIVATE_FIELDS
    ):
        raise ValidationError(
            _("The contact data of this request were erased; record a new request instead.")
        )
    return _save(space_request, by=by, relations=relations)


def _new_expiry(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=CadastreSettings.current().request_validity_days)


@transaction.atomic
def space_request_renew(
    *, token: uuid.UUID | str, by: AbstractBaseUser | None = None
) -> SpaceRequest:
    """Extend the request by the validity period from today, also after it expired, as long as
    its contact data are still there. Renewing twice on a day changes nothing the second time.
    Raises SpaceRequest.DoesNotExist for an unknown token, ValidationError when it is refused."""
    locked = SpaceRequest.objects.select_for_update().get(token=token)
    if locked.personal_data_erased_at is not None:
        raise ValidationError(
            _("This request was erased and cannot be renewed. You are welcome to send a new one.")
        )
    if locked.status in CLOSED_STATUSES:
        raise ValidationError(
            _("This request was closed and cannot be renewed. You are welcome to send a new one.")
        )
    expiry = _new_expiry()
    if locked.expires_on >= expiry:
        return locked
    locked.expires_on = expiry
    locked.reminded_at = None  # the new term gets its own reminder
    locked._history_user = by
    locked.save(update_fields=["expires_on", "reminded_at", "updated_at"])
    return locked


@transaction.atomic
def space_request_close(
    *, space_request: SpaceRequest, status: str, by: AbstractBaseUser | None
) -> SpaceRequest:
    """Close an open request as fulfilled or withdrawn; closing it again changes nothing."""
    if status not in CLOSED_STATUSES:
        raise ValidationError({"status": _("A request is closed as fulfilled or withdrawn.")})
    locked = SpaceRequest.objects.select_for_update().get(pk=space_request.pk)
    if locked.status in CLOSED_STATUSES:
        return locked
    locked.status = status
    locked.closed_at = timezone.now()
    locked._history_user = by
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    space_request.status, space_request.closed_at = locked.status, locked.closed_at
    return locked


def space_request_withdraw_by_requester(*, token: uuid.UUID | str) -> SpaceRequest:
    """The requester's own withdrawal by the link in their e-mails."""
    space_request = SpaceRequest.objects.get(token=token)
    return space_request_close(
        space_request=space_request, status=SpaceRequestStatus.WITHDRAWN, by=None
    )


# --- Reminders and retention (the daily jobs, vacancies/tasks.py) ------------------------------


def space_requests_send_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail requesters whose request expires within the reminder period, once per term, with
    the links to renew and to withdraw it. A message that could not go out stays unmarked and
    goes with the next run."""
    today = today or timezone.localdate()
    days = CadastreSettings.current().request_reminder_days
    due = SpaceRequest.objects.active(on=today).filter(
        expires_on__lte=today + datetime.timedelta(days=days),
        reminded_at__isnull=True,
        personal_data_erased_at__isnull=True,
    )
    count = 0
    for space_request in due.exclude(contact_email=""):
        # The queued e-mail and the mark commit together (fabtown.mail.QueuedEmailBackend).
        with transaction.atomic():
            if _send(space_request, template="space_request_reminder"):
                SpaceRequest.objects.filter(pk=space_request.pk).update(reminded_at=timezone.now())
                count += 1
    return count


def space_requests_erase_expired(*, today: datetime.date | None = None) -> int:
    """Erase the contact data of requests that expired or were closed longer ago than the
    retention period (DSGVO Art. 5 (1) e). What they asked for stays, for the statistics."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=CadastreSettings.current().request_retention_days)
    cutoff_time = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    due = SpaceRequest.objects.filter(personal_data_erased_at__isnull=True).filter(
        Q(expires_on__lt=cutoff) | Q(closed_at__lt=cutoff_time)
    )
    ids = list(due.values_list("pk", flat=True))
    for request_id in ids:
        space_request_erase(request_id=request_id, by=None)
    return len(ids)


@transaction.atomic
def space_request_erase(*, request_id: int, by: AbstractBaseUser | None) -> int:
    """Erase the requester's contact data (DSGVO Art. 17): from the record and every row of its
    history, also when the request itself was deleted, and the e-mails to them still waiting
    in the queue. A request still active is withdrawn with it: nobody could be told of a site.
    Returns the rows changed."""
    addresses = {
        address.strip().lower()
        for address in SpaceRequest.history.filter(id=request_id)
        .exclude(contact_email="")
        .values_list("contact_email", flat=True)
    }
    blank = dict.fromkeys(SpaceRequest.PRIVATE_FIELDS, "")
    now = timezone.now()
    changed = SpaceRequest.history.filter(id=request_id).update(**blank, notify_matches=False)
    record = SpaceRequest.objects.filter(pk=request_id)
    changed += record.update(**blank, notify_matches=False, personal_data_erased_at=now)
    # an active request is withdrawn; an expired one keeps its state for the statistics
    record.filter(pk__in=SpaceRequest.objects.active()).update(
        status=SpaceRequestStatus.WITHDRAWN, closed_at=now
    )
    content_changed()  # QuerySet.update sends no model signals
    jobs = [job for address in sorted(addresses) for job in queued_emails_to(address=address)]
    queued_emails_delete(job_ids=jobs)
    # who erased what, without the data: the record of the erasure itself
    who = f"user {by.pk}" if by is not None else "a command"
    erasure_log.info(
        "Contact data of space request %s erased (%s rows, %s queued e-mails) by %s.",
        request_id,
        changed,
        len(jobs),
        who,
    )
    return changed


# --- E-mails to the requester -----------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def request_links(space_request: SpaceRequest) -> dict[str, str]:
    """The requester's own links, in the request's language."""
    with override(space_request.language):
        return {
            "renew_url": _absolute(
                reverse("vacancies:request_renew", kwargs={"token": space_request.token})
            ),
            "withdraw_url": _absolute(
                reverse("vacancies:request_withdraw", kwargs={"token": space_request.token})
            ),
        }


def _send(space_request: SpaceRequest, *, template: str) -> bool:
    """True once the message was queued or sent. It names only what the requester gave."""
    if not space_request.contact_email:
        return False
    context = {
        "space_request": space_request,
        "contact_email": settings.CONTACT_EMAIL,
        "retention_days": CadastreSettings.current().request_retention_days,
        **request_links(space_request),
    }
    with override(space_request.language):
        subject = render_to_string(f"vacancies/email/{template}_subject.txt", context)
        body = render_to_string(f"vacancies/email/{template}.txt", context)
    return send_mail(" ".join(subject.split()), body, None, [space_request.contact_email]) == 1
