"""The base of every domain admin: maps, edit history, and personal data only for who may see it."""

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from fabtown import privacy
from fabtown.history import ReadableHistoryHelper
from fabtown.maps import MapWidget


def _without(entry, hidden: frozenset[str]):
    """A fieldset line (a name or a tuple of names) without the hidden names, or None."""
    if isinstance(entry, list | tuple):
        kept = tuple(name for name in entry if name not in hidden)
        return kept or None
    return None if entry in hidden else entry


def _field_of(path: str) -> str:
    """The model field a search or filter path starts with ("^owner_name" → "owner_name")."""
    return path.lstrip("^=@").split("__")[0]


class PrivateFieldsAdminMixin:
    """The model's PRIVATE_FIELDS (fabtown.privacy) stay out of every admin page of a user without
    the model's PRIVATE_PERMISSION: change and history forms, lists, search, filters, sorting,
    lookups in the address and the diffs of the history."""

    def hidden_fields(self, request) -> frozenset[str]:
        return privacy.hidden_fields(request.user, self.model)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        hidden = self.hidden_fields(request)
        if not hidden:
            return fieldsets
        kept = []
        for title, options in fieldsets:
            lines = [_without(line, hidden) for line in options.get("fields", ())]
            if lines := [line for line in lines if line]:
                kept.append((title, {**options, "fields": lines}))
        return kept

    def get_readonly_fields(self, request, obj=None):
        hidden = self.hidden_fields(request)
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    def get_list_display(self, request):
        hidden = self.hidden_fields(request)
        return [f for f in super().get_list_display(request) if f not in hidden]

    def get_list_filter(self, request):
        hidden = self.hidden_fields(request)
        return [
            f for f in super().get_list_filter(request) if not isinstance(f, str) or f not in hidden
        ]

    def get_search_fields(self, request):
        hidden = self.hidden_fields(request)
        return [f for f in super().get_search_fields(request) if _field_of(f) not in hidden]

    def lookup_allowed(self, lookup, value, request):
        # ?owner_name__startswith=E would let a viewer guess an owner letter by letter
        if _field_of(lookup) in self.hidden_fields(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def _ids_or_404(self, object_id, version_id=None) -> None:
        # simple-history passes ids from the address straight to the database: "abc" was a 500
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                int(version_id)
        except (ValueError, ValidationError):
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        self._ids_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted old version without asking for the change
        # permission; read-only staff could write through it, and hidden fields would come
        # back unseen. An old version is shown, never saved.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self._ids_or_404(object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_erase_personal_data_permission(self, request) -> bool:
        """Erasing (DSGVO Art. 17) is for who may see the data and change the records."""
        return not self.hidden_fields(request) and self.has_change_permission(request)

    def confirm_erasure(self, request, records, *, explanation: str) -> TemplateResponse | None:
        """None once the user has confirmed; until then the page that asks."""
        if request.POST.get("confirm") == "yes":
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data (DSGVO Art. 17)"),
            "opts": self.model._meta,
            "records": records,
            "explanation": explanation,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/confirm_erasure.html", context)

    def erase_each(
        self, request, records, *, explanation: str, erase, logged: str, done
    ) -> TemplateResponse | None:
        """An erasure action: ask first, then erase record by record through `erase` (a
        service call), note each in the admin's log and say how many (`done(count)`)."""
        page = self.confirm_erasure(request, records, explanation=explanation)
        if page is not None:
            return page
        for record in records:
            erase(record)
            self.log_change(request, record, logged)
        self.message_user(request, done(len(records)))
        return None

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """The history's list of changes, without hidden fields, and who made each change."""
        hidden = self.hidden_fields(request)
        previous = None
        for current in historical_records:
            current.changed_by = privacy.account_name(current.history_user, viewer=request.user)
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=hidden, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class DomainAdmin(PrivateFieldsAdminMixin, LeafletGeoAdminMixin, SimpleHistoryAdmin):
    widget = MapWidget
    map_template = MapWidget.template_name  # django-leaflet would swap in its inline-script one
    list_per_page = 50
    save_on_top = True
