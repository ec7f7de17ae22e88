"""Writes of the label: applications, board decisions, memberships and their daily upkeep."""

import datetime
import logging
from collections.abc import Iterable

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, TextField, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from fabtown.answers import content_changed
from fabtown.validation import save_validated
from label import emails
from label.criteria import RuleResult, check_label_criteria, criteria_met, fee_tier_for
from label.models import (
    MAX_PHOTOS_PER_APPLICATION,
    ApplicationStatus,
    LabelApplication,
    LabelApplicationPhoto,
    LabelDecision,
    LabelSettings,
    Membership,
    MembershipKind,
)
from label.selectors import label_membership_in_force
from producers.models import Producer
from producers.services import producer_save

S = ApplicationStatus
erasure_log = logging.getLogger("fabtown.erasure")

# Which status may follow which. The applicant submits; the board takes the other steps.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.IN_REVIEW},
    S.IN_REVIEW: {S.APPROVED, S.REJECTED, S.NEEDS_INFORMATION},
    S.NEEDS_INFORMATION: {S.SUBMITTED},
    S.APPROVED: set(),
    S.REJECTED: set(),
}
BOARD_DECISIONS = {S.IN_REVIEW, S.APPROVED, S.REJECTED, S.NEEDS_INFORMATION}
MEMBERSHIP_TERM = datetime.timedelta(days=365)


# --- The applicant's side -------------------------------------------------------------------


def label_application_start(*, applicant: AbstractBaseUser, language: str) -> LabelApplication:
    """A new draft for `applicant`, prefilled from the account and its producer profile.

    Refused while one of the account's producers is a member carrying the label: a member
    renews the membership instead of applying again.
    """
    membership = label_membership_in_force(user=applicant)
    if membership is not None:
        raise ValidationError(
            _(
                "%(producer)s is a member and carries the label until %(until)s; instead of "
                "applying again, renew the membership."
            )
            % {
                "producer": membership.producer.name,
                "until": date_format(membership.valid_until) if membership.valid_until else "…",
            },
            code="member",
        )
    producer = Producer.objects.filter(account=applicant).order_by("name").first()
    application = LabelApplication(
        applicant=applicant,
        contact_email=applicant.email,
        language=language,
        status=S.DRAFT,
    )
    if producer is not None:
        application.producer = producer
        application.company_name = producer.name
        application.seat_street = producer.street
        application.seat_postcode = producer.postcode
        application.products = producer.products
        application.location = producer.location
    application._history_user = applicant
    application.save()
    return application


@transaction.atomic
def label_application_save(
    *,
    application: LabelApplication,
    by: AbstractBaseUser,
    remove_photo_ids: Iterable[int] = (),
) -> list[RuleResult]:
    """Save the applicant's changes (draft or answer to the board) and check the criteria.

    Only the applicant's own fields are written: a decision the board took meanwhile is never
    undone. New photos go separately (label_application_add_photo), so that a refused photo
    never holds back the rest of the form.
    """
    stored = LabelApplication.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application=stored, by=by)
    application.status = stored.status
    application.full_clean()
    application._history_user = by
    application.save(update_fields=[*LabelApplication.APPLICANT_FIELDS, "updated_at"])
    for photo in application.photos.filter(pk__in=list(remove_photo_ids)):
        _delete_photo(photo)
    return check_label_criteria(application=application)


@transaction.atomic
def label_application_add_photo(
    *, application: LabelApplication, by: AbstractBaseUser, image, description: str
) -> LabelApplicationPhoto:
    """Add a photo of the products; refused (ValidationError on "image" or "description") when
    the file is not an acceptable image, the description is missing or the limit is reached.
    The rules are the model's (LabelApplicationPhoto), checked here for every door."""
    stored = LabelApplication.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application=stored, by=by)
    if stored.photos.count() >= MAX_PHOTOS_PER_APPLICATION:
        raise ValidationError(
            {"image": _("At most %(count)s photos.") % {"count": MAX_PHOTOS_PER_APPLICATION}}
        )
    photo = LabelApplicationPhoto(
        application=stored, image=image, description=(description or "").strip()
    )
    photo.full_clean()
    photo.save()
    return photo


def _delete_photo(photo: LabelApplicationPhoto) -> None:
    # The file goes only once the database change has committed.
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def label_application_submit(
    *, application: LabelApplication, by: AbstractBaseUser, note: str = ""
) -> LabelDecision:
    """Hand the application to the board; refused while a hard rule is not met."""
    locked = LabelApplication.objects.select_for_update().get(pk=application.pk)
    _ensure_editable(application=locked, by=by)
    results = check_label_criteria(application=locked)
    if not criteria_met(results):
        raise ValidationError(
            {"__all__": [r.message for r in results if not r.met]}, code="criteria"
        )
    if not locked.contact_name.strip():
        raise ValidationError({"contact_name": _("Tell the board whom to contact.")})
    with override(locked.language):
        reason = note.strip() or _("Submitted by the applicant.")
    record = _change_status(locked, to=S.SUBMITTED, by=by, reason=reason)
    if locked.submitted_at is None:
        locked.submitted_at = record.decided_at
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    application.status, application.submitted_at = locked.status, locked.submitted_at
    transaction.on_commit(lambda: emails.send_status_change(decision=record))
    transaction.on_commit(lambda: emails.tell_board_about_submission(application=locked))
    return record


