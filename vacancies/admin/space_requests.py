"""Staff's side of space requests and the cadastre's settings. Every save goes through
vacancies.services.space_requests; the requester's contact only for who may see it."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fabtown.admin_base import DomainAdmin
from vacancies.models import CadastreSettings, SpaceRequest, SpaceRequestSource, SpaceRequestStatus
from vacancies.services.space_requests import (
    EDITABLE_FIELDS,
    space_request_close,
    space_request_create,
    space_request_erase,
    space_request_renew,
    space_request_update,
)


class ExpiryFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("active", _("active (open, not expired)")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        active = SpaceRequest.objects.active()
        if self.value() == "active":
            return queryset.filter(pk__in=active)
        if self.value() == "expired":
            return queryset.filter(status=SpaceRequestStatus.OPEN).exclude(pk__in=active)
        return queryset


@admin.register(SpaceRequest)
class SpaceRequestAdmin(DomainAdmin):
    list_display = [
        "title", "status", "expires_on", "areas", "production_form", "source", "created_at",
    ]  # fmt: skip
    list_filter = [
        "status", ExpiryFilter, "source", "search_areas", "production_form", "notify_matches",
        "needs_ground_floor", "needs_shop_window",
    ]  # fmt: skip
    list_select_related = ["production_form"]
    search_fields = ["title", "description", "contact_name", "contact_email", "organisation"]
    filter_horizontal = ["search_areas"]
    date_hierarchy = "created_at"
    actions = ["close_fulfilled", "close_withdrawn", "renew", "erase_personal_data"]
    readonly_fields = [
        "status", "source", "expires_on", "consent_given_at", "reminded_at", "closed_at",
        "personal_data_erased_at", "recorded_by", "language", "created_at", "updated_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["title", "description", "production_form", "wanted_from"]}),
        (_("The space wanted"), {"fields": [
            ("floor_area_min_m2", "floor_area_max_m2"), ("needs_ground_floor", "needs_shop_window"),
            "equipment_wanted", "max_rent_eur_per_month", "search_areas",
        ]}),
        (
            _("Requester (confidential, staff only)"),
            {"fields": [
                "organisation", "contact_name", "contact_email", "contact_phone", "notify_matches",
            ], "classes": ["confidential"]},
        ),
        (_("Lifecycle"), {"fields": [
            ("status", "closed_at"), ("expires_on", "reminded_at"), "source", "consent_given_at",
            "personal_data_erased_at", "recorded_by", "language", ("created_at", "updated_at"),
        ]}),
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.personal_data_erased_at is not None:
            # erased stays erased: a new contact would be a new request
            hidden = self.hidden_fields(request)
            fields += [name for name in SpaceRequest.PRIVATE_FIELDS if name not in hidden]
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("search_areas")

    @admin.display(description=_("search areas"))
    def areas(self, space_request: SpaceRequest) -> str:
        return ", ".join(area.name for area in space_request.search_areas.all()) or "–"

    def save_model(self, request, obj, form, change) -> None:
        if change:
            space_request_update(space_request=obj, data={}, by=request.user)
            return
        data = {
            name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data
        }
        created = space_request_create(data=data, by=request.user, source=SpaceRequestSource.STAFF)
        # the admin goes on with the form's instance (history link, message, save_m2m)
        obj.pk, obj.token, obj.expires_on = created.pk, created.token, created.expires_on
        obj._state.adding = False

    def _close(self, request, queryset, status: str) -> None:
        for space_request in queryset:
            space_request_close(space_request=space_request, status=status, by=request.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)s request was closed.", "%(count)s requests were closed.", count)
            % {"count": count},
        )

    @admin.action(description=_("Close: a site was found"), permissions=["change"])
    def close_fulfilled(self, request, queryset):
        self._close(request, queryset, SpaceRequestStatus.FULFILLED)

    @admin.action(description=_("Close: withdrawn by the requester"), permissions=["change"])
    def close_withdrawn(self, request, queryset):
        self._close(request, queryset, SpaceRequestStatus.WITHDRAWN)

    @admin.action(description=_("Renew for the validity period"), permissions=["change"])
    def renew(self, request, queryset):
        renewed, refused = 0, 0
        for space_request in queryset:
            try:
                space_request_renew(token=space_request.token, by=request.user)
                renewed += 1
            except ValidationError:
                refused += 1
        self.message_user(
            request,
            gettext("Renewed: %(renewed)s. Not renewable (closed or erased): %(refused)s.")
            % {"renewed": renewed, "refused": refused},
        )

    @admin.action(
        description=_("Erase the requester's data (DSGVO Art. 17)"),
        permissions=["erase_personal_data"],
    )
    def erase_personal_data(self, request, queryset):
        return self.erase_each(
            request,
            queryset,
            explanation=gettext(
                "The requester's name, contact and business are erased from these requests, "
                "in the records and in their whole history; requests still active are "
                "withdrawn. What was asked for stays for the statistics. This cannot be undone."
            ),
            erase=lambda record: space_request_erase(request_id=record.pk, by=request.user),
            logged=gettext("Requester erased (DSGVO Art. 17)."),
            done=lambda count: (
                ngettext(
                    "The requester's data of %(count)s request were erased.",
                    "The requester's data of %(count)s requests were erased.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(CadastreSettings)
class CadastreSettingsAdmin(DomainAdmin):
    """One row (CadastreSettings.current()): the list goes straight to it; never added twice
    nor deleted. (No "add" check against the table: the admin's sidebar asks on every page.)"""

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = CadastreSettings.current()
        return HttpResponseRedirect(
            reverse("admin:vacancies_cadastresettings_change", args=[settings_row.pk])
        )
