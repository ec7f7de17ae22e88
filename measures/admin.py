from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from fabtown.admin_translation import TranslatedAdmin, TranslatedDomainAdmin
from fabtown.importing import KeepGoodRowsImportMixin
from measures.models import (
    Actor,
    BestPractice,
    Measure,
    MeasureActor,
    MeasureInteraction,
    MeasureOutcome,
    MeasureTargetGroup,
    Office,
    TargetGroup,
    ThematicField,
    TimelineEntry,
    TrackingReminder,
)
from measures.outcomes import content_type_choices
from measures.resources import MeasureTrackingResource
from measures.services import (
    TRACKING_FIELDS,
    measure_tracking_touched,
    measure_update_tracking,
)

# Saved through measure_update_tracking (validated, timestamped, no-op when unchanged); the
# priority's reason has a field per language and goes with the regular save before it.
_ADMIN_TRACKING_FIELDS = [
    field for field in TRACKING_FIELDS if not field.startswith("priority_reason")
]


class BestPracticeInline(admin.TabularInline):
    model = BestPractice
    fields = ["position", "group", "title", "description", "url"]
    extra = 0


class MeasureActorInline(admin.TabularInline):
    """The actors in the concept's order; the lead actor is marked (chapter 6.1, step 2)."""

    model = MeasureActor
    fields = ["position", "actor", "is_lead"]
    autocomplete_fields = ["actor"]
    extra = 0


class MeasureTargetGroupInline(admin.TabularInline):
    model = MeasureTargetGroup
    fields = ["position", "target_group"]
    autocomplete_fields = ["target_group"]
    extra = 0


class MeasureInteractionInline(admin.TabularInline):
    model = MeasureInteraction
    fk_name = "from_measure"
    fields = ["position", "to_measure", "reconstructed"]
    autocomplete_fields = ["to_measure"]
    extra = 0


class TimelineEntryInline(admin.StackedInline):
    model = TimelineEntry
    fields = ["date", "title_de", "title_en", "text_de", "text_en", "url", "document"]
    extra = 0


