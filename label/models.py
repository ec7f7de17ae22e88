import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
)
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabtown import geo, numbers, privacy
from fabtown.fields import BoundedTextField, PhotoField
from fabtown.storage import private_storage
from fabtown.validation import run_checks
from fabtown.validators import validate_image, validate_postcode
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
    # history: registered in translation.py, once the English fields exist (see
    # fabtown/content_translation.py)

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
        return f"{self.name} ({self.min_employees}–{upper}: {numbers.money(self.monthly_fee_eur)})"


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

    def carrying_label(self, on=None) -> "MembershipQuerySet":
        """The memberships that give their producer the label: current and regular. The one
        definition of "carries the label"; lists, maps, counts and filters all use it."""
        return self.current(on=on).filter(kind=MembershipKind.REGULAR)


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
    application = models.ForeignKey(
        "LabelApplication",
        verbose_name=_("application"),
        related_name="memberships",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The approved application this membership rests on."),
    )
    # Set by the daily job (label_memberships_daily), cleared on renewal.
    reminder_sent_at = models.DateTimeField(_("renewal reminder sent"), null=True, blank=True)
    expiry_notified_at = models.DateTimeField(_("expiry notice sent"), null=True, blank=True)
    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        permissions = [("export_treasurer_list", _("Can export the treasurer's member list"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer} – {self.get_kind_display()}"

    def clean(self) -> None:
        run_checks(self._validate_period, self._validate_fee_tier)

    def _validate_period(self):
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            yield "valid_until", _("Cannot end before it starts.")

    def _validate_fee_tier(self):
        if self.kind == MembershipKind.REGULAR and self.fee_tier_id is None:
            yield "fee_tier", _("A regular membership needs a fee tier for the treasurer.")

    def is_current(self, on=None) -> bool:
        from django.utils import timezone

        day = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
        )


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
    products = BoundedTextField(_("products"), max_length=2000, blank=True)
    quality_statement = BoundedTextField(_("quality statement"), max_length=5000, blank=True)
    sustainability_notes = BoundedTextField(_("sustainability"), max_length=3000, blank=True)
    seasonality_recycling_notes = BoundedTextField(
        _("seasonality and recycling"), max_length=3000, blank=True
    )

    location = geo.PointField(
        _("seat or shop on the map"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_("Places a new profile on the map; a point in Bochum meets the seat rule."),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    # E-mails about the application go out in the language it was written in.
    language = models.CharField(_("language"), max_length=8, default="de")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    personal_data_deleted_at = models.DateTimeField(
        _("personal data deleted at"), null=True, blank=True
    )
    history = HistoricalRecords(excluded_fields=["contact_name", "contact_email", "contact_phone"])

    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
    # The applicant's personal data: only who may see applicants' data (fabtown.privacy).
    PRIVATE_FIELDS = (*CONTACT_FIELDS, "applicant", "seat_street", "location")
    PRIVATE_PERMISSION = privacy.APPLICANT_DATA_PERMISSION
    # The answers the criteria check reads, and the applicant's free texts.
    CRITERIA_FIELDS = (
        "stage_product_design",
        "stage_manufacturing",
        "stage_finishing",
        "seat_street",
        "seat_postcode",
        "seat_city",
        "location",
        "full_time_staff",
        "is_founder_or_startup",
        "company_size",
    )
    TEXT_FIELDS = (
        "products",
        "quality_statement",
        "sustainability_notes",
        "seasonality_recycling_notes",
    )
    # What the applicant fills in (label.forms.LabelApplicationForm); status and dates are not.
    APPLICANT_FIELDS = ("producer", "company_name", *CONTACT_FIELDS, *CRITERIA_FIELDS, *TEXT_FIELDS)
    # What the retention job blanks once a rejection is older than the retention period.
    PERSONAL_FIELDS = (
        *CONTACT_FIELDS,
        "seat_street",
        "products",
        "quality_statement",
        "sustainability_notes",
        "seasonality_recycling_notes",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("label application")
        verbose_name_plural = _("label applications")
        permissions = [
            ("view_applicant_data", _("Can see applicants' personal data")),
            ("decide_labelapplication", _("Can decide on label applications")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(seat_postcode="") | Q(seat_postcode__regex=r"^[0-9]{5}$"),
                name="label_application_postcode_format",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="label_application_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=geo.within_extent("location"),
                name="label_application_location_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.get_status_display()})"

    @property
    def stages_in_bochum(self) -> int:
        return sum([self.stage_product_design, self.stage_manufacturing, self.stage_finishing])

    def stage_names(self) -> list[str]:
        names = [
            (self.stage_product_design, _("product design")),
            (self.stage_manufacturing, _("manufacturing")),
            (self.stage_finishing, _("finishing")),
        ]
        return [str(name) for present, name in names if present]

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.NEEDS_INFORMATION)


MAX_PHOTOS_PER_APPLICATION = 6

# Referenced by migrations 0003 and 0005; the rule itself is fabtown.validators.validate_image.
validate_photo_size = validate_image


def _photo_path(instance: "LabelApplicationPhoto", filename: str) -> str:
    # A random name: the applicant's file name may carry personal data.
    return f"label/applications/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class LabelApplicationPhoto(models.Model):
    """A photo of the applicant's products, for the board."""

    application = models.ForeignKey(
        LabelApplication,
        verbose_name=_("application"),
        related_name="photos",
        on_delete=models.CASCADE,
    )
    image = PhotoField(
        _("photo"),
        upload_to=_photo_path,
        storage=private_storage,  # served only by label.views.application_photo
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )
    # The one rule that pairs the two fields: a photo needs its description. A description
    # without a photo is no error: the applicant keeps it as a draft (label.views) until the
    # photo is chosen, e.g. again after a refused upload.
    description = models.CharField(
        _("what the photo shows"),
        max_length=300,
        help_text=_("One sentence; it is also the text for screen readers."),
        error_messages={"blank": _("Say in one sentence what the photo shows.")},
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("application photo")
        verbose_name_plural = _("application photos")

    def __str__(self) -> str:
        return self.description


class LabelDecision(models.Model):
    """A status change of an application with who, when and why. Never edited afterwards,
    except that erasing a person forgets who it was (and the applicant's own note)."""

    ERASED_NOTE = "–"

    application = models.ForeignKey(
        LabelApplication,
        verbose_name=_("application"),
        related_name="decisions",
        on_delete=models.CASCADE,
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    # Empty only once the person was erased (DSGVO Art. 17): the step stays on record.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="label_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"))
    reason = BoundedTextField(_("reason"), max_length=5000)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("label decision")
        verbose_name_plural = _("label decisions")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="label_decision_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class LabelSettings(models.Model):
    """Periods the staff set for the label's daily jobs; there is exactly one row."""

    reminder_days_before_expiry = models.PositiveSmallIntegerField(
        _("renewal reminder (days before expiry)"), default=30
    )
    rejected_retention_days = models.PositiveSmallIntegerField(
        _("keep rejected applications' personal data (days)"),
        default=180,
        help_text=_("After this many days from the rejection, the personal data are deleted."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("label settings")
        verbose_name_plural = _("label settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="label_settings_single_row"),
            models.CheckConstraint(
                condition=Q(rejected_retention_days__gte=1),
                name="label_settings_retention_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(_("label settings"))

    @classmethod
    def load(cls) -> "LabelSettings":
        settings_row, _created = cls.objects.get_or_create(id=1)
        return settings_row


class PlaceKind(models.TextChoices):
    SHOP = "shop", _("shop and showroom of the association")


class PlaceQuerySet(models.QuerySet):
    def published(self) -> "PlaceQuerySet":
        return self.filter(is_published=True)


class Place(models.Model):
    """A place of the network that is neither a producer nor a site on offer: the shop of
    BYBOCHUM e.V. at Kortumstraße 120, the network's showroom (press text of the seed).

    Not a Producer: it makes nothing, carries no label of its own and must not count among
    the producers, their facets and figures. Not a Site: the vacancy cadastre keeps the unit
    itself (let, with owner data); this is what the public visits there.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind, default=PlaceKind.SHOP)
    operator = models.CharField(_("run by"), max_length=200, blank=True)
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=5, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=100, default="Bochum")
    location = geo.PointField(_("location"), srid=4326, null=True, blank=True)
    location_is_approximate = models.BooleanField(
        _("location is approximate"),
        default=False,
        help_text=_("Set when the point was estimated rather than surveyed or geocoded."),
    )
    opening_hours = BoundedTextField(_("opening hours"), max_length=1000, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # history: registered in label/translation.py, after the translated fields exist
    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("place of the network")
        verbose_name_plural = _("places of the network")
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[0-9]{5}$"),
                name="place_postcode_format",
            ),
            models.CheckConstraint(
                condition=geo.within_extent("location"), name="place_location_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.name