def _ensure_editable(*, application: LabelApplication, by: AbstractBaseUser) -> None:
    if application.applicant_id != by.pk:
        raise ValidationError(_("Only the applicant can change an application."))
    if not application.is_editable_by_applicant:
        raise ValidationError(
            _("An application that is “%(status)s” cannot be changed.")
            % {"status": application.get_status_display()}
        )


# --- The board's side -----------------------------------------------------------------------


@transaction.atomic
def label_application_decide(
    *, application: LabelApplication, by: AbstractBaseUser, decision: str, reason: str
) -> LabelDecision:
    """Move an application to the status `decision`, recording who, when and why.

    Approval grants a membership for one year; the applicant is told by e-mail at every step.
    """
    locked = LabelApplication.objects.select_for_update().get(pk=application.pk)
    if decision not in BOARD_DECISIONS:
        raise ValidationError({"decision": _("This is not a decision the board can take.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Every decision needs a reason.")})
    record = _change_status(locked, to=decision, by=by, reason=reason.strip())
    locked.save(update_fields=["status", "updated_at"])
    if decision == S.APPROVED:
        membership_grant(application=locked, by=by)
    application.status = decision
    application.producer_id = locked.producer_id
    transaction.on_commit(lambda: emails.send_status_change(decision=record))
    return record


def _change_status(
    application: LabelApplication, *, to: str, by: AbstractBaseUser, reason: str
) -> LabelDecision:
    if to not in TRANSITIONS[application.status]:
        raise ValidationError(
            {
                "decision": _("An application that is “%(current)s” cannot become “%(new)s”.")
                % {"current": application.get_status_display(), "new": S(to).label}
            }
        )
    record = LabelDecision.objects.create(
        application=application,
        from_status=application.status,
        to_status=to,
        decided_by=by,
        decided_at=timezone.now(),
        reason=reason,
    )
    application.status = to
    application._history_user = by
    return record


# --- Memberships ----------------------------------------------------------------------------


def membership_grant(*, application: LabelApplication, by: AbstractBaseUser) -> Membership:
    """The label membership an approved application earns: one year from today."""
    producer = application.producer or _producer_from_application(application, by=by)
    if producer.account_id is None and application.applicant_id is not None:
        producer.account_id = application.applicant_id
        producer_save(producer=producer, by=by)
    if application.producer_id != producer.pk:
        application.producer = producer
        application.save(update_fields=["producer", "updated_at"])
    today = timezone.localdate()
    membership = Membership(
        producer=producer,
        kind=MembershipKind.REGULAR,
        application=application,
        valid_from=today,
        valid_until=today + MEMBERSHIP_TERM - datetime.timedelta(days=1),
        fee_tier=fee_tier_for(employees=application.company_size or 0),
    )
    return save_validated(membership, by=by)


def _producer_from_application(application: LabelApplication, *, by) -> Producer:
    """A public profile for a company the directory did not know yet; staff complete it.

    It is public at once, with or without a map point: a member without one is listed and has
    its profile, just no marker on the maps.
    """
    producer = Producer(
        name=application.company_name,
        slug=_free_slug(application.company_name),
        products=application.products,
        street=application.seat_street,
        postcode=application.seat_postcode,
        city=application.seat_city or "Bochum",
        location=application.location,
        location_is_approximate=False,
        is_published=True,
        source=_("“Made by Bochum” application"),
    )
    return producer_save(producer=producer, by=by)


