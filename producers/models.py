from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fabtown import geo, privacy
from fabtown.fields import BoundedTextField, PhotoField, WebURLField
from fabtown.validation import run_checks
from fabtown.validators import validate_postcode
from producers import urban

# Years the registry accepts for founding and "at this location since" (the oldest urban
# producers in Bochum, such as the Fiege brewery, go back to the 19th century).
MIN_YEAR = 1800
MAX_YEAR = 2100


class ProductionForm(models.Model):
    """A form of urban production (seed chapter 2)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = BoundedTextField(_("description"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("form of urban production")
        verbose_name_plural = _("forms of urban production")

    def __str__(self) -> str:
        return self.name


class ProductCategory(models.Model):
    """Product categories of seed chapter 3.1; a category with a parent is a sub-group."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    description = BoundedTextField(_("description"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # history: registered in translation.py, once the English fields exist (see
    # fabtown/content_translation.py)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="product_category_unique_name"),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="product_category_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        self._validate_no_cycle()

    def _validate_no_cycle(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A category cannot be placed below itself or its sub-groups.")}
                )
            seen.add(ancestor.pk)  # a loop higher up must not hang the check
            ancestor = ancestor.parent


class ProducerQuerySet(urban.UrbanLocationQuerySetMixin, models.QuerySet):
    def published(self) -> "ProducerQuerySet":
        return self.filter(is_published=True)

    def with_taxonomy(self) -> "ProducerQuerySet":
        return self.select_related("category__parent", "production_form")

    def within(self, area) -> "ProducerQuerySet":
        """Producers whose point lies inside `area` (a polygon geometry)."""
        return self.filter(location__within=area)

    def label_members(self, on=None) -> "ProducerQuerySet":
        """Producers with a current regular membership, i.e. the right to the label."""
        return self.filter(pk__in=self.label_member_ids(on=on))

    @staticmethod
    def label_member_ids(on=None):
        """The ids of producers carrying the label, as a subquery (label.models defines it)."""
        from label.models import Membership

        return Membership.objects.carrying_label(on=on).values("producer_id")


