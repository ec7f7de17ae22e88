from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fabtown.fields import BoundedTextField
from fabtown.storage import private_storage


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
        # The same English word, but German counts: "2 Rückmeldungen zur Barrierefreiheit".
        verbose_name_plural = pgettext_lazy("plural", "accessibility feedback")

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


class ImportRunStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportRun(models.Model):
    """A spreadsheet import done by the worker in chunks (fabtown.import_runs): its progress,
    its counts and the invalid rows, for whoever started it to come back to.

    The file stays in the private storage only while the run lasts: it may hold personal data
    (owner contacts of sites).
    """

    model_label = models.CharField(_("records"), max_length=100)  # "producers.Producer"
    resource = models.CharField(_("resource"), max_length=200)  # dotted path of the class
    file = models.FileField(
        _("file"), upload_to="imports/", storage=private_storage, max_length=300, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=10)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportRunStatus, default=ImportRunStatus.WAITING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid = models.PositiveIntegerField(_("invalid"), default=0)
    # [{"row": 3, "errors": {"postcode": ["…"]}}]: the numbers and errors the admin's preview
    # shows, never the row's values.
    invalid_rows = models.JSONField(_("invalid rows"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.file_name or self.model_label} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportRunStatus.DONE, ImportRunStatus.FAILED)
