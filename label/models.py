import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabtown.validators import validate_postcode
from producers.models import Producer

# Seed chapter 5: the monthly fee is staggered by company size, "zwischen 5 bis 50 € im Monat".
MIN_MONTHLY_FEE = 5
MAX_MONTHLY_FEE = 50


class FeeTier(models.Model):
    """A step of the staggered monthly membership fee, chosen by company size."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    min_employees = models.PositiveIntegerField(_("from employees"))
    max_employees = models.PositiveIntegerField(_("to employees"), null=True, blank=True)
    monthly_fee_eur = models.DecimalField(
        _("monthly fee (€)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(MIN_MONTHLY_FEE), MaxValueValidator(MAX_MONTHLY_FEE)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["min_employees"]
        verbose_name = _("fee tier")
        verbose_name_plural = _("fee tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    monthly_fee_eur__gte=MIN_MONTHLY_FEE, monthly_fee_eur__lte=MAX_MONTHLY_FEE
                ),
                name="fee_tier_fee_within_seed_range",
            ),
            models.CheckConstraint(
                condition=Q(max_employees__isnull=True) | Q(max_employees__gte=F("min_employees")),
                name="fee_tier_employee_range",
            ),
        ]

    def __str__(self) -> str:
        upper = self.max_employees if self.max_employees is not None else "∞"
        return f"{self.name} ({self.min_employees}–{upper}: {self.monthly_fee_eur} €)"


class MembershipKind(models.TextChoices):
    REGULAR = "regular", _("regular member (label)")
    SUPPORTING = "supporting", _("supporting member (Fördermitglied)")


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None) -> "MembershipQuerySet":
        from django.utils import timezone

        day = on or timezone.localdate()
        return (
            self.filter(valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .filter(revoked_at__isnull=True)
        )


class Membership(models.Model):
    """Membership in BYBOCHUM e.V.; regular members carry the "Made by Bochum" label."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), related_name="memberships", on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MembershipKind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    fee_tier = models.ForeignKey(
        FeeTier, verbose_name=_("fee tier"), on_delete=models.PROTECT, null=True, blank=True
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} – {self.get_kind_display()}"

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("Cannot end before it starts.")})


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    IN_REVIEW = "in_review", _("in review")
    NEEDS_INFORMATION = "needs_information", _("needs information")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class LabelApplication(models.Model):
    """An application for the label, with the criteria of seed chapter 5."""

    producer = models.ForeignKey(
        Producer,
        verbose_name=_("producer"),
        related_name="label_applications",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    company_name = models.CharField(_("company"), max_length=200)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="label_applications",
    )
    # Personal data of the applicant: applicant, board and staff only.
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    # Criteria (seed chapter 5)
    stage_product_design = models.BooleanField(_("product design in Bochum"), default=False)
    stage_manufacturing = models.BooleanField(_("manufacturing in Bochum"), default=False)
    stage_finishing = models.BooleanField(_("finishing in Bochum"), default=False)
    seat_street = models.CharField(_("seat or shop: street"), max_length=200, blank=True)
    seat_postcode = models.CharField(
        _("seat or shop: postcode"), max_length=5, blank=True, validators=[validate_postcode]
    )
    seat_city = models.CharField(_("seat or shop: city"), max_length=100, default="Bochum")
    full_time_staff = models.PositiveIntegerField(_("full-time staff"), default=0)
    is_founder_or_startup = models.BooleanField(_("founder or start-up"), default=False)
    company_size = models.PositiveIntegerField(_("company size (employees)"), null=True, blank=True)
    products = models.TextField(_("products"), blank=True)
    quality_statement = models.TextField(_("quality statement"), blank=True)
    sustainability_notes = models.TextField(_("sustainability"), blank=True)
    seasonality_recycling_notes = models.TextField(_("seasonality and recycling"), blank=True)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["contact_name", "contact_email", "contact_phone"])

    PRIVATE_FIELDS = ("contact_name", "contact_email", "contact_phone")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("label application")
        verbose_name_plural = _("label applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(seat_postcode="") | Q(seat_postcode__regex=r"^[0-9]{5}$"),
                name="label_application_postcode_format",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="label_application_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.get_status_display()})"

    @property
    def stages_in_bochum(self) -> int:
        return sum([self.stage_product_design, self.stage_manufacturing, self.stage_finishing])


class LabelDecision(models.Model):
    """A status change of an application with who, when and why. Never edited afterwards."""

    application = models.ForeignKey(
        LabelApplication,
        verbose_name=_("application"),
        related_name="decisions",
        on_delete=models.CASCADE,
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="label_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("label decision")
        verbose_name_plural = _("label decisions")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="label_decision_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} → {self.to_status}"
