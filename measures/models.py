import datetime

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabtown.fields import BoundedTextField, WebURLField
from fabtown.validation import run_checks
from fabtown.validators import DOCUMENT_EXTENSIONS, validate_document


class MeasureGroup(models.TextChoices):
    SETTLING = "settling", _("Settling and integrating new urban production (4.1–4.5)")
    SUPPORTING = "supporting", _("Supporting existing urban producers (4.6–4.10)")


class CostLevel(models.IntegerChoices):
    """Tabelle 3 of the seed: personnel cost in weekly hours, material cost in euros."""

    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


class TimeHorizon(models.IntegerChoices):
    """Tabelle 4 of the seed: the time until the measure is implemented (not its duration)."""

    SHORT = 1, _("short term (less than 3 months)")
    MEDIUM = 2, _("medium term (3 months to 1 year)")
    LONG = 3, _("long term (more than 1 year)")


PERSONNEL_COST_DEFINITIONS = {
    CostLevel.LOW: _("1–5 hours a week"),
    CostLevel.MEDIUM: _("5–20 hours a week"),
    CostLevel.HIGH: _("20+ hours a week"),
}
MATERIAL_COST_DEFINITIONS = {
    CostLevel.LOW: _("up to about €1,000"),
    CostLevel.MEDIUM: _("up to about €10,000"),
    CostLevel.HIGH: _("over €10,000"),
}


# Short words for lists and filters; the choices above carry the seed's definitions.
TIME_HORIZON_SHORT_LABELS = {
    TimeHorizon.SHORT: _("short term"),
    TimeHorizon.MEDIUM: _("medium term"),
    TimeHorizon.LONG: _("long term"),
}


_COST_LABELS = dict(CostLevel.choices)


def range_label(low: int | None, high: int | None, labels: dict) -> str:
    """“medium–high”, “low”, or “–” when the concept gives no level."""
    if low is None:
        return "–"
    if low == high:
        return str(labels[low])
    return f"{labels[low]}–{labels[high]}"


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    PAUSED = "paused", _("paused")
    DROPPED = "dropped", _("dropped")


class Priority(models.IntegerChoices):
    """Step 3 of chapter 6.1: which measures first. A smaller number comes first; a measure
    without a priority is "not set", never "low"."""

    HIGH = 1, _("high")
    MEDIUM = 2, _("medium")
    LOW = 3, _("low")


