from django.contrib import admin

from fabtown.admin_base import DomainAdmin
from label.models import FeeTier, LabelApplication, LabelDecision, Membership


class LabelDecisionInline(admin.TabularInline):
    """Decisions are recorded by label.services.label_application_decide and never edited."""

    model = LabelDecision
    fields = ["decided_at", "from_status", "to_status", "decided_by", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeeTier)
class FeeTierAdmin(DomainAdmin):
    list_display = ["name", "min_employees", "max_employees", "monthly_fee_eur"]


@admin.register(Membership)
class MembershipAdmin(DomainAdmin):
    list_display = ["producer", "kind", "valid_from", "valid_until", "fee_tier", "revoked_at"]
    list_filter = ["kind", "fee_tier"]
    list_select_related = ["producer", "fee_tier"]
    search_fields = ["producer__name"]
    autocomplete_fields = ["producer"]
    readonly_fields = ["public_id"]


@admin.register(LabelApplication)
class LabelApplicationAdmin(DomainAdmin):
    list_display = ["company_name", "status", "submitted_at", "stages_in_bochum", "full_time_staff"]
    list_filter = ["status", "is_founder_or_startup", "stage_product_design",
                   "stage_manufacturing", "stage_finishing"]  # fmt: skip
    list_select_related = ["producer"]
    search_fields = ["company_name", "producer__name"]
    autocomplete_fields = ["producer"]
    readonly_fields = ["status", "submitted_at", "created_at", "updated_at"]
    inlines = [LabelDecisionInline]
