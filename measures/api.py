from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from fabtown.api import AnyoneReadsStaffWrites, CachedAnonymousReadsMixin, ServiceWritesMixin
from fabtown.filters import IdFilter
from measures.filters import CostLimitFilter, MeasureFilter, PriorityFilter, TimeLimitFilter
from measures.models import CostLevel, Measure, Office, Priority, TimeHorizon
from measures.outcomes import attach_public_outcomes, public_outcomes_of
from measures.services import TRACKING_FIELDS, measure_update_tracking

COST_NAMES = {CostLevel.LOW: "low", CostLevel.MEDIUM: "medium", CostLevel.HIGH: "high"}
PRIORITY_NAMES = {Priority.HIGH: "high", Priority.MEDIUM: "medium", Priority.LOW: "low"}
TIME_NAMES = {TimeHorizon.SHORT: "short", TimeHorizon.MEDIUM: "medium", TimeHorizon.LONG: "long"}

_COST_RANGE = {
    "type": "object",
    "nullable": True,
    "properties": {
        "min": {"type": "string", "enum": ["low", "medium", "high"]},
        "max": {"type": "string", "enum": ["low", "medium", "high"]},
    },
    "required": ["min", "max"],
}
_TIME_RANGE = {
    "type": "object",
    "nullable": True,
    "properties": {
        "min": {"type": "string", "enum": ["short", "medium", "long"]},
        "max": {"type": "string", "enum": ["short", "medium", "long"]},
    },
    "required": ["min", "max"],
}


def _range(low, high, names):
    return None if low is None else {"min": names[low], "max": names[high]}


class BestPracticeSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()
    url = serializers.URLField(allow_blank=True)
    group = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    title = serializers.CharField()
    text = serializers.CharField()
    url = serializers.URLField(allow_blank=True)
    document = serializers.FileField(use_url=True, allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    """A public record the measure produced: its kind, public name and page (never more)."""

    kind = serializers.CharField()
    label = serializers.CharField()
    url = serializers.SerializerMethodField()
    note = serializers.CharField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, outcome):
        if not outcome.url:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(outcome.url) if request else outcome.url


class MeasureListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        # the outcomes' records of the whole page at once: one query per kind linked
        measures = list(data.all() if hasattr(data, "all") else data)
        attach_public_outcomes(measures)
        return super().to_representation(measures)


