"""Outgoing e-mail that never breaks a request: a mail server that is down or refuses is
logged, and the page the person gets says what was saved (their submission is), not a 500.

The real delivery backend is EMAIL_DELIVERY_BACKEND (SMTP in production, the console in
development). A job that must know whether a message went out reads send_mail's return value:
0 when it did not.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class ResilientEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def send_messages(self, email_messages) -> int:
        try:
            return self.delivery.send_messages(email_messages) or 0
        except (OSError, smtplib.SMTPException) as error:
            # No addresses or subjects here: they are personal data.
            logger.error(
                "Could not send %s e-mail(s): %s: %s",
                len(email_messages),
                type(error).__name__,
                error,
            )
            return 0
