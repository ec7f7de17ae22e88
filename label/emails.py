"""E-mails to applicants, members and the board. Sent after the database change has committed.

Each goes out in the language the application was written in; none carries personal data
beyond what the recipient gave us.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import override

from label.models import LabelApplication, LabelDecision, Membership


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(*, template: str, to: str, language: str, context: dict) -> bool:
    """True once the message went out (or there is nobody to write to)."""
    if not to:
        return True
    with override(language):
        subject = render_to_string(f"label/email/{template}_subject.txt", context)
        body = render_to_string(f"label/email/{template}.txt", context)
    return send_mail(" ".join(subject.split()), body, None, [to]) == 1


def send_status_change(*, decision: LabelDecision) -> None:
    application = decision.application
    with override(application.language):
        url = _absolute(reverse("label:application", args=[application.pk]))
    _send(
        template="status_changed",
        to=application.contact_email,
        language=application.language,
        context={"application": application, "decision": decision, "url": url},
    )


def tell_board_about_submission(*, application: LabelApplication) -> None:
    # Company and a link to the admin only: the applicant's contact data stay in the admin.
    url = _absolute(reverse("admin:label_labelapplication_change", args=[application.pk]))
    _send(
        template="board_submission",
        to=settings.LABEL_BOARD_EMAIL,
        language=settings.LANGUAGE_CODE,
        context={"application": application, "url": url},
    )


def _member_address(membership: Membership) -> tuple[str, str]:
    application = membership.application
    if application is not None and application.contact_email:
        return application.contact_email, application.language
    account = membership.producer.account
    return (account.email if account else ""), settings.LANGUAGE_CODE


def _membership_context(membership: Membership, language: str) -> dict:
    with override(language):
        verify = _absolute(reverse("label:verify", args=[membership.public_id]))
        account = _absolute(reverse("label:account"))
    return {
        "membership": membership,
        "verify_url": verify,
        "account_url": account,
        "contact_email": settings.CONTACT_EMAIL,
    }


def send_to_member(*, membership: Membership, template: str) -> bool:
    """A notice about the membership (renewal_reminder, expiry_notice) to the member; True once
    it went out."""
    to, language = _member_address(membership)
    return _send(
        template=template,
        to=to,
        language=language,
        context=_membership_context(membership, language),
    )
