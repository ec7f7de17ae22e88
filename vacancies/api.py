import django_filters
from django.db.models import F
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters, serializers, viewsets

from fabtown import privacy
from fabtown.api import (
    AnyoneReadsStaffWrites,
    APIGeometryField,
    AreaKeyFilterMixin,
    CachedAnonymousReadsMixin,
    GeoFilterMixin,
    OptionalDateFilter,
    ServiceWritesMixin,
    assign,
    can_see_unpublished,
    geojson_action,
)
from fabtown.filters import IdFilter, KeyFilter
from producers.filters import URBAN_LOCATION_HELP, UrbanLocationFilter
from producers.models import Producer, ProductionForm
from vacancies.filters import SiteFilter
from vacancies.models import InterimUse, SearchArea, Site, SiteStatus
from vacancies.selectors import (
    PUBLIC_FIELDS,
    public_interim_uses,
    search_areas_of_site,
    sites_on_offer,
)
from vacancies.selectors.consent import public_contact_route
from vacancies.services import interim_use_save, search_area_save, site_save


class SearchAreaSerializer(serializers.ModelSerializer):
    area = APIGeometryField(
        geom_type="MULTIPOLYGON", help_text="GeoJSON MultiPolygon, WGS84, within Germany."
    )
    production_form = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductionForm.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = SearchArea
        fields = [
            "slug", "name", "production_type", "production_form", "customer_frequency",
            "concretisation", "area", "area_is_approximate",
        ]  # fmt: skip


class PublicSiteSerializer(serializers.ModelSerializer):
    """A site as the public sees it: no owner data, rent only when published."""

    location = APIGeometryField(
        geom_type="POINT", help_text="GeoJSON Point, WGS84 longitude/latitude."
    )
    suitable_forms = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ProductionForm.objects.all(), required=False
    )
    rent_eur_per_month = serializers.SerializerMethodField()
    is_urban_location = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=URBAN_LOCATION_HELP
    )
    search_areas = serializers.SerializerMethodField(
        help_text="Slugs of every search area the site lies in, by name."
    )
    contact_route = serializers.SerializerMethodField(
        help_text="The contact route the owner consented to publish (with the owner's name "
        "where the consent covers it); null without a consent in force: ask the office."
    )

    class Meta:
        model = Site
        fields = [f for f in PUBLIC_FIELDS if f != "rent_is_public"] + [
            "suitable_forms", "is_urban_location", "search_areas", "contact_route",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_search_areas(self, site) -> list[str]:
        return [item["slug"] for item in getattr(site, "search_area_list", None) or []]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_route(self, site) -> str | None:
        route = public_contact_route(site)
        if route is None:
            return None
        return f"{route.owner_name}: {route.route}" if route.owner_name else route.route

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True))
    def get_rent_eur_per_month(self, site):
        return (
            str(site.rent_eur_per_month)
            if site.rent_is_public and site.rent_eur_per_month is not None
            else None
        )


