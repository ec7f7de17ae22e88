from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabtown import geo
from fabtown.fields import BoundedTextField
from fabtown.validation import run_checks
from fabtown.validators import validate_postcode
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
    history = HistoricalRecords()

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


class SiteQuerySet(models.QuerySet):
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
        ]

    def __str__(self) -> str:
        return self.name

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
        return f"{self.site}: {self.from_status or '–'} → {self.to_status}"


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
