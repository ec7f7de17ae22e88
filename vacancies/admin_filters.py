from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from vacancies.models import SearchArea


class InSearchAreaFilter(admin.SimpleListFilter):
    """Admin list filter for any model whose QuerySet has `within(area)` (producers, sites)."""

    title = _("search area")
    parameter_name = "search_area"

    def lookups(self, request, model_admin):
        return [(str(area.pk), area.name) for area in SearchArea.objects.only("pk", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        area = SearchArea.objects.filter(pk=self.value()).values_list("area", flat=True).first()
        return queryset.within(area) if area else queryset.none()