class MeasureOutcomeInline(admin.TabularInline):
    """Records the measure produced; only kinds registered in measures/outcomes.py."""

    model = MeasureOutcome
    fields = ["position", "content_type", "object_id", "note_de", "note_en"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "content_type":
            kwargs["queryset"] = ContentType.objects.filter(content_type_choices())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "object_id":
            formfield.help_text = _(
                "The record's id: the number in its admin address (…/change/ before it)."
            )
        return formfield


@admin.register(Office)
class OfficeAdmin(TranslatedAdmin):
    list_display = ["name", "email", "lead_name", "stale_after_days", "escalate_after_days"]
    search_fields = ["name_de", "name_en"]


@admin.register(ThematicField)
class ThematicFieldAdmin(TranslatedAdmin):
    list_display = ["code", "title", "group"]
    list_filter = ["group"]


@admin.register(Actor)
class ActorAdmin(TranslatedAdmin):
    search_fields = ["name_de", "name_en"]


@admin.register(TargetGroup)
class TargetGroupAdmin(TranslatedAdmin):
    search_fields = ["name_de", "name_en"]


@admin.register(Measure)
class MeasureAdmin(KeepGoodRowsImportMixin, TranslatedDomainAdmin):
    # The tracking as a spreadsheet (measures/resources.py): updates only, matched by the code.
    resource_classes = [MeasureTrackingResource]
    import_template_name = "admin/measures/measure/import.html"

    def has_import_permission(self, request) -> bool:
        # The import creates no measure: changing them is enough.
        return self.has_change_permission(request)

    list_display = [
        "code", "title", "field_code", "personnel_cost", "material_cost", "time_horizon",
        "priority", "implementation_status",
    ]  # fmt: skip
    list_display_links = ["code", "title"]
    list_filter = [
        "thematic_field__group", "thematic_field", "priority", "implementation_status",
        "responsible_office",
        "personnel_cost_min", "personnel_cost_max", "material_cost_min", "material_cost_max",
        "time_horizon_min", "time_horizon_max", "actors", "target_groups",
    ]  # fmt: skip
    list_select_related = ["thematic_field"]
    search_fields = [
        "code", "title_de", "title_en", "description_de", "description_en", "problem_de",
        "problem_en", "solution_de", "solution_en",
    ]  # fmt: skip
    autocomplete_fields = ["responsible_office"]
    inlines = [
        MeasureTargetGroupInline,
        MeasureActorInline,
        MeasureInteractionInline,
        BestPracticeInline,
        TimelineEntryInline,
        MeasureOutcomeInline,
    ]
    readonly_fields = ["tracking_updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        """The tracking goes through the service; the rest of the profile is saved as usual."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        new = {field: getattr(obj, field) for field in _ADMIN_TRACKING_FIELDS}
        stored = Measure.objects.filter(pk=obj.pk).values(
            *[f"{field}_id" if field == "responsible_office" else field for field in new]
        )[0]
        for field in new:
            key = f"{field}_id" if field == "responsible_office" else field
            setattr(obj, key, stored[key])
        super().save_model(request, obj, form, change)
        measure_update_tracking(measure=obj, by=request.user, **new)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        # a timeline entry or outcome added, changed or removed is an update of the tracking
        if formset.model in (TimelineEntry, MeasureOutcome) and (
            formset.new_objects or formset.changed_objects or formset.deleted_objects
        ):
            measure_tracking_touched(form.instance)

    @admin.display(description=_("field"), ordering="thematic_field__position")
    def field_code(self, measure: Measure) -> str:
        return measure.thematic_field.code

    @admin.display(description=_("personnel cost"))
    def personnel_cost(self, measure: Measure) -> str:
        return measure.personnel_cost_label

    @admin.display(description=_("material cost"))
    def material_cost(self, measure: Measure) -> str:
        return measure.material_cost_label

    @admin.display(description=_("time horizon"))
    def time_horizon(self, measure: Measure) -> str:
        return measure.time_horizon_label

    fieldsets = [
        (None, {"fields": ["code", "title", "thematic_field", "position", "description"]}),
        (_("Who (as printed)"), {"fields": ["target_groups_as_printed", "actors_as_printed"]}),
        (_("Costs (Tabelle 3)"), {"fields": [
            "costs_as_printed", ("personnel_cost_min", "personnel_cost_max"),
            "personnel_cost_remark", ("material_cost_min", "material_cost_max"),
            "material_cost_remark",
        ]}),
        (_("Time horizon (Tabelle 4)"), {"fields": [
            "time_horizon_as_printed", ("time_horizon_min", "time_horizon_max"),
            "time_horizon_remark",
        ]}),
        (_("Profile"), {"fields": ["problem", "solution", "impact", "challenges"]}),
        (_("Interactions"), {"fields": ["interactions_note"]}),
        (_("Priority (chapter 6.1, step 3)"), {"fields": ["priority", "priority_reason"]}),
        (_("Sites (chapter 6.1, step 4)"), {"fields": ["needs_space"]}),
        (_("Implementation (staff)"), {"fields": [
            "implementation_status", "responsible_office", "progress",
            ("planned_start", "planned_end"), ("actual_start", "actual_end"),
            "tracking_updated_at", "staff_notes",
        ]}),
    ]  # fmt: skip


@admin.register(TrackingReminder)
class TrackingReminderAdmin(admin.ModelAdmin):
    """The log of the reminders sent (measures/reminders.py): read only, written by the job."""

    list_display = ["sent_at", "measure", "office", "reason", "sent_to", "escalated_at"]
    list_filter = ["reason", "office", ("escalated_at", admin.EmptyFieldListFilter)]
    list_select_related = ["measure", "office"]
    search_fields = ["measure__code", "office__name_de"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
