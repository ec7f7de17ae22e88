import django_filters
from django.db.models import Q
from django.forms import ModelChoiceField
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from fabtown.filters import StrictBooleanFilter
from measures.models import Actor, CostLevel, Measure, TargetGroup, TimeHorizon


def _range_includes(prefix: str, level: int) -> Q:
    return Q(**{f"{prefix}_min__lte": level, f"{prefix}_max__gte": level})


class MeasureFilter(django_filters.FilterSet):
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

    _PREFIXES = {"personnel": "personnel_cost", "material": "material_cost", "time": "time_horizon"}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name in ("actor", "target_group"):
                _fixed_choices(form.fields[name])
        return self._form

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


class _ChoicesReadOnce(BaseChoiceIterator):
    """A model choice field's options, read from the database the first time the widget needs
    them and kept for the rest of the request.

    Django's ModelChoiceIterator queries the records on every iteration (through a server-side
    cursor), and a rendered select iterates its choices more than once. Validation still looks
    the chosen record up in the field's queryset; a form that is never rendered (the API)
    never reads them.
    """

    def __init__(self, field):
        self.field = field
        self.options = None

    def __iter__(self):
        if self.options is None:
            field, records = self.field, self.field.iterator(self.field)
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            self.options = empty + [records.choice(obj) for obj in field.queryset.all()]
        return iter(self.options)


def _fixed_choices(field) -> None:
    if isinstance(field, ModelChoiceField):
        field.widget.choices = _ChoicesReadOnce(field)