class Office(models.Model):
    """A unit of the city's administration (or a partner) responsible for measures: it is
    reminded when the tracking of its measures goes stale, and its lead after a delay."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    email = models.EmailField(
        _("e-mail of the office"),
        blank=True,
        help_text=_("A functional mailbox; reminders about stale tracking go here."),
    )
    lead_name = models.CharField(_("name of the office's lead"), max_length=200, blank=True)
    lead_email = models.EmailField(_("e-mail of the office's lead"), blank=True)
    stale_after_days = models.PositiveSmallIntegerField(
        _("tracking is stale after (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to the lead after (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days after the first reminder without an update."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class ThematicField(models.Model):
    """One of the ten thematic fields 4.1–4.10 of the catalogue."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=200)
    group = models.CharField(_("group"), max_length=20, choices=MeasureGroup.choices)
    introduction = BoundedTextField(_("introduction"), max_length=10000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("thematic field")
        verbose_name_plural = _("thematic fields")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Actor(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self) -> str:
        return self.name


class TargetGroup(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self) -> str:
        return self.name


def _range_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A rating is a range: both ends or neither, and the lower end first."""
    low, high = f"{prefix}_min", f"{prefix}_max"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{low}__isnull": True, f"{high}__isnull": True})
            | Q(**{f"{low}__isnull": False, f"{high}__isnull": False}),
            name=f"measure_{prefix}_both_or_neither",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{low}__lte": F(high)}) | Q(**{f"{low}__isnull": True}),
            name=f"measure_{prefix}_ordered",
        ),
    ]


class MeasureQuerySet(models.QuerySet):
    def for_catalogue(self) -> "MeasureQuerySet":
        """What a card of the catalogue shows: the measure and its thematic field (no lists)."""
        return self.select_related("thematic_field")

    def with_profile(self) -> "MeasureQuerySet":
        """Everything a profile shows; the lists in the concept's order (`*_links`)."""
        return self.select_related("thematic_field", "responsible_office").prefetch_related(
            Prefetch("actor_links", MeasureActor.objects.select_related("actor")),
            Prefetch(
                "target_group_links", MeasureTargetGroup.objects.select_related("target_group")
            ),
            Prefetch(
                "interaction_links",
                MeasureInteraction.objects.select_related("to_measure__thematic_field"),
            ),
            "best_practices",
            # the tracking section: timeline newest first, outcomes (their records are read
            # per kind by measures.outcomes.attach_public_outcomes)
            "timeline",
            Prefetch("outcomes", MeasureOutcome.objects.select_related("content_type")),
        )

    def in_priority_order(self) -> "MeasureQuerySet":
        """High, medium, low, then the measures without a priority; the concept's order within."""
        return self.order_by(
            F("priority").asc(nulls_last=True), "thematic_field__position", "position"
        )

    # Reminders (issue 13): "due for a reminder" is defined here once, in the database.
    def with_reminder_reasons(self, *, now: datetime.datetime) -> "MeasureQuerySet":
        """Annotates `tracked_since` and one flag per reminder reason (`reminder_stale`,
        `reminder_overdue_start`, `reminder_overdue_end`) as of `now`.

        Stale: the tracking was last updated (else the measure first recorded in its history)
        more than the responsible office's `stale_after_days` ago, and the measure is neither
        completed nor dropped; never recorded at all counts as stale. Overdue start: the planned
        start is before today and the measure has not started (not started, planned). Overdue
        end: the planned end is before today and the measure is neither completed nor dropped.
        """
        today = timezone.localdate(now)
        first_recorded = (
            Measure.history.model.objects.filter(id=OuterRef("pk"))
            .order_by("history_date")
            .values("history_date")[:1]
        )
        stale_after = ExpressionWrapper(
            F("responsible_office__stale_after_days") * datetime.timedelta(days=1),
            output_field=models.DurationField(),
        )
        still_open = ~Q(
            implementation_status__in=[
                ImplementationStatus.COMPLETED,
                ImplementationStatus.DROPPED,
            ]
        )
        not_started = Q(
            implementation_status__in=[
                ImplementationStatus.NOT_STARTED,
                ImplementationStatus.PLANNED,
            ]
        )
        return self.annotate(
            tracked_since=Coalesce("tracking_updated_at", Subquery(first_recorded))
        ).annotate(
            reminder_stale=ExpressionWrapper(
                still_open
                & Q(responsible_office__isnull=False)
                & (
                    Q(tracked_since__isnull=True)
                    | Q(tracked_since__lt=Value(now, models.DateTimeField()) - stale_after)
                ),
                output_field=models.BooleanField(),
            ),
            reminder_overdue_start=ExpressionWrapper(
                not_started & Q(planned_start__lt=today), output_field=models.BooleanField()
            ),
            reminder_overdue_end=ExpressionWrapper(
                still_open & Q(planned_end__lt=today), output_field=models.BooleanField()
            ),
        )

    def due_for_reminder(self, *, now: datetime.datetime) -> "MeasureQuerySet":
        """Measures with a responsible office and at least one reason for a reminder."""
        return (
            self.with_reminder_reasons(now=now)
            .filter(responsible_office__isnull=False)
            .filter(
                Q(reminder_stale=True)
                | Q(reminder_overdue_start=True)
                | Q(reminder_overdue_end=True)
            )
        )


class Measure(models.Model):
    """A measure of the catalogue with every field of its profile (Steckbrief)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    title = models.CharField(_("title"), max_length=200)
    thematic_field = models.ForeignKey(
        ThematicField,
        verbose_name=_("thematic field"),
        related_name="measures",
        on_delete=models.PROTECT,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = BoundedTextField(_("description / context"), max_length=20000)
    target_groups_as_printed = models.CharField(
        _("target groups as printed in the concept"), max_length=500, blank=True
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        verbose_name=_("target groups"),
        related_name="measures",
        blank=True,
        through="MeasureTargetGroup",
    )
    actors_as_printed = models.CharField(
        _("actors as printed in the concept"), max_length=500, blank=True
    )
    actors = models.ManyToManyField(
        Actor,
        verbose_name=_("actors involved"),
        related_name="measures",
        blank=True,
        through="MeasureActor",
    )

    costs_as_printed = models.CharField(
        _("costs as printed in the concept"), max_length=300, blank=True
    )
    personnel_cost_min = models.PositiveSmallIntegerField(
        _("personnel cost from"), choices=CostLevel.choices, null=True, blank=True
    )
    personnel_cost_max = models.PositiveSmallIntegerField(
        _("personnel cost to"), choices=CostLevel.choices, null=True, blank=True
    )
    personnel_cost_remark = models.CharField(_("personnel cost remark"), max_length=200, blank=True)
    material_cost_min = models.PositiveSmallIntegerField(
        _("material cost from"), choices=CostLevel.choices, null=True, blank=True
    )
    material_cost_max = models.PositiveSmallIntegerField(
        _("material cost to"), choices=CostLevel.choices, null=True, blank=True
    )
    material_cost_remark = models.CharField(_("material cost remark"), max_length=200, blank=True)
    time_horizon_as_printed = models.CharField(
        _("time horizon as printed in the concept"), max_length=200, blank=True
    )
    time_horizon_min = models.PositiveSmallIntegerField(
        _("time horizon from"), choices=TimeHorizon.choices, null=True, blank=True
    )
    time_horizon_max = models.PositiveSmallIntegerField(
        _("time horizon to"), choices=TimeHorizon.choices, null=True, blank=True
    )
    time_horizon_remark = models.CharField(_("time horizon remark"), max_length=200, blank=True)

    problem = BoundedTextField(_("initial problem"), max_length=20000, blank=True)
    solution = BoundedTextField(_("solution / measure"), max_length=20000, blank=True)
    impact = BoundedTextField(_("impact"), max_length=20000, blank=True)
    challenges = BoundedTextField(_("challenges / obstacles"), max_length=20000, blank=True)
    interactions_note = BoundedTextField(
        _("interactions (text)"),
        max_length=5000,
        blank=True,
        help_text=_("What the concept says about interactions beyond links to other measures."),
    )
    interactions = models.ManyToManyField(
        "self",
        verbose_name=_("interacts with"),
        symmetrical=False,
        related_name="referenced_by",
        blank=True,
        through="MeasureInteraction",
        through_fields=("from_measure", "to_measure"),
    )

    # Step 3 of chapter 6.1 (staff)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True
    )
    priority_reason = BoundedTextField(
        _("reason for the priority"),
        max_length=2000,
        blank=True,
        help_text=_("Why this priority, e.g. the passage of the concept it follows."),
    )

    # Step 4 of chapter 6.1 (the seven steps): measures that need a site or a space, for which
    # the guided choice shows candidate sites. An editorial reading of the concept (the
    # profiles do not say it in one field); initial data in measures/data/needs_space.json.
    needs_space = models.BooleanField(
        _("needs a site or space"),
        default=False,
        help_text=_("The guided choice (step 4) shows candidate sites of the vacancy cadastre."),
    )

    # Implementation tracking (staff)
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    responsible_office = models.ForeignKey(
        Office,
        verbose_name=_("responsible office"),
        related_name="measures",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    tracking_updated_at = models.DateTimeField(
        _("tracking last updated"),
        null=True,
        blank=True,
        help_text=_("Set by every change of the tracking; reminders count from here."),
    )
    staff_notes = BoundedTextField(_("notes for staff"), max_length=10000, blank=True)

    # history: registered in translation.py, once the English fields exist (see
    # fabtown/content_translation.py)
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            *_range_constraints("personnel_cost"),
            *_range_constraints("material_cost"),
            *_range_constraints("time_horizon"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^4\.([1-9]|10)\.[0-9]+$"), name="measure_code_format"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="measure_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start"))
                | Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True),
                name="measure_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__gte=F("actual_start"))
                | Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True),
                name="measure_actual_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def personnel_cost_label(self) -> str:
        return range_label(self.personnel_cost_min, self.personnel_cost_max, _COST_LABELS)

    @property
    def material_cost_label(self) -> str:
        return range_label(self.material_cost_min, self.material_cost_max, _COST_LABELS)

    @property
    def time_horizon_label(self) -> str:
        return range_label(self.time_horizon_min, self.time_horizon_max, TIME_HORIZON_SHORT_LABELS)

    def clean(self) -> None:
        run_checks(
            lambda: self._validate_range("personnel_cost"),
            lambda: self._validate_range("material_cost"),
            lambda: self._validate_range("time_horizon"),
            self._validate_code_in_field,
            self._validate_priority_reason,
            lambda: self._validate_dates("planned"),
            lambda: self._validate_dates("actual"),
            self._validate_completed,
            self._validate_full_progress_only_when_completed,
            self._validate_actual_start_not_in_future,
            self._validate_not_started_has_no_start,
            self._validate_actual_end_not_in_future,
        )

    def _validate_range(self, prefix: str):
        low, high = getattr(self, f"{prefix}_min"), getattr(self, f"{prefix}_max")
        if (low is None) != (high is None):
            yield f"{prefix}_max", _("Give both ends of the range, or neither.")
        elif low is not None and low > high:
            yield f"{prefix}_max", _("The upper end cannot be below the lower end.")

    def _validate_code_in_field(self):
        if (
            self.thematic_field_id
            and self.code
            and not self.code.startswith(f"{self.thematic_field.code}.")
        ):
            yield "code", _("The code must start with the thematic field's code.")

    def _validate_priority_reason(self):
        if self.priority is not None and not (self.priority_reason or "").strip():
            yield "priority_reason", _("Give the reason for the priority.")

    def _validate_dates(self, kind: str):
        start, end = getattr(self, f"{kind}_start"), getattr(self, f"{kind}_end")
        if start and end and end < start:
            yield f"{kind}_end", _("The end cannot be before the start.")

    # The tracking must tell one story: a public page showing "completed" at 40 % or "not
    # started" since last spring would undo the trust it is meant to build.
    def _validate_completed(self):
        if self.implementation_status != ImplementationStatus.COMPLETED:
            return
        if self.progress != 100:
            yield "progress", _("A completed measure has a progress of 100 %.")
        if not self.actual_end:
            yield "actual_end", _("Give the actual end of a completed measure.")

    def _validate_full_progress_only_when_completed(self):
        if self.progress == 100 and self.implementation_status != ImplementationStatus.COMPLETED:
            yield (
                "progress",
                _("A progress of 100 % means the measure is completed; set the status."),
            )

    def _validate_actual_start_not_in_future(self):
        if self.actual_start and self.actual_start > timezone.localdate():
            yield (
                "actual_start",
                _("The actual start cannot be in the future; use the planned start."),
            )

    def _validate_not_started_has_no_start(self):
        if self.implementation_status == ImplementationStatus.NOT_STARTED and self.actual_start:
            yield "actual_start", _("A measure that has not started has no actual start.")
        if self.implementation_status == ImplementationStatus.NOT_STARTED and self.progress:
            yield "progress", _("A measure that has not started has a progress of 0 %.")

    def _validate_actual_end_not_in_future(self):
        if self.actual_end and self.actual_end > timezone.localdate():
            yield (
                "actual_end",
                _("The actual end cannot be in the future; use the planned end."),
            )


class MeasureActor(models.Model):
    """An actor of a measure, in the order the concept names them; the lead actor
    ("hauptverantwortlich", chapter 6.1 step 2) is marked."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), related_name="actor_links", on_delete=models.CASCADE
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), related_name="measure_links", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_lead = models.BooleanField(_("lead actor"), default=False)

    class Meta:
        db_table = "measures_measure_actors"
        ordering = ["position", "id"]
        verbose_name = _("actor of the measure")
        verbose_name_plural = _("actors of the measure")
        constraints = [
            models.UniqueConstraint(fields=["measure", "actor"], name="measure_actor_once"),
            models.UniqueConstraint(
                fields=["measure"], condition=Q(is_lead=True), name="measure_one_lead_actor"
            ),
        ]

    def __str__(self) -> str:
        return str(self.actor)


