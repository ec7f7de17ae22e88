"""Owners' consents in the admin: only for staff who may see owner data (the contact route is
owner data until it is published, and the history says whose route it was). Consents are
history: recorded through a small form, withdrawn by an action, never edited or deleted."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fabtown.admin_base import DomainAdmin
from vacancies.models import OwnerConsent, Site
from vacancies.services.consent import (
    owner_consent_check,
    owner_consent_record,
    owner_consent_withdraw,
)

OWNER_DATA = Site.PRIVATE_PERMISSION


class OwnerDataOnlyMixin:
    """Every door to consents needs the owner-data permission besides the model's own."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(OWNER_DATA) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return request.user.has_perm(OWNER_DATA) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(OWNER_DATA) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # withdrawn, never deleted: the history says what was public when


class OwnerConsentForm(forms.ModelForm):
    class Meta:
        model = OwnerConsent
        fields = ["site", "scope", "contact_route", "given_on", "note"]

    def clean(self):
        cleaned = super().clean()
        site = cleaned.get("site")
        if site is not None:
            try:
                owner_consent_check(site=site, given_on=cleaned.get("given_on"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def validate_constraints(self):
        # "one in force per site" is said in words by owner_consent_check above
        pass


@admin.register(OwnerConsent)
class OwnerConsentAdmin(OwnerDataOnlyMixin, DomainAdmin):
    form = OwnerConsentForm
    list_display = ["site", "scope", "given_on", "withdrawn_on", "recorded_by"]
    list_filter = ["scope", ("withdrawn_on", admin.EmptyFieldListFilter)]
    list_select_related = ["site", "recorded_by"]
    search_fields = ["site__name"]
    autocomplete_fields = ["site"]
    date_hierarchy = "given_on"
    actions = ["withdraw"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["site", "scope", "contact_route", "given_on", "note"]
        return [
            "site", "scope", "contact_route", "given_on", "recorded_by", "withdrawn_on", "note",
        ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("given_on", timezone.localdate())
        return initial

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return  # nothing on a recorded consent is edited
        saved = owner_consent_record(
            site=obj.site,
            scope=obj.scope,
            contact_route=obj.contact_route,
            given_on=obj.given_on,
            by=request.user,
            note=obj.note,
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change) -> None:
        pass  # no relations beside the site

    @admin.action(description=_("Withdraw the selected consents (today)"), permissions=["change"])
    def withdraw(self, request, queryset):
        withdrawn = 0
        for consent in queryset.filter(withdrawn_on__isnull=True):
            owner_consent_withdraw(consent=consent, on=timezone.localdate(), by=request.user)
            self.log_change(request, consent, gettext("Consent withdrawn."))
            withdrawn += 1
        self.message_user(
            request,
            ngettext(
                "%(count)s consent was withdrawn; its contact route is no longer public.",
                "%(count)s consents were withdrawn; their contact routes are no longer public.",
                withdrawn,
            )
            % {"count": withdrawn},
            messages.SUCCESS if withdrawn else messages.WARNING,
        )


class OwnerConsentInline(OwnerDataOnlyMixin, admin.TabularInline):
    """The site's consents, read-only: recorded through the consent form, withdrawn there."""

    model = OwnerConsent
    fields = ["scope", "contact_route", "given_on", "withdrawn_on", "recorded_by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    template = "admin/vacancies/site/owner_consent_inline.html"
    verbose_name_plural = _("owner's consents to publish a contact route")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.add_consent_url = (
            reverse("admin:vacancies_ownerconsent_add") + f"?site={obj.pk}"
            if obj is not None and request.user.has_perm("vacancies.add_ownerconsent")
            else ""
        )
        return formset
