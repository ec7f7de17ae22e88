from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from label.models import ApplicationStatus, LabelApplication, LabelDecision

S = ApplicationStatus

# Which status may follow which. Decisions by the board are the steps out of review.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.IN_REVIEW},
    S.IN_REVIEW: {S.APPROVED, S.REJECTED, S.NEEDS_INFORMATION},
    S.NEEDS_INFORMATION: {S.SUBMITTED},
    S.APPROVED: set(),
    S.REJECTED: set(),
}
BOARD_DECISIONS = {S.IN_REVIEW, S.APPROVED, S.REJECTED, S.NEEDS_INFORMATION}


@transaction.atomic
def label_application_decide(
    *, application: LabelApplication, by: AbstractBaseUser, decision: str, reason: str
) -> LabelDecision:
    """Move an application to the status `decision`, recording who, when and why."""
    locked = LabelApplication.objects.select_for_update().get(pk=application.pk)
    if decision not in BOARD_DECISIONS:
        raise ValidationError({"decision": _("This is not a decision the board can take.")})
    if decision not in TRANSITIONS[locked.status]:
        raise ValidationError(
            {
                "decision": _("An application that is “%(current)s” cannot become “%(new)s”.")
                % {"current": locked.get_status_display(), "new": S(decision).label}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Every decision needs a reason.")})
    record = LabelDecision.objects.create(
        application=locked,
        from_status=locked.status,
        to_status=decision,
        decided_by=by,
        decided_at=timezone.now(),
        reason=reason.strip(),
    )
    locked.status = decision
    locked.save(update_fields=["status", "updated_at"])
    application.status = decision
    return record
