"""Outgoing e-mail that never breaks a request: a mail server that is down or refuses is
logged, and the page the person gets says what was saved (their submission is), not a 500.

The real delivery backend is EMAIL_DELIVERY_BACKEND (SMTP in production, the console in
development). EMAIL_BACKEND is QueuedEmailBackend: every message, whichever door sent it (our
services, allauth, the admin), becomes a job of the task queue in the sender's transaction, and
the worker delivers it, retrying while the mail server is down (fabtown.tasks.deliver_email).
Where the queue cannot be written, ResilientEmailBackend sends at once. A job that must know
whether a message went out reads send_mail's return value: 0 when it was neither queued nor
sent.
"""

import base64
import logging
import smtplib
from email.mime.base import MIMEBase
from email.utils import getaddresses

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, transaction
from procrastinate.exceptions import ProcrastinateException

logger = logging.getLogger(__name__)

# Errors of a mail server that is down, unreachable or refusing for now: worth trying again.
DELIVERY_ERRORS = (OSError, smtplib.SMTPException)


class ResilientEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def send_messages(self, email_messages) -> int:
        try:
            return self.delivery.send_messages(email_messages) or 0
        except DELIVERY_ERRORS as error:
            # No addresses or subjects here: they are personal data.
            logger.error(
                "Could not send %s e-mail(s): %s: %s",
                len(email_messages),
                type(error).__name__,
                error,
            )
            return 0


class NotQueueable(ValueError):
    """A message the queue cannot carry as JSON (an attachment built as a MIME part)."""


def message_to_payload(message: EmailMessage) -> dict:
    """Everything needed to build the message again, as JSON (attachments in base64)."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise NotQueueable("MIME part attachment")
        filename, content, mimetype = attachment
        if isinstance(content, str):
            attachments.append({"filename": filename, "text": content, "mimetype": mimetype})
        else:
            encoded = base64.b64encode(content).decode("ascii")
            attachments.append({"filename": filename, "base64": encoded, "mimetype": mimetype})
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "encoding": message.encoding,
        "alternatives": [
            {"content": content, "mimetype": mimetype}
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def message_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    message.content_subtype = payload["content_subtype"]
    message.encoding = payload["encoding"]
    for alternative in payload["alternatives"]:
        message.attach_alternative(alternative["content"], alternative["mimetype"])
    for attachment in payload["attachments"]:
        content = (
            attachment["text"] if "text" in attachment else base64.b64decode(attachment["base64"])
        )
        message.attach(attachment["filename"], content, attachment["mimetype"])
    return message


def addresses_of(message: EmailMessage) -> list[str]:
    """Every address the message names (recipients and reply-to), lower case, without display
    names: what erasing a person looks for in the queue."""
    named = [*message.to, *message.cc, *message.bcc, *message.reply_to]
    return sorted({address.lower() for _, address in getaddresses(named) if address})


def deliver(message: EmailMessage) -> int:
    """Send through the real delivery backend; errors are raised, for the queue to retry."""
    return get_connection(settings.EMAIL_DELIVERY_BACKEND).send_messages([message]) or 0


class QueuedEmailBackend(BaseEmailBackend):
    """Each message becomes a job in the current transaction: it is sent if, and only if, what
    sent it is committed, and a mail server that is down only delays it."""

    def send_messages(self, email_messages) -> int:
        from fabtown.tasks import defer_email  # the tasks module imports this one

        messages = [message for message in email_messages if message.recipients()]
        if not messages:
            return 0
        try:
            payloads = [(message_to_payload(m), addresses_of(m)) for m in messages]
            # A savepoint: a queue that cannot be written leaves the caller's transaction usable.
            with transaction.atomic():
                for payload, addresses in payloads:
                    defer_email(message=payload, addresses=addresses)
        except (DatabaseError, ProcrastinateException, NotQueueable) as error:
            # No addresses or subjects here: they are personal data.
            logger.error(
                "Could not queue %s e-mail(s), sending them directly: %s",
                len(messages),
                type(error).__name__,
            )
            return ResilientEmailBackend(fail_silently=self.fail_silently).send_messages(messages)
        return len(messages)
