from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fabtown.fields import BoundedTextField, WebURLField
from fabtown.validation import run_checks


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
    IMPLEMENTED = "implemented", _("implemented")
    PAUSED = "paused", _("paused")


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
        return self.select_related("thematic_field").prefetch_related(
            "target_groups", "actors", "interactions", "best_practices"
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
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="measures", blank=True
    )
    actors = models.ManyToManyField(
        Actor, verbose_name=_("actors involved"), related_name="measures", blank=True
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
    )

    # Implementation tracking (staff)
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    responsible_office = models.CharField(_("responsible office"), max_length=200, blank=True)
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
