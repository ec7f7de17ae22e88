from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from fabtown.import_runs import import_run_progress, progress_text
from fabtown.importing import KeepGoodRowsImportMixin
from fabtown.models import AccessibilityFeedback, ImportRun


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page", "handled"]
    list_filter = ["handled"]
    search_fields = ["message", "page"]
    readonly_fields = ["created_at", "page", "message", "email"]


# django-axes: staff see (and clear, to unlock an account) the current failed sign-ins. Its
# logs of every sign-in are switched off (settings.AXES_DISABLE_ACCESS_LOG), so their lists go.
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


# --- Import runs (fabtown.import_runs): long imports, done by the worker ------------------------


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: a run's progress, counts and invalid rows, for whoever may import its records
    (KeepGoodRowsImportMixin.has_import_permission); its page follows a running import."""

    list_display = [
        "created_at", "file_name", "model_label", "status", "progress_text", "new", "updated",
        "skipped", "invalid", "started_by",
    ]  # fmt: skip
    list_filter = ["status"]
    fields = [
        "status", "progress", "model_label", "file_name", "format", "started_by", "invalid_report",
        "error", "created_at", "started_at", "finished_at",
    ]  # fmt: skip
    readonly_fields = fields

    class Media:
        js = ["fabtown/import-run.js"]

    def importable_labels(self, request) -> set[str]:
        return {
            model._meta.label
            for model, model_admin in self.admin_site._registry.items()
            if isinstance(model_admin, KeepGoodRowsImportMixin)
            and model_admin.has_import_permission(request)
        }

    def has_module_permission(self, request) -> bool:
        return bool(self.importable_labels(request))

    def has_view_permission(self, request, obj=None) -> bool:
        labels = self.importable_labels(request)
        return obj.model_label in labels if obj is not None else bool(labels)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(model_label__in=self.importable_labels(request))

    def get_object(self, request, object_id, from_field=None):
        # Any run, so that a run of records the user may not import is refused (403), not
        # passed off as missing.
        try:
            return ImportRun.objects.get(pk=int(object_id))
        except (ValueError, ImportRun.DoesNotExist):
            return None

    def get_urls(self):
        progress = path(
            "<int:object_id>/progress/",
            self.admin_site.admin_view(self.progress_view),
            name="fabtown_importrun_progress",
        )
        return [progress, *super().get_urls()]

    def progress_view(self, request, object_id: int):
        run = self.get_object(request, object_id)
        if run is None:
            raise Http404
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return JsonResponse(import_run_progress(run))

    @admin.display(description=_("progress"))
    def progress_text(self, run: ImportRun) -> str:
        return progress_text(run)

    @admin.display(description=_("progress"))
    def progress(self, run: ImportRun):
        counts = format_html_join(
            ", ",
            '{}: <span data-key="{}">{}</span>',
            [
                (_("new"), "new", run.new),
                (_("updated"), "updated", run.updated),
                (_("unchanged"), "skipped", run.skipped),
                (_("invalid"), "invalid", run.invalid),
            ],
        )
        return format_html(
            '<div class="import-run-progress" data-url="{}" data-finished="{}">'
            '<progress max="{}" value="{}"></progress> <span data-key="progress">{}</span>'
            ' (<span data-key="status_display">{}</span>)<br>{}</div>',
            reverse("admin:fabtown_importrun_progress", args=[run.pk]),
            "1" if run.is_finished else "0",
            run.rows_total or 1,
            run.rows_done,
            progress_text(run),
            run.get_status_display(),
            counts,
        )

    @admin.display(description=_("invalid rows"))
    def invalid_report(self, run: ImportRun):
        if not run.invalid_rows:
            return "–"
        lines = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            [
                (
                    entry["row"],
                    "; ".join(
                        f"{field}: {' '.join(errors)}" for field, errors in entry["errors"].items()
                    ),
                )
                for entry in run.invalid_rows
            ],
        )
        shown = (
            _("The first %(shown)s of %(count)s invalid rows.")
            % {"shown": len(run.invalid_rows), "count": run.invalid}
            if run.invalid > len(run.invalid_rows)
            else ""
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>{}",
            _("Row"),
            _("Errors"),
            lines,
            shown,
        )
