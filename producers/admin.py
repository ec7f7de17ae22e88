from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export import fields

from fabtown.admin_base import DomainAdmin
from fabtown.admin_translation import TranslatedAdmin, TranslatedDomainAdmin
from fabtown.importing import KeepGoodRowsImportMixin, LocationColumnsMixin, LookupWidget
from producers.models import Producer, ProducerPhoto, ProductCategory, ProductionForm
from producers.urban_admin import UrbanLocationAdminMixin, UrbanLocationListFilter
from vacancies.admin_filters import InSearchAreaFilter


class LabelMemberFilter(admin.SimpleListFilter):
    title = _("“Made by Bochum” label")
    parameter_name = "label"

    def lookups(self, request, model_admin):
        return [("yes", _("current label member")), ("no", _("no label"))]

    def queryset(self, request, queryset):
        members = Producer.objects.label_members()
        if self.value() == "yes":
            return queryset.filter(pk__in=members.values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=members.values("pk"))
        return queryset


class ProducerResource(LocationColumnsMixin):
    category = fields.Field(
        attribute="category",
        column_name="category",
        widget=LookupWidget(ProductCategory, "slug"),
    )
    production_form = fields.Field(
        attribute="production_form",
        column_name="production_form",
        widget=LookupWidget(ProductionForm, "code"),
    )

    class Meta:
        model = Producer
        import_id_fields = ["slug"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        fields = [
            "slug", "name", "branch", "description", "products", "category", "production_form",
            "founded_year", "at_location_since", "legal_form", "employees_min", "employees_max",
            "employees_seasonal_peak", "production_area_min_m2", "production_area_max_m2",
            "figures_note", "street", "postcode", "city", "longitude", "latitude",
            "location_is_approximate", "website", "email", "phone", "opening_hours",
            "has_showroom", "has_visible_production", "offers_tours", "offers_workshops",
            "offers_repair", "has_online_shop", "sells_to_consumers", "sells_to_businesses",
            "is_published", "source",
        ]  # fmt: skip
        export_order = fields


@admin.register(ProductionForm)
class ProductionFormAdmin(TranslatedAdmin):
    list_display = ["name", "code", "position"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(ProductCategory)
class ProductCategoryAdmin(TranslatedDomainAdmin):
    list_display = ["__str__", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]


class ProducerPhotoInline(admin.TabularInline):
    model = ProducerPhoto
    fields = ["image", "alt_text", "position"]
    extra = 0


@admin.register(Producer)
class ProducerAdmin(UrbanLocationAdminMixin, KeepGoodRowsImportMixin, DomainAdmin):
    resource_classes = [ProducerResource]
    inlines = [ProducerPhotoInline]
    list_display = [
        "name", "branch", "category", "production_form", "is_published", "location_is_approximate",
        "updated_at",
    ]  # fmt: skip
    list_filter = [
        "is_published", LabelMemberFilter, "production_form", "category", InSearchAreaFilter,
        "location_is_approximate", UrbanLocationListFilter,
        "has_visible_production", "offers_tours", "offers_workshops", "offers_repair",
        "has_online_shop", "sells_to_consumers", "sells_to_businesses",
    ]  # fmt: skip
    list_select_related = ["category__parent", "production_form"]
    search_fields = ["name", "branch", "products", "description", "street", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category", "account"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_published", "branch", "category", "production_form",
                           "description", "products"]}),
        (_("Figures"), {"fields": [
            ("founded_year", "at_location_since"), "legal_form",
            ("employees_min", "employees_max", "employees_seasonal_peak"),
            ("production_area_min_m2", "production_area_max_m2"), "figures_note",
        ]}),
        (_("Location and contact"), {"fields": [
            "street", ("postcode", "city"), "location", "location_is_approximate",
            "website", "email", "phone", "opening_hours",
        ]}),
        (_("Offerings"), {"fields": [
            ("has_showroom", "has_visible_production"), ("offers_tours", "offers_workshops"),
            ("offers_repair", "has_online_shop"), ("sells_to_consumers", "sells_to_businesses"),
        ]}),
        (_("Source"), {"fields": ["source"]}),
        # Which person's login manages the profile: Producer.PRIVATE_FIELDS, see DomainAdmin.
        (_("Producer account"), {"fields": ["account"]}),
    ]  # fmt: skip