class MeasureTargetGroup(models.Model):
    """A target group of a measure, in the order the concept names them."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        related_name="target_group_links",
        on_delete=models.CASCADE,
    )
    target_group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("target group"),
        related_name="measure_links",
        on_delete=models.CASCADE,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "measures_measure_target_groups"
        ordering = ["position", "id"]
        verbose_name = _("target group of the measure")
        verbose_name_plural = _("target groups of the measure")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "target_group"], name="measure_target_group_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.target_group)


class MeasureInteraction(models.Model):
    """ "Wechselwirkung mit anderen Maßnahmen" of a profile, in the printed order. A
    reconstructed link stands where the concept prints the broken cross-reference "Fehler!
    Verweisquelle konnte nicht gefunden werden." and its target follows from the document."""

    from_measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        related_name="interaction_links",
        on_delete=models.CASCADE,
    )
    to_measure = models.ForeignKey(
        Measure,
        verbose_name=_("interacts with"),
        related_name="referenced_by_links",
        on_delete=models.CASCADE,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    reconstructed = models.BooleanField(
        _("reconstructed"),
        default=False,
        help_text=_("The concept prints a broken cross-reference here; the target is inferred."),
    )

    class Meta:
        db_table = "measures_measure_interactions"
        ordering = ["position", "id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                fields=["from_measure", "to_measure"], name="measure_interaction_once"
            ),
            models.CheckConstraint(
                condition=~Q(from_measure=F("to_measure")), name="measure_interaction_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_measure.code} → {self.to_measure.code}"


class TimelineEntry(models.Model):
    """A step of a measure's implementation, shown publicly on the measure's page."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), related_name="timeline", on_delete=models.CASCADE
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    text = BoundedTextField(_("text"), max_length=5000, blank=True)
    url = WebURLField(_("link"), max_length=500, blank=True)
    document = models.FileField(
        _("document"),
        upload_to="measures/timeline/",
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), validate_document],
        help_text=_("Optional: a PDF or an image (JPEG, PNG, WebP) of at most 10 MB; public."),
    )

    # history: registered in translation.py, once the English fields exist
    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class MeasureOutcome(models.Model):
    """A record a measure produced: a site used for a pop-up (4.3.1), a producer at an open day
    (4.6.4), the label (4.6.2), an interim use. Which models can be linked, and how they appear
    in public, is registered by their apps (measures/outcomes.py): measures knows none of them."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), related_name="outcomes", on_delete=models.CASCADE
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("Optional, shown in public.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # history: registered in translation.py, once the English fields exist
    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "content_type", "object_id"], name="measure_outcome_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} → {self.content_type.model} {self.object_id}"

    def clean(self) -> None:
        run_checks(self._validate_registered_kind, self._validate_record_exists)

    def _validate_registered_kind(self):
        from measures.outcomes import is_registered

        if self.content_type_id and not is_registered(self.content_type.model_class()):
            yield "content_type", _("Records of this kind cannot be linked as outcomes.")

    def _validate_record_exists(self):
        if self.content_type_id and self.object_id is not None:
            model = self.content_type.model_class()
            if model is not None and not model._default_manager.filter(pk=self.object_id).exists():
                yield "object_id", _("There is no such record.")


class BestPractice(models.Model):
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), related_name="best_practices", on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=300)
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    url = WebURLField(_("link"), max_length=500, blank=True)
    group = models.CharField(
        _("group"), max_length=100, blank=True, help_text=_("e.g. “Citybeispiele”")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["measure", "position", "id"]
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")
        constraints = [
            models.UniqueConstraint(fields=["measure", "title"], name="best_practice_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


# --- Reminders about stale or overdue tracking (issue 13) ---------------------------------------


class ReminderReason(models.TextChoices):
    STALE = "stale", _("tracking is stale")
    OVERDUE_START = "overdue_start", _("planned start has passed")
    OVERDUE_END = "overdue_end", _("planned end has passed")


class TrackingReminderQuerySet(models.QuerySet):
    def unanswered(self) -> "TrackingReminderQuerySet":
        """Reminders the tracking was not updated after: they stand, and are not sent again.
        An update of the tracking (tracking_updated_at after sent_at) answers them."""
        return self.filter(
            Q(measure__tracking_updated_at__isnull=True)
            | Q(measure__tracking_updated_at__lte=F("sent_at"))
        )


class TrackingReminder(models.Model):
    """One reminder to an office about one measure and one reason: the record that keeps the
    same reminder from being sent twice, and the start of the delay before the office's lead is
    told. Only the office's functional mailbox is stored; the lead's address is personal data
    and stays on the office (escalated_at says the lead was written to)."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        related_name="tracking_reminders",
        on_delete=models.CASCADE,
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        related_name="tracking_reminders",
        on_delete=models.CASCADE,
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReminderReason.choices)
    sent_at = models.DateTimeField(_("sent at"))
    sent_to = models.EmailField(_("sent to (office mailbox)"))
    escalated_at = models.DateTimeField(_("escalated to the lead at"), null=True, blank=True)

    objects = TrackingReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("tracking reminder")
        verbose_name_plural = _("tracking reminders")
        indexes = [models.Index(fields=["measure", "reason", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.get_reason_display()} {self.sent_at:%Y-%m-%d}"
