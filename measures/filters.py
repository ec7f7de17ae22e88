import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fabtown.filters import ChoicesReadOnceMixin, StrictBooleanFilter
from measures.models import Actor, CostLevel, Measure, TargetGroup, TimeHorizon


def _range_includes(prefix: str, level: int) -> Q:
    return Q(**{f"{prefix}_min__lte": level, f"{prefix}_max__gte": level})


class MeasureFilter(ChoicesReadOnceMixin, django_filters.FilterSet):
    """Filters of the public catalogue. A level matches a measure whose range includes it."""

    personnel = django_filters.ChoiceFilter(
        label=_("personnel cost"), choices=CostLevel.choices,
        method="filter_level", empty_label=_("any"),
    )  # fmt: skip
    material = django_filters.ChoiceFilter(
        label=_("material cost"), choices=CostLevel.choices,
        method="filter_level", empty_label=_("any"),
    )  # fmt: skip
    time = django_filters.ChoiceFilter(
        label=_("time horizon"), choices=TimeHorizon.choices,
        method="filter_level", empty_label=_("any"),
    )  # fmt: skip
    actor = django_filters.ModelChoiceFilter(
        label=_("actor"), queryset=Actor.objects.all(), field_name="actors", empty_label=_("any")
    )
    target_group = django_filters.ModelChoiceFilter(
        label=_("target group"),
        queryset=TargetGroup.objects.all(),
        field_name="target_groups",
        empty_label=_("any"),
    )
    quick_wins = StrictBooleanFilter(
        label=_("quick wins only (short term, low cost)"),
        method="filter_quick_wins",
    )

    class Meta:
        model = Measure
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sorted by name in the request's language: the querysets above were made at import,
        # when modeltranslation fixed their ordering to German.
        self.filters["actor"].queryset = Actor.objects.all()
        self.filters["target_group"].queryset = TargetGroup.objects.all()

    _PREFIXES = {"personnel": "personnel_cost", "material": "material_cost", "time": "time_horizon"}

    def filter_level(self, queryset, name, level):
        return queryset.filter(_range_includes(self._PREFIXES[name], int(level)))

    def filter_quick_wins(self, queryset, name, value):
        if value != "true":
            return queryset
        return queryset.filter(quick_wins_q())


def quick_wins_q() -> Q:
    """Short term to start, low personnel cost, and no or low material cost."""
    return Q(time_horizon_min=TimeHorizon.SHORT, personnel_cost_max=CostLevel.LOW) & (
        Q(material_cost_max__isnull=True) | Q(material_cost_max=CostLevel.LOW)
    )
