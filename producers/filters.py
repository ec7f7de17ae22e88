"""Filters of the public directory, shared by the HTML pages and the map data (and the API)."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fabtown.filters import SlugChoiceFilter, StrictBooleanFilter
from producers import urban
from producers.models import Producer, ProductCategory, ProductionForm
from search.models import Kind
from search.selectors import ranked_matches
from vacancies.models import SearchArea

OFFERINGS = {
    "showroom": ("has_showroom", _("showroom")),
    "visible-production": ("has_visible_production", _("visible production")),
    "tours": ("offers_tours", _("tours")),
    "workshops": ("offers_workshops", _("workshops")),
    "repair": ("offers_repair", _("repair")),
    "online-shop": ("has_online_shop", _("online shop")),
}

# The API's help on the urban-location fields and filter (note 13, producers.urban).
URBAN_LOCATION_HELP = (
    f"Note 13 of the FabTown concept: true when at least {urban.URBAN_MIN_RESIDENTIAL_BUILDINGS} "
    f"residential buildings lie within {urban.URBAN_RADIUS_M} m; null when not computed."
)


class UrbanLocationFilter(StrictBooleanFilter):
    """`?is_urban_location=true|false`; rows whose count was not computed match neither."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("urban location"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.urban_location(value == "true")


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
    is_urban_location = UrbanLocationFilter()  # note 13 (producers.urban)
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
        # The search documents of search.documents: name, branch, products, description, the
        # category's and form's names and the offerings; every word a prefix ("Kaffee" finds
        # "Kaffeerösterei"), never the middle of a word.
        return ranked_matches(queryset, kind=Kind.PRODUCER, query=value)

    def filter_category(self, queryset, name, category):
        return queryset.filter(self.category_condition(category))

    def filter_area(self, queryset, name, area):
        return queryset.filter(self.area_condition(area.area))

    def filter_offerings(self, queryset, name, values):
        return queryset.filter(self.offerings_condition(values))

    def filter_label(self, queryset, name, value):
        if value == "true":
            return queryset.filter(self.label_condition())
        return queryset

    # One condition per facet, used by the filters above and by the facet counts of
    # producers.selectors.directory_facets, so that a count always means what the filter does.

    @staticmethod
    def category_condition(category) -> Q:
        return Q(category=category) | Q(category__parent=category)

    @staticmethod
    def form_condition(form) -> Q:
        return Q(production_form=form)

    @staticmethod
    def area_condition(geometry) -> Q:
        """`geometry`: a polygon, or an expression giving one (e.g. a subquery)."""
        return Q(location__within=geometry)

    @staticmethod
    def offerings_condition(keys) -> Q:
        return Q(**{OFFERINGS[key][0]: True for key in keys if key in OFFERINGS})

    @staticmethod
    def label_condition() -> Q:
        return Q(pk__in=Producer.objects.label_member_ids())

    def facet_conditions(self) -> dict[str, Q]:
        """The condition of each facet filter in use (the form must be valid)."""
        data = self.form.cleaned_data
        conditions = {}
        if data.get("category"):
            conditions["category"] = self.category_condition(data["category"])
        if data.get("form"):
            conditions["form"] = self.form_condition(data["form"])
        if data.get("area"):
            conditions["area"] = self.area_condition(data["area"].area)
        if data.get("offering"):
            conditions["offering"] = self.offerings_condition(data["offering"])
        if data.get("label") == "true":
            conditions["label"] = self.label_condition()
        if data.get("is_urban_location") in ("true", "false"):
            conditions["urban"] = urban.urban_condition(data["is_urban_location"] == "true")
        return conditions

    def search_results(self, queryset):
        """`queryset` narrowed by the search words only (no facet filter, no order)."""
        return self.filter_search(queryset, "q", self.form.cleaned_data.get("q") or "").order_by()

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
