import django_filters
from django.utils.translation import gettext_lazy as _

from fabtown.filters import (
    AreaFilter,
    ChoicesReadOnceMixin,
    SlugChoiceFilter,
    StrictBooleanFilter,
)
from producers.models import ProductionForm
from vacancies.models import SearchArea, Site, SiteKind


class SiteFilter(ChoicesReadOnceMixin, django_filters.FilterSet):
    """Filters of the public list of sites on offer."""

    kind = django_filters.ChoiceFilter(
        label=_("kind of site"), choices=SiteKind.choices, empty_label=_("all kinds")
    )
    area = SlugChoiceFilter(
        label=_("search area"),
        queryset=SearchArea.objects.only("pk", "slug", "name", "area"),
        to_field_name="slug",
        method="filter_area",
        empty_label=_("whole city"),
    )
    suitable_for = SlugChoiceFilter(
        label=_("suitable for"),
        queryset=ProductionForm.objects.all(),
        to_field_name="code",
        field_name="suitable_forms",
        empty_label=_("any form"),
    )
    ground_floor = StrictBooleanFilter(
        label=_("ground floor"), field_name="is_ground_floor",
    )  # fmt: skip
    shop_window = StrictBooleanFilter(
        label=_("shop window"), field_name="has_shop_window",
    )  # fmt: skip
    min_area = AreaFilter(label=_("at least (m²)"), field_name="floor_area_m2", lookup_expr="gte")
    max_area = AreaFilter(label=_("at most (m²)"), field_name="floor_area_m2", lookup_expr="lte")

    class Meta:
        model = Site
        fields = []

    def filter_area(self, queryset, name, area):
        return queryset.within(area.area)
