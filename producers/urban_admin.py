"""The urban-location rule of note 13 in the admin of producers and sites: the count read-only,
a list filter, and the recount when staff move a record's location."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from producers import urban


class UrbanLocationListFilter(admin.SimpleListFilter):
    title = _("urban location")
    parameter_name = "urban_location"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no")), ("unknown", _("not computed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.urban_location(True)
        if self.value() == "no":
            return queryset.urban_location(False)
        if self.value() == "unknown":
            return queryset.filter(**{f"{urban.COUNT_FIELD}__isnull": True})
        return queryset


class UrbanLocationAdminMixin:
    """For the ModelAdmin of a model with `residential_buildings_500m` (Producer, Site)."""

    urban_fieldset = (
        _("Urban location (note 13)"),
        {"fields": [urban.COUNT_FIELD, "urban_location"]},
    )

    @admin.display(description=_("urban location"), boolean=True)
    def urban_location(self, obj) -> bool | None:
        return obj.is_urban_location

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), urban.COUNT_FIELD, "urban_location"]

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), self.urban_fieldset]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change or "location" in form.changed_data:
            urban.recount_one(obj)