def _free_slug(name: str) -> str:
    base = slugify(name)[:180] or "produzent"
    slug, number = base, 2
    while Producer.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def membership_renew(*, membership: Membership, by: AbstractBaseUser) -> Membership:
    """Extend a membership by one year from its end (or from today if it has lapsed)."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("A revoked membership cannot be renewed."))
    today = timezone.localdate()
    start = max(locked.valid_until or today, today - datetime.timedelta(days=1))
    locked.valid_until = start + MEMBERSHIP_TERM
    locked.reminder_sent_at = None
    locked.expiry_notified_at = None
    return save_validated(locked, by=by)


def memberships_send_renewal_reminders(*, today: datetime.date | None = None) -> int:
    """Remind members whose label runs out within the configured days; once per term."""
    today = today or timezone.localdate()
    days = LabelSettings.load().reminder_days_before_expiry
    due = Membership.objects.current(on=today).filter(
        valid_until__isnull=False,
        valid_until__lte=today + datetime.timedelta(days=days),
        reminder_sent_at__isnull=True,
    )
    return _notify_once(due, template="renewal_reminder", sent_field="reminder_sent_at")


def memberships_expire(*, today: datetime.date | None = None) -> int:
    """Tell members whose membership ended that the label is no longer shown.

    The badge itself goes with the date (every public query asks for current memberships);
    this marks the end and sends the notice once.
    """
    today = today or timezone.localdate()
    ended = Membership.objects.filter(
        valid_until__lt=today, revoked_at__isnull=True, expiry_notified_at__isnull=True
    ).exclude(producer__memberships__in=Membership.objects.current(on=today))
    return _notify_once(ended, template="expiry_notice", sent_field="expiry_notified_at")


def _notify_once(memberships, *, template: str, sent_field: str) -> int:
    """Mail each member and mark it at once, so that a rerun sends no doubles; a message that
    did not go out (mail server down) stays unmarked and goes with the next run."""
    count = 0
    for membership in memberships.select_related("producer__account", "application"):
        # The queued e-mail and the mark commit together (fabtown.mail.QueuedEmailBackend).
        with transaction.atomic():
            if emails.send_to_member(membership=membership, template=template):
                Membership.objects.filter(pk=membership.pk).update(**{sent_field: timezone.now()})
                count += 1
    return count


# --- Retention and erasure (DSGVO Art. 5 (1) e, Art. 17) -----------------------------------


@transaction.atomic
def label_applications_delete_personal_data(*, now: datetime.datetime | None = None) -> int:
    """Delete the personal data of applications rejected longer ago than staff configured.

    What stays: company name, postcode, the criteria answers and the board's decisions, so the
    association can account for what it decided. The history rows go entirely: they hold
    earlier copies of the same data.
    """
    now = now or timezone.now()
    days = LabelSettings.load().rejected_retention_days
    cutoff = now - datetime.timedelta(days=days)
    due = (
        LabelApplication.objects.filter(status=S.REJECTED, personal_data_deleted_at__isnull=True)
        .annotate(rejected_at=Max("decisions__decided_at"))
        .filter(rejected_at__lt=cutoff)
    )
    count = 0
    for application in due:
        application_erase_personal_data(application=application, now=now)
        count += 1
    return count


def application_erase_personal_data(
    *, application: LabelApplication, now: datetime.datetime | None = None
) -> None:
    """Blank the applicant's personal data of one application, in the record and its history:
    contact, street, texts, photos, the point on the map and the link to the account."""
    for photo in application.photos.all():
        _delete_photo(photo)
    for field in LabelApplication.PERSONAL_FIELDS:
        setattr(application, field, "")
    application.applicant = None
    application.location = None
    application.personal_data_deleted_at = now or timezone.now()
    application.save_without_historical_record()
    application.history.all().delete()


@transaction.atomic
def account_erase(*, account: AbstractBaseUser, by: AbstractBaseUser | None) -> dict[str, int]:
    """Erase a producer's account and the person behind it (DSGVO Art. 17).

    Their applications lose their personal data; the board's decisions and the applicant's
    own steps stay on record without the person; profiles they managed stay (business data)
    but no longer name the account, in the record or its history. Staff accounts are
    deactivated instead: their decisions must stay attributable.
    """
    if account.is_staff:
        raise ValidationError(
            _("Staff accounts are not erased but deactivated: their decisions stay attributable.")
        )
    applications = list(LabelApplication.objects.filter(applicant=account))
    for application in applications:
        application_erase_personal_data(application=application)
    LabelDecision.objects.filter(decided_by=account).update(
        decided_by=None,
        reason=Case(
            When(to_status=S.SUBMITTED, then=Value(LabelDecision.ERASED_NOTE)),
            default=F("reason"),
            output_field=TextField(),
        ),
    )
    profiles = Producer.objects.filter(account=account).update(account=None)
    Producer.history.filter(account=account.pk).update(account=None)
    content_changed()  # QuerySet.update sends no model signals
    # failed sign-ins are kept under the e-mail address until their cool-off ends
    AccessAttempt.objects.filter(username__iexact=account.email).delete()
    # Everything else that points at the account lets go when it goes: history authors,
    # status changes (set to empty), e-mail addresses, tokens, admin log entries.
    erasure_log.info(
        "Account %s erased (%s applications, %s profiles unlinked) by %s.",
        account.pk, len(applications), profiles, f"user {by.pk}" if by else "a command",
    )  # fmt: skip
    account.delete()
    return {"applications": len(applications), "profiles": profiles, "accounts": 1}