class StaffSiteSerializer(serializers.ModelSerializer):
    """Everything staff may read and write; owner data only with its permission."""

    location = APIGeometryField(
        geom_type="POINT", help_text="GeoJSON Point, WGS84 longitude/latitude, within Germany."
    )
    footprint = APIGeometryField(geom_type="POLYGON", required=False, allow_null=True)
    suitable_forms = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ProductionForm.objects.all(), required=False
    )
    status = serializers.ChoiceField(choices=SiteStatus.choices, required=False)
    is_urban_location = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=URBAN_LOCATION_HELP
    )

    class Meta:
        model = Site
        fields = [
            *PUBLIC_FIELDS, "footprint", "source", "suitable_forms", "is_published",
            "owner_name", "owner_contact", "internal_notes", "created_at", "updated_at",
            "is_urban_location",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at", "residential_buildings_500m"]


class SiteAPIFilter(GeoFilterMixin, AreaKeyFilterMixin, SiteFilter):
    status = django_filters.ChoiceFilter(choices=SiteStatus.choices, label="status")
    area = KeyFilter(method="filter_area_key", label="search area slug")
    suitable_for = KeyFilter(
        field_name="suitable_forms__code", label="form of urban production code"
    )
    is_urban_location = UrbanLocationFilter()

    def filter_area_key(self, queryset, name, value):
        area = SearchArea.objects.filter(slug=value).values_list("area", flat=True).first()
        return queryset.within(area) if area else queryset.none()


class InterimUseFilter(django_filters.FilterSet):
    site = IdFilter(field_name="site", label="site id")
    starts_on__gte = OptionalDateFilter(field_name="starts_on", lookup_expr="gte")
    starts_on__lte = OptionalDateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = InterimUse
        fields = []


class SiteViewSet(CachedAnonymousReadsMixin, ServiceWritesMixin, viewsets.ModelViewSet):
    permission_classes = [AnyoneReadsStaffWrites]
    filterset_class = SiteAPIFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["name", "floor_area_m2", "available_from", "last_verified"]
    queryset = Site.objects.none()

    def _is_staff_reader(self) -> bool:
        return can_see_unpublished(self.request.user, Site)

    def get_queryset(self):
        if self._is_staff_reader():
            return Site.objects.prefetch_related("suitable_forms").order_by("name")
        return sites_on_offer().order_by("name")

    def get_serializer_class(self):
        if self._is_staff_reader() or self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return StaffSiteSerializer
        return PublicSiteSerializer

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "child", serializer).fields
        for name in privacy.hidden_fields(self.request.user, Site):
            fields.pop(name, None)
        return serializer

    def write(self, record, data, *, by):
        status = data.pop("status", None)  # goes through the status history
        forms = assign(record, data).get("suitable_forms")
        return site_save(site=record, by=by, status=status, suitable_forms=forms)

    geojson = geojson_action(
        properties={"id": "id", "name": "name", "kind": "kind_code", "status": "status_code",
                    "floor_area_m2": "floor_area_m2", "has_shop_window": "has_shop_window",
                    "is_ground_floor": "is_ground_floor", "search_areas": "search_area_slugs",
                    "location_is_approximate": "location_is_approximate"},
        description="The filtered sites on offer as an RFC 7946 FeatureCollection (no owner data).",
    )  # fmt: skip

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "geojson":
            queryset = queryset.annotate(
                kind_code=F("kind"),
                status_code=F("status"),
                search_area_slugs=search_areas_of_site(key="slug"),
            )
        return queryset


class SearchAreaViewSet(CachedAnonymousReadsMixin, ServiceWritesMixin, viewsets.ModelViewSet):
    serializer_class = SearchAreaSerializer
    permission_classes = [AnyoneReadsStaffWrites]
    queryset = SearchArea.objects.select_related("production_form").order_by("name")
    lookup_field = "slug"
    filter_backends = []

    def write(self, record, data, *, by):
        assign(record, data)
        return search_area_save(area=record, by=by)

    geojson = geojson_action(
        properties={"slug": "slug", "name": "name", "production_type": "production_type",
                    "customer_frequency": "customer_frequency",
                    "area_is_approximate": "area_is_approximate"},
        description="The search areas as an RFC 7946 FeatureCollection of MultiPolygons.",
        geometry="area",
    )  # fmt: skip


class InterimUseSerializer(serializers.ModelSerializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    producers = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Producer.objects.all(), required=False
    )
    site_name = serializers.CharField(source="site.name", read_only=True)

    class Meta:
        model = InterimUse
        fields = [
            "id", "site", "site_name", "title", "users", "producers", "starts_on", "ends_on",
            "dates_are_approximate", "description", "source",
        ]  # fmt: skip


class InterimUseViewSet(CachedAnonymousReadsMixin, ServiceWritesMixin, viewsets.ModelViewSet):
    """Interim uses of published sites; staff who may read sites see all of them."""

    serializer_class = InterimUseSerializer
    permission_classes = [AnyoneReadsStaffWrites]
    queryset = InterimUse.objects.none()  # for the schema; see get_queryset
    filterset_class = InterimUseFilter

    def get_queryset(self):
        if can_see_unpublished(self.request.user, Site):
            uses = InterimUse.objects.select_related("site").prefetch_related("producers")
        else:
            uses = public_interim_uses()
        return uses.order_by("-starts_on", "pk")

    def write(self, record, data, *, by):
        producers = assign(record, data).get("producers")
        return interim_use_save(interim_use=record, by=by, producers=producers)
