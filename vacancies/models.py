import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabtown import geo
from fabtown.fields import BoundedTextField, PhotoField
from fabtown.validation import run_checks
from fabtown.validators import validate_postcode
from producers import urban
from producers.models import Producer, ProductionForm


class CustomerFrequency(models.TextChoices):
    HIGH = "high", _("high customer frequency")
    MEDIUM = "medium", _("medium customer frequency")
    LOW = "low", _("low customer frequency")


class SearchArea(models.Model):
    """A search area of seed 3.2 (Abbildung 18) tied to a type of urban production."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    production_type = models.CharField(_("type of urban production"), max_length=200)
    production_form = models.ForeignKey(
        ProductionForm,
        verbose_name=_("form of urban production"),
        related_name="search_areas",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    customer_frequency = models.CharField(
        _("customer frequency"), max_length=10, choices=CustomerFrequency.choices
    )
    concretisation = BoundedTextField(_("concretisation"), max_length=5000, blank=True)
    # NULL only where a data migration cleared an implausible boundary; every door requires one.
    area = geo.MultiPolygonField(_("area"), srid=4326, null=True)
    area_is_approximate = models.BooleanField(
        _("boundary is approximate"),
        default=False,
        help_text=_("Set when the boundary was drawn from a description, not surveyed."),
    )
    # history: registered in translation.py, once the English fields exist (see
    # fabtown/content_translation.py)

    class Meta:
        ordering = ["name"]
        verbose_name = _("search area")
        verbose_name_plural = _("search areas")
        constraints = [
            models.CheckConstraint(
                condition=geo.within_extent("area"), name="search_area_area_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SiteKind(models.TextChoices):
    VACANT_UNIT = "vacant_unit", _("vacant shop or commercial unit")
    INITIATIVE = "initiative", _("place of an existing initiative")
    SPECIAL_PROPERTY = "special_property", _("special property (car-park deck, bunker, roof)")
    PUBLIC_SPACE = "public_space", _("public square with footfall")


class SiteStatus(models.TextChoices):
    VACANT = "vacant", _("vacant")
    RESERVED = "reserved", _("reserved")
    INTERIM_USE = "interim_use", _("interim use")
    LET = "let", _("let")
    WITHDRAWN = "withdrawn", _("withdrawn")


class SiteQuerySet(urban.UrbanLocationQuerySetMixin, models.QuerySet):
    def published(self) -> "SiteQuerySet":
        return self.filter(is_published=True)

    def on_offer(self) -> "SiteQuerySet":
        return self.published().filter(status__in=[SiteStatus.VACANT, SiteStatus.RESERVED])

    def within(self, area) -> "SiteQuerySet":
        """Sites whose point lies inside `area` (a polygon geometry)."""
        return self.filter(location__within=area)


class Site(models.Model):
    """A potential site for urban production: the vacancy cadastre (Leerstandskataster)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of site"), max_length=20, choices=SiteKind.choices)
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=5, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=100, default="Bochum")
    # NULL only where a data migration cleared an implausible point; every door requires one.
    location = geo.PointField(_("location"), srid=4326, null=True)
    location_is_approximate = models.BooleanField(
        _("location is approximate"),
        default=False,
        help_text=_("Set when the point was estimated rather than surveyed or geocoded."),
    )
    footprint = geo.PolygonField(_("footprint"), srid=4326, null=True, blank=True)

    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    is_ground_floor = models.BooleanField(_("ground floor"), null=True, blank=True)
    has_shop_window = models.BooleanField(_("shop window"), null=True, blank=True)
    equipment = BoundedTextField(_("equipment"), max_length=2000, blank=True)
    rent_eur_per_month = models.DecimalField(
        _("rent per month (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    rent_is_public = models.BooleanField(
        _("publish the rent"), default=False, help_text=_("Only with the owner's consent.")
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.VACANT
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    suitable_forms = models.ManyToManyField(
        ProductionForm,
        verbose_name=_("suitable for"),
        related_name="suitable_sites",
        blank=True,
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Show on the public list of sites on offer.")
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The record's id in the office's GIS; imports match on it."),
    )
    verification_interval_days = models.PositiveSmallIntegerField(
        _("verification interval (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the interval of the cadastre settings."),
    )
    # The exposé's pictures: public once the site is published (served from the media storage).
    photo = PhotoField(
        _("photo"),
        upload_to="sites/photos/%Y/",
        blank=True,
        help_text=_("Shown on the public page and the exposé. JPEG, PNG or WebP, at most 5 MB."),
    )
    floor_plan = PhotoField(
        _("floor plan"),
        upload_to="sites/floor-plans/%Y/",
        blank=True,
        help_text=_("An image of the floor plan, for the exposé. JPEG, PNG or WebP, at most 5 MB."),
    )
    # Note 13 of the concept: computed by producers.services from the buildings layer.
    residential_buildings_500m = models.PositiveIntegerField(
        _("residential buildings within 500 m"), null=True, blank=True, editable=False
    )

    # Personal data: staff only (DSGVO). Never in public pages, the API or exports.
    owner_name = models.CharField(_("owner name"), max_length=200, blank=True)
    owner_contact = BoundedTextField(_("owner contact"), max_length=1000, blank=True)
    internal_notes = BoundedTextField(_("internal notes"), max_length=10000, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = SiteQuerySet.as_manager()

    # Who may see them: fabtown.privacy, for the admin and the API alike.
    PRIVATE_FIELDS = ("owner_name", "owner_contact", "internal_notes")
    PRIVATE_PERMISSION = "vacancies.view_owner_data"

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        permissions = [("view_owner_data", _("Can see owners' names and contacts"))]
        indexes = [
            # The public list (sites on offer by name, 24 a page) reads the first rows of this
            # index instead of scanning and sorting every site; its COUNT scans only the index.
            models.Index(
                fields=["name"],
                condition=Q(is_published=True, status__in=[SiteStatus.VACANT, SiteStatus.RESERVED]),
                name="site_on_offer_name_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area_m2__isnull=True) | Q(floor_area_m2__gt=0),
                name="site_floor_area_positive",
            ),
            models.CheckConstraint(
                condition=Q(rent_eur_per_month__isnull=True) | Q(rent_eur_per_month__gte=0),
                name="site_rent_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[0-9]{5}$"),
                name="site_postcode_format",
            ),
            models.CheckConstraint(
                condition=Q(rent_is_public=False) | Q(rent_eur_per_month__isnull=False),
                name="site_public_rent_is_set",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(location__isnull=False),
                name="site_published_has_location",
            ),
            models.CheckConstraint(
                condition=geo.within_extent("location"), name="site_location_plausible"
            ),
            models.CheckConstraint(
                condition=geo.within_extent("footprint"), name="site_footprint_plausible"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="site_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_urban_location(self) -> bool | None:
        """Note 13 (producers.urban); None when the count was not computed."""
        return urban.is_urban(self.residential_buildings_500m)

    def clean(self) -> None:
        run_checks(self._validate_public_rent, self._validate_footprint)

    def _validate_public_rent(self):
        if self.rent_is_public and self.rent_eur_per_month is None:
            yield "rent_is_public", _("Enter the rent before publishing it.")

    def _validate_footprint(self):
        # an implausible geometry has its own field error already
        if geo.is_plausible(self.footprint) and geo.is_plausible(self.location):
            footprint = self.footprint.transform(4326, clone=True)
            location = self.location.transform(4326, clone=True)
            # a few metres of tolerance: the point usually marks the entrance on the façade
            if footprint.distance(location) > 0.0005:
                yield "footprint", _("The footprint must lie at the site's location.")


class SiteStatusChange(models.Model):
    """One step in a site's status history, written by vacancies.services.site_set_status."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), related_name="status_changes", on_delete=models.CASCADE
    )
    from_status = models.CharField(_("from"), max_length=20, choices=SiteStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=SiteStatus.choices)
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = BoundedTextField(_("note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="site_status_change_changes"
            ),
        ]

    def __str__(self) -> str:
        # the statuses' names, as the admin shows them (its inline titles each row with this)
        before = self.get_from_status_display() or "—"
        return f"{self.site}: {before} → {self.get_to_status_display()}"


class InterimUse(models.Model):
    """Who used which site, from when to when (e.g. the Tapetenwechsel pop-up stores)."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), related_name="interim_uses", on_delete=models.PROTECT
    )
    title = models.CharField(_("title"), max_length=200)
    users = models.CharField(
        _("used by"), max_length=400, help_text=_("Businesses, initiatives or artists.")
    )
    producers = models.ManyToManyField(
        Producer,
        verbose_name=_("producers in the registry"),
        related_name="interim_uses",
        blank=True,
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    dates_are_approximate = models.BooleanField(
        _("dates are approximate"),
        default=False,
        help_text=_("Set when the source names only months, not days."),
    )
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("interim use")
        verbose_name_plural = _("interim uses")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="interim_use_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.site})"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})


# --- The office's working tool (issue 11): settings, space requests, brokering ---------------


class CadastreSettings(models.Model):
    """The office's settings of the cadastre: one row, edited by staff in the admin."""

    verification_interval_days = models.PositiveSmallIntegerField(
        _("verification interval (days)"),
        default=90,
        validators=[MinValueValidator(1)],
        help_text=_("How often a site's record must be checked, unless the site sets its own."),
    )
    request_validity_days = models.PositiveSmallIntegerField(
        _("validity of a space request (days)"),
        default=180,
        validators=[MinValueValidator(1)],
        help_text=_("A request expires after this period unless the requester renews it."),
    )
    request_reminder_days = models.PositiveSmallIntegerField(
        _("reminder before expiry (days)"),
        default=14,
        validators=[MinValueValidator(1)],
    )
    request_retention_days = models.PositiveSmallIntegerField(
        _("retention after expiry (days)"),
        default=90,
        validators=[MinValueValidator(1)],
        help_text=_("The contact data of an expired or closed request are erased after this."),
    )
    match_notification_threshold = models.PositiveSmallIntegerField(
        _("score for a match e-mail"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Requesters who opted in are told of new sites that score at least this."),
    )
    office_email = models.EmailField(
        _("office e-mail"),
        blank=True,
        help_text=_(
            "Receives the daily digest of overdue records; empty: the staff who manage sites."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cadastre settings")
        verbose_name_plural = _("cadastre settings")
        constraints = [
            # one row only: its primary key is always 1
            models.CheckConstraint(condition=Q(id=1), name="cadastre_settings_single_row"),
        ]

    def __str__(self) -> str:
        return str(_("Settings of the vacancy cadastre"))

    @classmethod
    def current(cls) -> "CadastreSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class SpaceRequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    FULFILLED = "fulfilled", _("fulfilled")
    WITHDRAWN = "withdrawn", _("withdrawn")


class SpaceRequestSource(models.TextChoices):
    PUBLIC_FORM = "public_form", _("public form")
    STAFF = "staff", _("recorded by staff")
    API = "api", _("API")


class SpaceRequestQuerySet(models.QuerySet):
    def active(self, *, on=None) -> "SpaceRequestQuerySet":
        """Open requests that have not expired: the only ones matching considers."""
        from django.utils import timezone

        today = on or timezone.localdate()
        return self.filter(status=SpaceRequestStatus.OPEN, expires_on__gte=today)


class SpaceRequest(models.Model):
    """A request for space (Gesuch) by a producer or founder: what they need and how to reach
    them. The contact fields are personal data (DSGVO): staff with the permission only."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("what the space is for"), max_length=200, help_text=_("e.g. “Rösterei mit Café”")
    )
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    production_form = models.ForeignKey(
        ProductionForm,
        verbose_name=_("form of urban production"),
        related_name="space_requests",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    floor_area_min_m2 = models.DecimalField(
        _("floor area from (m²)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    floor_area_max_m2 = models.DecimalField(
        _("floor area to (m²)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    # None: does not matter to the requester
    needs_ground_floor = models.BooleanField(_("ground floor needed"), null=True, blank=True)
    needs_shop_window = models.BooleanField(_("shop window needed"), null=True, blank=True)
    equipment_wanted = BoundedTextField(_("equipment wanted"), max_length=2000, blank=True)
    max_rent_eur_per_month = models.DecimalField(
        _("maximum rent per month (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    search_areas = models.ManyToManyField(
        SearchArea,
        verbose_name=_("preferred search areas"),
        related_name="space_requests",
        blank=True,
    )
    wanted_from = models.DateField(_("wanted from"), null=True, blank=True)

    # Personal data: staff with the permission only (DSGVO).
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    organisation = models.CharField(_("business or project"), max_length=200, blank=True)

    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    notify_matches = models.BooleanField(
        _("e-mail about matching sites"),
        default=False,
        help_text=_("The requester opted in to e-mails about newly published matching sites."),
    )
    source = models.CharField(
        _("recorded through"),
        max_length=20,
        choices=SpaceRequestSource.choices,
        default=SpaceRequestSource.STAFF,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SpaceRequestStatus.choices,
        default=SpaceRequestStatus.OPEN,
    )
    expires_on = models.DateField(_("expires on"))
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # When it was fulfilled or withdrawn: the retention period of a closed request starts here.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The requester's language: reminders go out in it (the daily job has no request).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    personal_data_erased_at = models.DateTimeField(_("contact data erased"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = SpaceRequestQuerySet.as_manager()

    # Who may see them: fabtown.privacy, for the admin and the API alike.
    PRIVATE_FIELDS = ("contact_name", "contact_email", "contact_phone", "organisation")
    PRIVATE_PERMISSION = "vacancies.view_requester_data"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("space request")
        verbose_name_plural = _("space requests")
        permissions = [("view_requester_data", _("Can see requesters' names and contacts"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area_min_m2__isnull=True)
                | Q(floor_area_max_m2__isnull=True)
                | Q(floor_area_max_m2__gte=F("floor_area_min_m2")),
                name="space_request_area_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_rent_eur_per_month__isnull=True) | Q(max_rent_eur_per_month__gte=0),
                name="space_request_rent_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        run_checks(self._validate_area_range)

    def _validate_area_range(self):
        low, high = self.floor_area_min_m2, self.floor_area_max_m2
        if low is not None and high is not None and high < low:
            yield "floor_area_max_m2", _("The largest area cannot be smaller than the smallest.")


class ProposalStage(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    VIEWING = "viewing", _("viewing")
    LET = "let", _("let")
    LOST = "lost", _("lost")


class LostReason(models.TextChoices):
    RENT = "rent", _("rent too high")
    SIZE = "size", _("size does not fit")
    LOCATION = "location", _("location does not fit")
    CONDITION = "condition", _("condition or equipment")
    OWNER = "owner", _("owner declined")
    REQUESTER = "requester", _("requester withdrew")
    OTHER_SITE = "other_site", _("requester took another site")
    OTHER = "other", _("other")


class SiteProposal(models.Model):
    """The brokering of one site to one request: proposed → viewing → let, or lost (with the
    reason). The funnel of the vacancy statistics counts these."""

    space_request = models.ForeignKey(
        SpaceRequest,
        verbose_name=_("space request"),
        related_name="proposals",
        on_delete=models.CASCADE,
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), related_name="proposals", on_delete=models.CASCADE
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=ProposalStage.choices, default=ProposalStage.PROPOSED
    )
    score = models.PositiveSmallIntegerField(
        _("score when proposed"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    proposed_on = models.DateField(_("proposed on"))
    viewing_on = models.DateField(_("viewing on"), null=True, blank=True)
    let_on = models.DateField(_("let on"), null=True, blank=True)
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.CharField(
        _("reason it was lost"), max_length=20, choices=LostReason.choices, blank=True
    )
    note = BoundedTextField(_("note"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = _("site proposal")
        verbose_name_plural = _("site proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["space_request", "site"], name="site_proposal_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(stage=ProposalStage.LOST) | ~Q(lost_reason=""),
                name="site_proposal_lost_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} → {self.space_request}"

    def clean(self) -> None:
        run_checks(self._validate_lost_reason, self._validate_dates)

    def _validate_lost_reason(self):
        if self.stage == ProposalStage.LOST and not self.lost_reason:
            yield "lost_reason", _("Say why the match was lost.")

    def _validate_dates(self):
        for field in ("viewing_on", "let_on", "lost_on"):
            value = getattr(self, field)
            if value and self.proposed_on and value < self.proposed_on:
                yield field, _("This date cannot be before the proposal.")


class MatchNotification(models.Model):
    """A requester was e-mailed about a site: at most once per request and site."""

    space_request = models.ForeignKey(
        SpaceRequest, related_name="notifications", on_delete=models.CASCADE
    )
    site = models.ForeignKey(Site, related_name="match_notifications", on_delete=models.CASCADE)
    score = models.PositiveSmallIntegerField(_("score"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("match e-mail")
        verbose_name_plural = _("match e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["space_request", "site"], name="match_notification_once_per_pair"
            ),
        ]


class ConsentScope(models.TextChoices):
    CONTACT_ROUTE = "contact_route", _("publish a contact route on the site's page and exposé")
    OWNER_NAME = "owner_name", _("also publish the owner's name")


class OwnerConsent(models.Model):
    """An owner's consent to publish a contact route for one site (Munich's rule: no brokering
    without it). Recorded with date, scope and who recorded it; withdrawn, it stops at once."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), related_name="owner_consents", on_delete=models.CASCADE
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=ConsentScope.choices, default=ConsentScope.CONTACT_ROUTE
    )
    contact_route = BoundedTextField(
        _("published contact route"),
        max_length=1000,
        help_text=_(
            "What the public sees, e.g. an e-mail address or phone number the owner chose."
        ),
    )
    given_on = models.DateField(_("consent given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = BoundedTextField(_("note"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("owner consent")
        verbose_name_plural = _("owner consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="owner_consent_withdrawn_after_given",
            ),
            # at most one consent in force per site
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(withdrawn_on__isnull=True),
                name="owner_consent_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site}: {self.get_scope_display()}"


class SiteReportStatus(models.TextChoices):
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed: no longer free")
    DISMISSED = "dismissed", _("dismissed: still free")


class SiteReport(models.Model):
    """A passer-by's report that a published site is no longer free: a verification task."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), related_name="reports", on_delete=models.CASCADE
    )
    message = BoundedTextField(_("message"), max_length=2000, blank=True)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SiteReportStatus.choices, default=SiteReportStatus.OPEN
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("report from the street")
        verbose_name_plural = _("reports from the street")

    def __str__(self) -> str:
        return f"{self.site} ({self.reported_at:%Y-%m-%d})"


class UnitCount(models.Model):
    """The number of commercial units in a search area (or city-wide, without an area) on a
    date: the denominator of the vacancy rate against the 3 % reserve (seed 4.2.1)."""

    search_area = models.ForeignKey(
        SearchArea,
        verbose_name=_("search area"),
        related_name="unit_counts",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Empty: the whole city."),
    )
    units = models.PositiveIntegerField(_("commercial units"), validators=[MinValueValidator(1)])
    counted_on = models.DateField(_("counted on"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-counted_on", "-id"]
        verbose_name = _("count of commercial units")
        verbose_name_plural = _("counts of commercial units")
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="unit_count_positive"),
            # two partial constraints rather than NULLS NOT DISTINCT, which needs PostgreSQL 15
            models.UniqueConstraint(
                fields=["search_area", "counted_on"],
                condition=Q(search_area__isnull=False),
                name="unit_count_once_per_area_and_day",
            ),
            models.UniqueConstraint(
                fields=["counted_on"],
                condition=Q(search_area__isnull=True),
                name="unit_count_city_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        where = self.search_area or _("Bochum")
        return f"{where}: {self.units} ({self.counted_on})"

    def clean(self) -> None:
        run_checks(self._validate_counted_on, self._validate_one_per_day)

    def _validate_counted_on(self):
        from django.utils import timezone

        if self.counted_on and self.counted_on > timezone.localdate():
            yield "counted_on", _("A count cannot lie in the future.")

    def _validate_one_per_day(self):
        # the two unique constraints, with a message a person understands
        if not self.counted_on:
            return
        same_day = UnitCount.objects.filter(
            search_area=self.search_area_id, counted_on=self.counted_on
        ).exclude(pk=self.pk)
        if same_day.exists():
            yield "counted_on", _("There is already a count for this area on this day.")


# --- GIS export with owner data (issue 11, vacancies.services.gis) ------------------------------


class OwnerDataExport(models.Model):
    """Who exported sites with their owners' data, when, how many, in which format: the
    record DSGVO accountability asks for. Never the data itself."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    exported_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    records = models.PositiveIntegerField(_("records"))
    file_format = models.CharField(_("format"), max_length=10)
    door = models.CharField(_("through"), max_length=20)  # "command" or "admin"

    class Meta:
        ordering = ["-exported_at", "-id"]
        verbose_name = _("export with owner data")
        verbose_name_plural = _("exports with owner data")

    def __str__(self) -> str:
        return f"{self.exported_at:%Y-%m-%d %H:%M}: {self.records} ({self.file_format})"


class VacancySurvey(models.Model):
    """A count of vacant units from a survey outside the cadastre, e.g. the concept's "über 86
    Leerstände" of May 2020 (seed 3.2): a reference figure beside the cadastre's own counts,
    which cannot reach back before the cadastre's history. No rate without a unit count."""

    territory = models.CharField(
        _("surveyed territory"), max_length=200, help_text=_("e.g. “Bochumer Gleisdreieck”")
    )
    vacant = models.PositiveIntegerField(_("vacant units found"))
    is_minimum = models.BooleanField(
        _("at least this many"), default=False, help_text=_("The source says “more than”.")
    )
    surveyed_on = models.DateField(_("surveyed on"))
    date_is_approximate = models.BooleanField(
        _("date is approximate"),
        default=False,
        help_text=_("Set when the source names only the month or year."),
    )
    source = models.CharField(_("source"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-surveyed_on", "-id"]
        verbose_name = _("vacancy survey")
        verbose_name_plural = _("vacancy surveys")

    def __str__(self) -> str:
        return f"{self.territory}: {self.vacant} ({self.surveyed_on})"