class Producer(models.Model):
    """An urban producer in Bochum: the registry behind the public directory."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = BoundedTextField(_("description"), max_length=5000, blank=True)
    branch = models.CharField(
        _("branch"), max_length=200, blank=True, help_text=_("e.g. “Kaffeerösterei & Café”")
    )
    products = BoundedTextField(_("products"), max_length=2000, blank=True)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        related_name="producers",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    production_form = models.ForeignKey(
        ProductionForm,
        verbose_name=_("form of urban production"),
        related_name="producers",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    # Figures of seed Tabelle 1
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    at_location_since = models.PositiveSmallIntegerField(
        _("at this location since"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    employees_min = models.PositiveIntegerField(
        _("employees (year-round, from)"), null=True, blank=True
    )
    employees_max = models.PositiveIntegerField(
        _("employees (year-round, to)"), null=True, blank=True
    )
    employees_seasonal_peak = models.PositiveIntegerField(
        _("employees in the peak season"), null=True, blank=True
    )
    production_area_min_m2 = models.PositiveIntegerField(
        _("production area from (m²)"), null=True, blank=True
    )
    production_area_max_m2 = models.PositiveIntegerField(
        _("production area to (m²)"), null=True, blank=True
    )
    figures_note = BoundedTextField(
        _("note on the figures"),
        max_length=1000,
        blank=True,
        help_text=_("The figures as the source states them, e.g. “12 + 2” or “ca. 100 qm”."),
    )

    # Where and how to reach the business (business data, published with the profile)
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
    # Note 13 of the concept: computed by producers.services from the buildings layer.
    residential_buildings_500m = models.PositiveIntegerField(
        _("residential buildings within 500 m"), null=True, blank=True, editable=False
    )
    website = WebURLField(_("website"), blank=True)
    email = models.EmailField(_("business e-mail"), blank=True)
    phone = models.CharField(_("business phone"), max_length=40, blank=True)
    opening_hours = BoundedTextField(_("opening hours"), max_length=1000, blank=True)

    # Offerings
    has_showroom = models.BooleanField(_("showroom"), default=False)
    has_visible_production = models.BooleanField(_("visible production"), default=False)
    offers_tours = models.BooleanField(_("tours"), default=False)
    offers_workshops = models.BooleanField(_("workshops"), default=False)
    offers_repair = models.BooleanField(_("repair"), default=False)
    has_online_shop = models.BooleanField(_("online shop"), default=False)
    sells_to_consumers = models.BooleanField(_("sells to consumers (B2C)"), default=False)
    sells_to_businesses = models.BooleanField(_("sells to businesses (B2B)"), default=False)

    # The producer's own login, linked by the label board or on approval of an application.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("producer account"),
        related_name="producers",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    is_published = models.BooleanField(_("published"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # German full-text search (stemming: "Geigen" finds "Geigenbau"), kept by the database.
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="german")
        + SearchVector("branch", "products", weight="B", config="german")
        + SearchVector("description", weight="C", config="german"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = ProducerQuerySet.as_manager()

    # The account is a person's login: only for who may see applicants' data (fabtown.privacy).
    PRIVATE_FIELDS = ("account",)
    PRIVATE_PERMISSION = privacy.APPLICANT_DATA_PERMISSION

    class Meta:
        ordering = ["name"]
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        indexes = [
            GinIndex(fields=["search_vector"], name="producer_search_idx"),
            models.Index(fields=["is_published", "name"], name="producer_published_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employees_min__lte=F("employees_max"))
                | Q(employees_min__isnull=True)
                | Q(employees_max__isnull=True),
                name="producer_employees_range",
            ),
            models.CheckConstraint(
                condition=Q(production_area_min_m2__lte=F("production_area_max_m2"))
                | Q(production_area_min_m2__isnull=True)
                | Q(production_area_max_m2__isnull=True),
                name="producer_area_range",
            ),
            models.CheckConstraint(
                condition=Q(at_location_since__gte=F("founded_year"))
                | Q(founded_year__isnull=True)
                | Q(at_location_since__isnull=True),
                name="producer_location_after_founding",
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=MIN_YEAR, founded_year__lte=MAX_YEAR),
                name="producer_founded_year_range",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[0-9]{5}$"),
                name="producer_postcode_format",
            ),
            models.CheckConstraint(
                condition=geo.within_extent("location"), name="producer_location_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # What the public profile lists under "Offerings", in this order.
    PROFILE_OFFERINGS = (
        ("has_showroom", _("showroom")),
        ("has_visible_production", _("visible production")),
        ("offers_tours", _("tours")),
        ("offers_workshops", _("workshops")),
        ("offers_repair", _("repair")),
        ("has_online_shop", _("online shop")),
        ("sells_to_consumers", _("sells to consumers")),
        ("sells_to_businesses", _("sells to businesses")),
    )
    # The facts of the profile's "Details" list: without any of them the section is left out.
    PROFILE_DETAILS = (
        "category_id", "production_form_id", "founded_year", "at_location_since",
        "opening_hours", "website", "email", "phone",
    )  # fmt: skip

    @property
    def offerings(self) -> list[str]:
        """The labels of what the producer offers, for the profile (empty: no section)."""
        return [label for field, label in self.PROFILE_OFFERINGS if getattr(self, field)]

    @property
    def has_details(self) -> bool:
        return any(getattr(self, field) for field in self.PROFILE_DETAILS)

    @property
    def is_urban_location(self) -> bool | None:
        """Note 13 (producers.urban); None when the count was not computed."""
        return urban.is_urban(self.residential_buildings_500m)

    def clean(self) -> None:
        run_checks(
            self._validate_employees,
            self._validate_area,
            self._validate_years,
        )

    def _validate_employees(self):
        low, high, peak = self.employees_min, self.employees_max, self.employees_seasonal_peak
        if None not in (low, high) and low > high:
            yield "employees_max", _("Must not be smaller than the lower figure.")
        if None not in (peak, high) and peak < high:
            yield "employees_seasonal_peak", _("The peak season cannot have fewer employees.")

    def _validate_area(self):
        low, high = self.production_area_min_m2, self.production_area_max_m2
        if None not in (low, high) and low > high:
            yield "production_area_max_m2", _("Must not be smaller than the lower figure.")

    def _validate_years(self):
        founded, here_since = self.founded_year, self.at_location_since
        if None not in (founded, here_since) and here_since < founded:
            yield "at_location_since", _("Cannot be earlier than the founding year.")


class ProducerPhoto(models.Model):
    """A photo on the public profile; the description is the text for screen readers."""

    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), related_name="photos", on_delete=models.CASCADE
    )
    image = PhotoField(
        _("image"),
        upload_to="producers/photos/%Y/",
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )
    alt_text = models.CharField(
        _("description for screen readers"),
        max_length=300,
        help_text=_("What the photo shows, in one sentence (alternative text)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["producer", "position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [models.CheckConstraint(condition=~Q(alt_text=""), name="photo_has_alt_text")]

    def __str__(self) -> str:
        return self.alt_text


class Building(models.Model):
    """A building of an imported layer (ALKIS or OpenStreetMap outlines): the basis of the
    urban-location rule of note 13 (at least 223 residential buildings within 500 m)."""

    external_id = models.CharField(_("external id"), max_length=100, unique=True)
    is_residential = models.BooleanField(_("residential"))
    # the outline's centroid; a building counts when its point lies within 500 m
    location = geo.PointField(_("location"), srid=4326)
    source = models.CharField(_("source"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        indexes = [
            # The count of note 13 (producers.urban): residential points in the cadastre's grid.
            GistIndex(
                Transform("location", urban.URBAN_MEASURE_SRID),
                condition=Q(is_residential=True),
                name="building_residential_utm_idx",
            ),
            # The date of the layer shown beside the count (the latest import).
            models.Index(fields=["-imported_at"], name="building_imported_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=geo.within_extent("location"), name="building_location_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.external_id
