from fabtown.content_translation import ContentTranslation, register
from measures.models import (
    Actor,
    Measure,
    MeasureOutcome,
    Office,
    TargetGroup,
    ThematicField,
    TimelineEntry,
)

# The concept's printed costs and time horizon (`*_as_printed`) stay German only: they quote it.
MEASURE_TEXT_FIELDS = (
    "title",
    "description",
    "problem",
    "solution",
    "impact",
    "challenges",
    "interactions_note",
    "personnel_cost_remark",
    "material_cost_remark",
    "time_horizon_remark",
    "priority_reason",
)


class ThematicFieldTranslation(ContentTranslation):
    fields = ("title", "introduction")


class ActorTranslation(ContentTranslation):
    fields = ("name",)


class TargetGroupTranslation(ContentTranslation):
    fields = ("name",)


class OfficeTranslation(ContentTranslation):
    fields = ("name",)


class TimelineEntryTranslation(ContentTranslation):
    fields = ("title", "text")


class MeasureOutcomeTranslation(ContentTranslation):
    fields = ("note",)


class MeasureTranslation(ContentTranslation):
    fields = MEASURE_TEXT_FIELDS


register(ThematicField, ThematicFieldTranslation)
register(Actor, ActorTranslation)
register(TargetGroup, TargetGroupTranslation)
register(Measure, MeasureTranslation, history={"m2m_fields": ["target_groups", "actors"]})
register(Office, OfficeTranslation, history={})
register(TimelineEntry, TimelineEntryTranslation, history={})
register(MeasureOutcome, MeasureOutcomeTranslation, history={})
