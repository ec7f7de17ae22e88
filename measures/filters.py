import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from fabtown.filters import ChoicesReadOnceMixin, StrictBooleanFilter
from measures.models import Actor, CostLevel, Measure, TargetGroup, ThematicField, TimeHorizon
from measures.selectors import (
    COST_LIMITS,
    PRIORITIES,
    TIME_LIMITS,
    at_least_priority_q,
    priority_q,
    within_limit_q,
)


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


# --- The seven steps of chapter 6.1 and the API's limits (issue 13) ----------------------------


@extend_schema_field({"type": "string", "enum": list(COST_LIMITS)})
class CostLimitFilter(django_filters.ChoiceFilter):
    """The most a measure may cost (`low`, `medium`, `high`): its rating's upper end within the
    limit, or no rating (measures/selectors.py)."""

    limits = COST_LIMITS

    def __init__(self, *args, rating: str, **kwargs):
        self.rating = rating
        kwargs.setdefault("choices", _limit_choices(COST_LIMITS, CostLevel))
        kwargs.setdefault("empty_label", _("no limit"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(within_limit_q(rating=self.rating, limit=self.limits[value]))


@extend_schema_field({"type": "string", "enum": list(TIME_LIMITS)})
class TimeLimitFilter(CostLimitFilter):
    """The longest time until a measure is implemented (`short`, `medium`, `long`)."""

    limits = TIME_LIMITS

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", _limit_choices(TIME_LIMITS, TimeHorizon))
        super().__init__(*args, rating="time_horizon", **kwargs)


def _limit_choices(words: dict, levels) -> list[tuple[str, str]]:
    labels = dict(levels.choices)
    return [(word, labels[level]) for word, level in words.items()]


class MeasureLimitsFilter(django_filters.FilterSet):
    """Step 6 (time horizon) and step 7 (personnel and material cost) as upper limits."""

    max_time_horizon = TimeLimitFilter(label=_("implemented within at most"))
    max_personnel_cost = CostLimitFilter(label=_("personnel cost at most"), rating="personnel_cost")
    max_material_cost = CostLimitFilter(label=_("material cost at most"), rating="material_cost")

    class Meta:
        model = Measure
        fields = []


@extend_schema_field({"type": "string", "enum": [*PRIORITIES, "none"]})
class PriorityFilter(django_filters.ChoiceFilter):
    """Exactly this priority; `none` for the measures whose priority is not set."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(word, word) for word in [*PRIORITIES, "none"]])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(priority_q(priority=PRIORITIES.get(value)))


def _actor_choices() -> list[tuple[int, str]]:
    return [(actor.pk, actor.name) for actor in Actor.objects.all()]


def _field_choices() -> list[tuple[str, str]]:
    return [(field.code, str(field)) for field in ThematicField.objects.all()]


class MeasureStepsFilter(MeasureLimitsFilter):
    """The guided choice of chapter 6.1: my actor (step 2), priority (3), time (6), cost (7).

    Every choice is a word or an id in the URL, so a result can be shared and bookmarked."""

    actor = django_filters.ChoiceFilter(
        label=_("my office or organisation"),
        choices=[],  # set per request in __init__
        field_name="actor_links__actor",
        empty_label=_("any"),
    )
    field = django_filters.ChoiceFilter(
        label=_("thematic field"),
        choices=[],  # set per request in __init__
        field_name="thematic_field__code",
        empty_label=_("all thematic fields"),
    )
    min_priority = django_filters.ChoiceFilter(
        label=_("priority at least"),
        choices=[
            ("high", _("high")),
            ("medium", _("medium or higher")),
            ("low", _("any set priority")),
        ],
        method="filter_min_priority",
        empty_label=_("all measures, the highest priority first"),
    )

    # The choices in the order of the steps, for the summary line of the result.
    step_order = [
        "actor", "field", "min_priority", "max_time_horizon", "max_personnel_cost",
        "max_material_cost",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The actors and fields are read once here, in the request's language: a callable as
        # choices would be read again by validation, the rendering and the summary line.
        self.filters["actor"].extra["choices"] = _actor_choices()
        self.filters["field"].extra["choices"] = _field_choices()

    def filter_min_priority(self, queryset, name, value):
        return queryset.filter(at_least_priority_q(minimum=PRIORITIES[value]))
