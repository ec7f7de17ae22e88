import django_filters
from django.db.models import F, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets

from fabtown.api import (
    AnyoneReadsStaffWrites,
    APIGeometryField,
    AreaKeyFilterMixin,
    CachedAnonymousReadsMixin,
    GeoFilterMixin,
    ServiceWritesMixin,
    assign,
    can_see_unpublished,
    geojson_action,
)
from fabtown.filters import KeyFilter
from producers.filters import URBAN_LOCATION_HELP, ProducerFilter
from producers.models import Producer, ProductCategory, ProductionForm
from producers.selectors import carries_label, public_producers, with_label_status
from producers.services import producer_delete, producer_save, product_category_save


class ProductionFormSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductionForm
        fields = ["code", "name", "description"]


class ProductCategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=ProductCategory.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = ProductCategory
        fields = ["slug", "name", "parent", "description", "position"]
        # The model's constraints are checked by full_clean in the service; DRF's own
        # unique-together check would make the optional parent required.
        validators = []


class ProducerSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=ProductCategory.objects.all(), allow_null=True, required=False
    )
    production_form = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductionForm.objects.all(), allow_null=True, required=False
    )
    location = APIGeometryField(
        geom_type="POINT",
        required=False,
        allow_null=True,
        help_text="GeoJSON Point, WGS84 longitude/latitude, within Germany.",
    )
    is_label_member = serializers.BooleanField(read_only=True, default=False)
    is_urban_location = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=URBAN_LOCATION_HELP
    )

    class Meta:
        model = Producer
        fields = [
            "slug", "name", "description", "branch", "products", "category", "production_form",
            "founded_year", "at_location_since", "legal_form", "employees_min", "employees_max",
            "employees_seasonal_peak", "production_area_min_m2", "production_area_max_m2",
            "figures_note", "street", "postcode", "city", "location", "location_is_approximate",
            "website", "email", "phone", "opening_hours", "has_showroom",
            "has_visible_production", "offers_tours", "offers_workshops", "offers_repair",
            "has_online_shop", "sells_to_consumers", "sells_to_businesses", "is_published",
            "is_label_member", "created_at", "updated_at",
            "residential_buildings_500m", "is_urban_location",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at", "residential_buildings_500m"]


class ProducerAPIFilter(GeoFilterMixin, AreaKeyFilterMixin, ProducerFilter):
    """The directory's filters; a category, form or area that does not exist matches nothing."""

    search = django_filters.CharFilter(method="filter_search", label="Full-text search (German)")
    category = KeyFilter(method="filter_category_key", label="product category slug")
    form = KeyFilter(field_name="production_form__code", label="form of urban production code")

    def filter_category_key(self, queryset, name, value):
        return queryset.filter(Q(category__slug=value) | Q(category__parent__slug=value))


@extend_schema_view(
    list=extend_schema(description="Published producers (staff with view permission: all)."),
)
class ProducerViewSet(CachedAnonymousReadsMixin, ServiceWritesMixin, viewsets.ModelViewSet):
    serializer_class = ProducerSerializer
    permission_classes = [AnyoneReadsStaffWrites]
    filterset_class = ProducerAPIFilter
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.OrderingFilter,
    ]
    ordering_fields = ["name", "founded_year", "created_at", "updated_at"]
    lookup_field = "slug"
    queryset = Producer.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        if can_see_unpublished(self.request.user, Producer):
            return with_label_status(Producer.objects.all()).order_by("name")
        return public_producers().order_by("name")

    def write(self, record, data, *, by):
        assign(record, data)
        return producer_save(producer=record, by=by)

    def remove(self, record, *, by):
        producer_delete(producer=record, by=by)

    geojson = geojson_action(
        properties={"slug": "slug", "name": "name", "branch": "branch",
                    "category": "category_slug", "production_form": "form_code",
                    "is_label_member": "carries_label", "website": "website",
                    "location_is_approximate": "location_is_approximate"},
        description="The filtered producers as an RFC 7946 FeatureCollection (no paging).",
    )  # fmt: skip

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "geojson":
            queryset = queryset.annotate(
                category_slug=F("category__slug"),
                form_code=F("production_form__code"),
                carries_label=carries_label(),
            )
        return queryset


class ProductCategoryViewSet(CachedAnonymousReadsMixin, ServiceWritesMixin, viewsets.ModelViewSet):
    serializer_class = ProductCategorySerializer
    permission_classes = [AnyoneReadsStaffWrites]
    queryset = ProductCategory.objects.select_related("parent").order_by("position", "name")
    lookup_field = "slug"
    filter_backends = []

    def write(self, record, data, *, by):
        assign(record, data)
        return product_category_save(category=record, by=by)


class ProductionFormViewSet(CachedAnonymousReadsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductionFormSerializer
    queryset = ProductionForm.objects.all()
    lookup_field = "code"
    filter_backends = []