class MeasureSerializer(serializers.ModelSerializer):
    """A measure with its ratings in one fixed shape that tools can rely on."""

    thematic_field = serializers.CharField(source="thematic_field.code", read_only=True)
    thematic_field_title = serializers.CharField(source="thematic_field.title", read_only=True)
    group = serializers.CharField(source="thematic_field.group", read_only=True)
    personnel_cost = serializers.SerializerMethodField()
    material_cost = serializers.SerializerMethodField()
    time_horizon = serializers.SerializerMethodField()
    # The lists in the concept's order, read from the ordered links `with_profile()` prefetches.
    target_groups = serializers.SerializerMethodField()
    actors = serializers.SerializerMethodField()
    lead_actor = serializers.SerializerMethodField()
    interactions = serializers.SerializerMethodField()
    interactions_reconstructed = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()
    best_practices = BestPracticeSerializer(many=True, read_only=True)
    responsible_office = serializers.CharField(
        source="responsible_office.name", read_only=True, allow_null=True, default=None
    )
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    outcomes = serializers.SerializerMethodField()

    class Meta:
        list_serializer_class = MeasureListSerializer
        model = Measure
        fields = [
            "code", "title", "thematic_field", "thematic_field_title", "group", "description",
            "target_groups", "target_groups_as_printed", "actors", "actors_as_printed",
            "lead_actor", "priority", "priority_reason", "personnel_cost", "personnel_cost_remark",
            "material_cost", "material_cost_remark", "costs_as_printed", "time_horizon",
            "time_horizon_remark", "time_horizon_as_printed", "problem", "solution", "impact",
            "challenges", "interactions", "interactions_reconstructed", "interactions_note",
            "best_practices",
            "implementation_status", "responsible_office",
            "progress", "planned_start", "planned_end", "actual_start", "actual_end",
            "tracking_updated_at", "timeline", "outcomes",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, measure):
        return OutcomeSerializer(public_outcomes_of(measure), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_target_groups(self, measure):
        return [link.target_group.name for link in measure.target_group_links.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actors(self, measure):
        return [link.actor.name for link in measure.actor_links.all()]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_lead_actor(self, measure):
        lead = next((link for link in measure.actor_links.all() if link.is_lead), None)
        return lead.actor.name if lead else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_interactions(self, measure):
        return [link.to_measure.code for link in measure.interaction_links.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_interactions_reconstructed(self, measure):
        """Codes that stand where the concept prints a broken cross-reference."""
        return [
            link.to_measure.code for link in measure.interaction_links.all() if link.reconstructed
        ]

    @extend_schema_field({"type": "string", "enum": ["high", "medium", "low"], "nullable": True})
    def get_priority(self, measure):
        return PRIORITY_NAMES.get(measure.priority)

    @extend_schema_field(_COST_RANGE)
    def get_personnel_cost(self, measure):
        return _range(measure.personnel_cost_min, measure.personnel_cost_max, COST_NAMES)

    @extend_schema_field(_COST_RANGE)
    def get_material_cost(self, measure):
        return _range(measure.material_cost_min, measure.material_cost_max, COST_NAMES)

    @extend_schema_field(_TIME_RANGE)
    def get_time_horizon(self, measure):
        return _range(measure.time_horizon_min, measure.time_horizon_max, TIME_NAMES)


class _PriorityField(serializers.ChoiceField):
    """ "high", "medium", "low" (as the measure reads), stored as the Priority number."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(PRIORITY_NAMES.values()), allow_null=True, **kwargs)

    def to_internal_value(self, data):
        name = super().to_internal_value(data)
        return None if name in (None, "") else {v: k for k, v in PRIORITY_NAMES.items()}[name]

    def to_representation(self, value):
        return PRIORITY_NAMES.get(value)


class MeasureStatusSerializer(serializers.ModelSerializer):
    """What staff update through the API: the implementation tracking and the priority. The
    office is given by its German name; the rules between the fields (completed means 100 %
    and an actual end, …) are the model's, checked by the service."""

    responsible_office = serializers.SlugRelatedField(
        slug_field="name_de", queryset=Office.objects.all(), allow_null=True, required=False
    )
    priority = _PriorityField(required=False)

    class Meta:
        model = Measure
        # the reason in the request's language; the German column is the import's
        fields = [field for field in TRACKING_FIELDS if field != "priority_reason_de"]


class MeasureAPIFilter(MeasureFilter):
    actor = IdFilter(field_name="actors", label="actor id")
    target_group = IdFilter(field_name="target_groups", label="target group id")
    # Chapter 6.1, steps 3, 6 and 7 (issue 13): limits on ranges. A measure fits when its
    # rating's upper end is within the limit; a measure without that rating is included (its
    # range is null in the answer). measures/selectors.py defines the rule once.
    max_personnel_cost = CostLimitFilter(
        rating="personnel_cost",
        label="personnel cost at most: the rating's upper end within it, or no rating",
    )
    max_material_cost = CostLimitFilter(
        rating="material_cost",
        label="material cost at most: the rating's upper end within it, or no rating",
    )
    max_time_horizon = TimeLimitFilter(
        label="time horizon at most: the rating's upper end within it, or no rating"
    )
    priority = PriorityFilter(label="priority; none: not set")


class MeasureViewSet(
    CachedAnonymousReadsMixin,
    ServiceWritesMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The catalogue as the concept prints it; staff update only the implementation tracking."""

    http_method_names = ["get", "patch", "head", "options"]
    permission_classes = [AnyoneReadsStaffWrites]
    filterset_class = MeasureAPIFilter
    lookup_field = "code"
    lookup_value_regex = r"4\.[0-9]+\.[0-9]+"
    queryset = Measure.objects.with_profile().order_by("thematic_field__position", "position")

    def get_serializer_class(self):
        return MeasureStatusSerializer if self.request.method == "PATCH" else MeasureSerializer

    def write(self, record, data, *, by):
        return measure_update_tracking(measure=record, by=by, **data)
