from django.db import models
from django.utils.translation import gettext_lazy as _

from fabtown.fields import BoundedTextField


class AccessibilityFeedback(models.Model):
    """A report of an accessibility barrier (BITV NRW requires a feedback route)."""

    page = models.CharField(_("page"), max_length=500, blank=True)
    message = BoundedTextField(_("message"), max_length=5000)
    # Personal data: only if the sender wants an answer; staff only.
    email = models.EmailField(_("e-mail for the answer"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled = models.BooleanField(_("handled"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self) -> str:
        return self.message[:60]


class ContentVersion(models.Model):
    """One row: a number bumped after every committed write to the platform's content.

    Cached answers are filed under it (fabtown.answers), so a write makes every older answer
    unreachable on every app server at once, without purging anything.
    """

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_content_version")]

    def __str__(self) -> str:
        return str(self.version)


class RateCounter(models.Model):
    """How often one rate limit's key was allowed in one fixed window (fabtown.ratelimit).

    An UNLOGGED table (migration 0003): no write-ahead log for a counter written on every API
    request, and after a crash PostgreSQL empties it, which only forgives the current window.
    The key is `<action>/<window seconds>:<HMAC of the client>`, never an address or e-mail.
    """

    pk = models.CompositePrimaryKey("key", "window_start")
    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField()
    # The end of the window: rows before now are purged (fabtown.ratelimit.purge_expired).
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate counter"
        verbose_name_plural = "rate counters"

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.hits}"
