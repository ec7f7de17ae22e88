from django.contrib import admin
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fabtown.admin_base import DomainAdmin
from fabtown.admin_translation import TranslatedDomainAdmin
from fabtown.importing import KeepGoodRowsImportMixin, LocationColumnsMixin
from producers.urban_admin import UrbanLocationAdminMixin, UrbanLocationListFilter
from vacancies.admin.gis import GisAdminMixin
from vacancies.admin.verification import DueForVerificationFilter, VerificationAdminMixin
from vacancies.admin_filters import InSearchAreaFilter
from vacancies.models import InterimUse, SearchArea, Site, SiteStatusChange
from vacancies.services import (
    site_is_on_offer,
    site_owner_erase,
    site_record_initial_status,
    site_set_status,
)
from vacancies.services.matching import site_offer_changed


class SiteResource(LocationColumnsMixin):
    """Spreadsheet columns of a site. Owner data and internal notes are never part of it:
    exports leave the admin, and personal data stays in the admin (DSGVO)."""

    class Meta:
        model = Site
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        fields = [
            "id", "name", "kind", "description", "street", "postcode", "city", "longitude",
            "latitude", "location_is_approximate", "floor_area_m2", "is_ground_floor",
            "has_shop_window", "equipment", "rent_eur_per_month", "rent_is_public",
            "available_from", "last_verified", "source", "is_published",
        ]  # fmt: skip
        export_order = fields

    def import_instance(self, instance, row, **kwargs) -> None:
        super().import_instance(instance, row, **kwargs)
        # status changes go through the status history, not through spreadsheets
        if instance.pk is None:
            instance.status = Site._meta.get_field("status").default

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        super().save_instance(instance, is_create, row, **kwargs)
        if is_create and instance.pk is not None:
            site_record_initial_status(
                site=instance, by=kwargs.get("user"), note=_("spreadsheet import")
            )


class SiteStatusChangeInline(admin.TabularInline):
    model = SiteStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class InterimUseInline(admin.TabularInline):
    model = InterimUse
    fields = ["title", "users", "starts_on", "ends_on", "dates_are_approximate"]
    extra = 0
    show_change_link = True


@admin.register(Site)
class SiteAdmin(
    UrbanLocationAdminMixin,
    GisAdminMixin,
    VerificationAdminMixin,
    KeepGoodRowsImportMixin,
    DomainAdmin,
):
    resource_classes = [SiteResource]
    list_display = [
        "name", "kind", "status", "floor_area_m2", "has_shop_window", "is_published",
        "location_is_approximate", "last_verified", "verification_due_on",
    ]  # fmt: skip
    list_filter = [
        "status", "kind", InSearchAreaFilter, "is_published", "is_ground_floor",
        "has_shop_window", "suitable_forms", "location_is_approximate", DueForVerificationFilter,
        UrbanLocationListFilter,
    ]  # fmt: skip
    search_fields = ["name", "street", "postcode", "description", "owner_name"]
    filter_horizontal = ["suitable_forms"]
    inlines = [SiteStatusChangeInline, InterimUseInline]
    actions = ["erase_owner_data", "mark_verified"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "status", "is_published", "description"]}),
        (_("Location"), {"fields": [
            "street", ("postcode", "city"), "location", "location_is_approximate", "footprint",
        ]}),
        (_("The space"), {"fields": [
            "floor_area_m2", ("is_ground_floor", "has_shop_window"), "equipment",
            ("rent_eur_per_month", "rent_is_public"), "available_from", "suitable_forms",
        ]}),
        (_("Pictures for the page and the exposé"), {"fields": [("photo", "floor_plan")]}),
        (
            _("Owner (confidential, staff only)"),
            {"fields": ["owner_name", "owner_contact"], "classes": ["confidential"]},
        ),
        (_("Maintenance"), {"fields": ["last_verified", "source", "internal_notes"]}),
    ]  # fmt: skip

    @admin.action(
        description=_("Erase the owner's data (DSGVO Art. 17)"),
        permissions=["erase_personal_data"],
    )
    def erase_owner_data(self, request, queryset):
        return self.erase_each(
            request,
            queryset,
            explanation=gettext(
                "The owner's name and contact and the internal notes of these sites are "
                "erased, in the records and in their whole history. This cannot be undone."
            ),
            erase=lambda site: site_owner_erase(site_id=site.pk, by=request.user),
            logged=gettext("Owner data erased (DSGVO Art. 17)."),
            done=lambda count: (
                ngettext(
                    "The owner data of %(count)s site were erased.",
                    "The owner data of %(count)s sites were erased.",
                    count,
                )
                % {"count": count}
            ),
        )

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            site_record_initial_status(site=obj, by=request.user)
            site_offer_changed(site=obj, was_on_offer=False)
            return
        new_status = obj.status
        obj.status, was_published = Site.objects.values_list("status", "is_published").get(
            pk=obj.pk
        )
        was_on_offer = site_is_on_offer(Site(status=obj.status, is_published=was_published))
        super().save_model(request, obj, form, change)
        site_set_status(site=obj, status=new_status, by=request.user)
        site_offer_changed(site=obj, was_on_offer=was_on_offer)


@admin.register(SearchArea)
class SearchAreaAdmin(TranslatedDomainAdmin):
    list_display = ["name", "production_type", "customer_frequency", "area_is_approximate"]
    list_filter = ["customer_frequency", "production_form", "area_is_approximate"]
    search_fields = ["name_de", "name_en", "production_type_de", "production_type_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(InterimUse)
class InterimUseAdmin(DomainAdmin):
    list_display = ["title", "site", "users", "starts_on", "ends_on", "dates_are_approximate"]
    list_filter = ["dates_are_approximate", "site__kind"]
    list_select_related = ["site"]
    search_fields = ["title", "users", "site__name", "description"]
    autocomplete_fields = ["site", "producers"]
    date_hierarchy = "starts_on"


# The parts of the office's working tool (issue 11) register their own admins; imported last
# because they extend SiteAdmin or need it registered.
from vacancies.admin import matching, space_requests, statistics  # noqa: E402, F401

# Owners' consents (issue 11): their own admin, and the site's read-only history of them.
from vacancies.admin.consent import OwnerConsentInline  # noqa: E402

SiteAdmin.inlines = [*SiteAdmin.inlines, OwnerConsentInline]
