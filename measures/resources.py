"""The tracking of the measures as a spreadsheet (CSV, XLSX): the same columns out and in,
matched by the measure's code, so that exporting and importing the same file changes nothing.

An import only updates measures that exist (an unknown code is that row's error; nothing is
created or deleted) and only their tracking fields, through measures.services.
measure_update_tracking: validated like a change in the admin, with the importing user in the
history. Any other column (a title, a description) is not read: the catalogue's text is the
concept's and changes in the admin only.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from fabtown.importing import FormulaSafeResource, LookupWidget
from measures.models import Measure, Office, Priority
from measures.services import measure_update_tracking

# The file's columns, in this order, for export and import alike.
COLUMNS = [
    "code", "implementation_status", "responsible_office", "planned_start", "planned_end",
    "actual_start", "actual_end", "progress", "priority", "priority_reason",
]  # fmt: skip

# The priority as a word that stays the same in every language (the stored value is a number).
PRIORITY_KEYS = {Priority.HIGH: "high", Priority.MEDIUM: "medium", Priority.LOW: "low"}


class PriorityWidget(widgets.Widget):
    """high, medium, low (or the stored 1, 2, 3); empty is "not set"."""

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip().lower() if value is not None else ""
        if not text:
            return None
        by_key = {key: priority.value for priority, key in PRIORITY_KEYS.items()}
        by_number = {str(priority.value): priority.value for priority in Priority}
        if text.endswith(".0"):  # a spreadsheet's number cell
            text = text[:-2]
        if text in by_key or text in by_number:
            return by_key.get(text) or by_number[text]
        raise ValueError(
            _("Unknown priority “%(value)s”: use high, medium, low or leave the cell empty.")
            % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return PRIORITY_KEYS.get(value, "") if value is not None else ""


class PercentWidget(widgets.IntegerWidget):
    """A whole number 0–100; text that is no number is this row's error, not the file's."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (ArithmeticError, TypeError, ValueError):
            raise ValueError(
                _("“%(value)s” is not a whole number from 0 to 100.") % {"value": value}
            ) from None


class DayWidget(widgets.DateWidget):
    """Dates as 2026-03-31 (written so), also read as 31.03.2026 (a German spreadsheet's CSV)."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")
        self.formats = ("%Y-%m-%d", "%d.%m.%Y")

    def clean(self, value, row=None, **kwargs):
        # A workbook's date cell is read as a datetime at midnight: the same day, not a change.
        if isinstance(value, datetime.datetime):
            return value.date()
        return super().clean(value, row=row, **kwargs)


class MeasureTrackingResource(FormulaSafeResource):
    responsible_office = fields.Field(
        attribute="responsible_office",
        column_name="responsible_office",
        widget=LookupWidget(Office, "name_de"),
    )
    priority = fields.Field(attribute="priority", column_name="priority", widget=PriorityWidget())
    # The reason's German text (the English one is kept as it is).
    priority_reason = fields.Field(attribute="priority_reason_de", column_name="priority_reason")
    planned_start = fields.Field(attribute="planned_start", widget=DayWidget())
    planned_end = fields.Field(attribute="planned_end", widget=DayWidget())
    actual_start = fields.Field(attribute="actual_start", widget=DayWidget())
    actual_end = fields.Field(attribute="actual_end", widget=DayWidget())
    progress = fields.Field(attribute="progress", widget=PercentWidget())

    column_labels = {
        "responsible_office": gettext_lazy("responsible office (its German name)"),
        "priority": gettext_lazy("priority (high, medium, low)"),
        "priority_reason": gettext_lazy("reason for the priority (German)"),
    }

    class Meta:
        model = Measure
        import_id_fields = ["code"]
        fields = COLUMNS
        export_order = COLUMNS
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Measure.objects.select_related("responsible_office", "thematic_field").order_by(
            "thematic_field__position", "position"
        )

    def get_or_init_instance(self, instance_loader, row):
        """Never a new measure: a code that is not in the catalogue is the row's error."""
        instance = self.get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                {
                    "code": _("There is no measure with the code “%(code)s”.")
                    % {"code": row.get("code") or ""}
                }
            )
        return instance, False

    def import_instance(self, instance, row, **kwargs) -> None:
        # An empty reason is stored as NULL (a translation left empty) and read back as "":
        # the same "no reason", not a change.
        before = instance.priority_reason_de
        super().import_instance(instance, row, **kwargs)
        if not instance.priority_reason_de and not before:
            instance.priority_reason_de = before

    def for_delete(self, row, instance) -> bool:
        return False

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Only the tracking fields that differ from the stored measure are written, through
        the tracking service (its validation and history), in the row's own savepoint."""
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        stored = Measure.objects.get(pk=instance.pk)
        changes = {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if field.attribute != "code"
            and getattr(instance, field.attribute) != getattr(stored, field.attribute)
        }
        if not changes:
            return
        try:
            with transaction.atomic():
                measure_update_tracking(measure=stored, by=kwargs.get("user"), **changes)
        except DatabaseError as error:
            rule = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
            raise ValidationError(
                _("The database refused this row (rule: %(rule)s).") % {"rule": rule or "–"}
            ) from None
