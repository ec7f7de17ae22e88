"""Filters of the public directory, shared by the HTML pages and the map data (and the API)."""

import re

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fabtown.filters import SlugChoiceFilter, StrictBooleanFilter
from producers.models import Producer, ProductCategory, ProductionForm
from vacancies.models import SearchArea

OFFERINGS = {
    "showroom": ("has_showroom", _("showroom")),
    "visible-production": ("has_visible_production", _("visible production")),
    "tours": ("offers_tours", _("tours")),
    "workshops": ("offers_workshops", _("workshops")),
    "repair": ("offers_repair", _("repair")),
    "online-shop": ("has_online_shop", _("online shop")),
}

SORTS = {
    "name": (_("name"), ["name"]),
    "newest": (_("newest first"), ["-created_at", "name"]),
    "founded": (_("oldest business first"), [F("founded_year").asc(nulls_last=True), "name"]),
}


class ProducerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    category = SlugChoiceFilter(
        label=_("product category"),
        queryset=ProductCategory.objects.select_related("parent"),
        to_field_name="slug",
        method="filter_category",
        empty_label=_("all categories"),
    )
    form = SlugChoiceFilter(
        label=_("form of urban production"),
        queryset=ProductionForm.objects.all(),
        to_field_name="code",
        field_name="production_form",
        empty_label=_("all forms"),
    )
    area = SlugChoiceFilter(
        label=_("search area"),
        queryset=SearchArea.objects.only("pk", "slug", "name", "area"),
        to_field_name="slug",
        method="filter_area",
        empty_label=_("whole city"),
    )
    offering = django_filters.MultipleChoiceFilter(
        label=_("offerings"),
        choices=[(key, label) for key, (_field, label) in OFFERINGS.items()],
        method="filter_offerings",
    )
    label = StrictBooleanFilter(
        label=_("label members only"),
        method="filter_label",
    )
    sort = django_filters.ChoiceFilter(
        label=_("sort by"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Producer
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = SearchQuery(value, config="german", search_type="websearch")
        words = re.findall(r"\w+", value)
        if words:
            # German compounds: "Kaffee" should find "Kaffeerösterei", so every word also
            # matches as the beginning of a word (only letters and digits reach the tsquery).
            query |= SearchQuery(
                " & ".join(f"{word}:*" for word in words), config="german", search_type="raw"
            )
        matches = (
            Q(search_vector=query)
            | Q(name__icontains=value)
            | Q(branch__icontains=value)
            | Q(products__icontains=value)
        )
        return queryset.filter(matches).annotate(rank=SearchRank(F("search_vector"), query))

    def filter_category(self, queryset, name, category):
        return queryset.filter(Q(category=category) | Q(category__parent=category))

    def filter_area(self, queryset, name, area):
        return queryset.within(area.area)

    def filter_offerings(self, queryset, name, values):
        return queryset.filter(**{OFFERINGS[key][0]: True for key in values if key in OFFERINGS})

    def filter_label(self, queryset, name, value):
        if value == "true":
            return queryset.filter(pk__in=Producer.objects.label_members().values("pk"))
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        sort = self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else ""
        if sort in SORTS:
            return queryset.order_by(*SORTS[sort][1])
        if "rank" in queryset.query.annotations:
            return queryset.order_by("-rank", "name")
        return queryset.order_by("name")
