from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from fabtown.models import AccessibilityFeedback


# The report and its e-mail's job (fabtown.mail.QueuedEmailBackend) commit together.
@transaction.atomic
def accessibility_feedback_submit(
    *, message: str, page: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Keep the report for staff and tell the responsible office (without the sender's address)."""
    feedback = AccessibilityFeedback.objects.create(message=message, page=page, email=email)
    send_mail(
        subject=_("Accessibility feedback on FabTown Bochum"),
        message=render_to_string("fabtown/email/accessibility_feedback.txt", {"id": feedback.pk}),
        from_email=None,
        recipient_list=[settings.FEEDBACK_EMAIL],
    )
    return feedback
