"""Import/export of spreadsheets (CSV, XLSX) through django-import-export.

Three things on top of the library: exported text cannot act as a spreadsheet formula (the
platform's one rule, fabtown.spreadsheets), locations travel as plain coordinate columns (WGS84
or the ETRS89 / UTM 32N of Bochum's cadastre), and an import keeps its good rows when some rows
are invalid; the bad ones are listed with their errors.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.gis.geos import Point
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import CharField, TextField
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from fabtown import geo
from fabtown.spreadsheets import neutralise_formula, restore_formula_text


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    return number


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a readable key; an unknown key is a row error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


# Widgets of values that are not text: numbers, dates, booleans the library formats itself.
_NOT_TEXT = (
    widgets.NumberWidget,
    widgets.BooleanWidget,
    widgets.DateWidget,
    widgets.DateTimeWidget,
    widgets.TimeWidget,
    widgets.DurationWidget,
)


class FormulaSafeResource(resources.ModelResource):
    """The base of every resource: its text cells are never live formulas, in any format.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not used: it only
    strips a leading "=" (so "=1+1" becomes "1+1", still a formula to some programs, and
    "+", "-", "@" pass), and it turns every cell into a string, None into "None".
    """

    # Labels of the columns that are no model field (the model's verbose names name the rest).
    # The import preview's table keeps the file's own headers: the library reads each row's
    # values by them (Result.append_invalid_row).
    column_labels: dict = {}

    @classmethod
    def column_label(cls, column_name: str) -> str:
        """The column as staff read it on the import and export pages: the model field's
        verbose name ("Fläche (m²)"), with the column's key, which the file's header keeps
        (stable for round trips, scripts and other languages): "Fläche (m²) (floor_area_m2)"."""
        label = cls.column_labels.get(column_name)
        if label is None:
            field = cls.fields.get(column_name)
            try:
                label = cls._meta.model._meta.get_field(field.attribute or column_name).verbose_name
            except (AttributeError, FieldDoesNotExist):
                return column_name
        return f"{capfirst(label)} ({column_name})"

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, _NOT_TEXT):
            return value
        return neutralise_formula(value)

    def before_import_row(self, row, **kwargs) -> None:
        # A file exported here and edited comes back with the apostrophes: take them off.
        for column, value in row.items():
            row[column] = restore_formula_text(value)
        self._empty_text_as_blank(row)
        super().before_import_row(row, **kwargs)

    def _empty_text_as_blank(self, row) -> None:
        """A spreadsheet's empty cell arrives as None; a text column holds "" (never NULL).
        full_clean lets None pass for fields that may be blank, and the database refused it."""
        model = self._meta.model
        for field in self.get_import_fields():
            try:
                model_field = model._meta.get_field(field.attribute or "")
            except FieldDoesNotExist:
                continue
            text = isinstance(model_field, CharField | TextField) and not model_field.null
            if text and field.column_name in row and row[field.column_name] is None:
                row[field.column_name] = ""

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Each row in its own savepoint, so one refused row leaves the others; the refusal is
        that row's error, naming the rule, never the database's own text: its DETAIL lists
        every value of the row, owner data included."""
        try:
            with transaction.atomic():
                super().save_instance(instance, is_create, row, **kwargs)
        except DatabaseError as error:
            rule = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
            raise ValidationError(
                _("The database refused this row (rule: %(rule)s).") % {"rule": rule or "–"}
            ) from None


# QGIS writes a point as a "WKT" column (CSV export with GEOMETRY=AS_WKT); EWKT may name its
# reference system (SRID=25832;POINT(…)), GeoJSON is read too.
GEOMETRY_COLUMNS = ("wkt", "WKT", "geometry")


class LocationColumnsMixin(FormulaSafeResource):
    """Reads a point from longitude/latitude, easting_25832/northing_25832 or a WKT column."""

    column_labels = {
        "longitude": gettext_lazy("longitude (WGS84)"),
        "latitude": gettext_lazy("latitude (WGS84)"),
    }

    # Numbers formatted here (a western longitude keeps its minus sign).
    longitude = fields.Field(column_name="longitude", readonly=True, widget=widgets.FloatWidget())
    latitude = fields.Field(column_name="latitude", readonly=True, widget=widgets.FloatWidget())

    def dehydrate_longitude(self, obj) -> str:
        return f"{obj.location.x:.6f}" if obj.location else ""

    def dehydrate_latitude(self, obj) -> str:
        return f"{obj.location.y:.6f}" if obj.location else ""

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            location = self._location_from_row(row)
        except ValidationError as error:
            errors["location"] = error.messages
        else:
            if location is not None:
                instance.location = location
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        super().save_instance(instance, is_create, row, **kwargs)
        if hasattr(instance, "is_urban_location") and instance.pk is not None:
            from producers import urban

            urban.recount_one(instance)  # note 13: the point may be new or moved

    def _location_from_row(self, row) -> Point | None:
        text = next((str(row[c]).strip() for c in GEOMETRY_COLUMNS if row.get(c)), "")
        if text:
            return geo.parse_geometry(text, geom_type="POINT")
        lon, lat = _number(row.get("longitude")), _number(row.get("latitude"))
        east, north = _number(row.get("easting_25832")), _number(row.get("northing_25832"))
        if lon is not None or lat is not None:
            if lon is None or lat is None:
                raise ValidationError(_("Give both longitude and latitude."))
            point = Point(float(lon), float(lat), srid=geo.WGS84)
        elif east is not None or north is not None:
            if east is None or north is None:
                raise ValidationError(_("Give both easting_25832 and northing_25832."))
            point = Point(float(east), float(north), srid=geo.CADASTRE_SRID)
        else:
            return None
        return geo.check_geometry(point, geom_type="POINT")


def _column_label(resource, column_name: str) -> str:
    label = getattr(resource, "column_label", None)
    return label(column_name) if label else column_name


class LabelledExportForm(SelectableFieldsExportForm):
    """The export page's column boxes with the columns' names (the library makes "Floor Area
    M2" of the field name)."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return _column_label(resource, field.column_name if field else field_name)


def _labelled_fields_list(context, resource_classes) -> None:
    """The import and export pages' list of the file's columns, as staff read them (the
    library lists one entry per resource class, in their order)."""
    if context and "fields_list" in context:
        context["fields_list"] = [
            (name, [_column_label(resource, column) for column in columns])
            for resource, (name, columns) in zip(
                resource_classes, context["fields_list"], strict=True
            )
        ]


class KeepGoodRowsImportMixin(ImportExportMixin):
    """Offer to import the valid rows even when some rows are invalid.

    django-import-export refuses the whole file when one row is invalid. Staff would rather
    import what is right and fix the rest: the preview lists the invalid rows with their errors,
    and confirming imports only the valid ones (import_data leaves invalid rows out when
    rollback_on_validation_errors is off).
    """

    def has_import_permission(self, request) -> bool:
        # An import creates and changes records: whoever may do both. (The library lets in
        # every staff member unless told otherwise, read-only staff included.)
        return self.has_add_permission(request) and self.has_change_permission(request)

    export_form_class = LabelledExportForm

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        _labelled_fields_list(context, self.get_export_resource_classes(request))
        return context

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        _labelled_fields_list(context, self.get_import_resource_classes(request))
        result = context.get("result") if context else None
        if (
            result is not None
            and "confirm_form" not in context
            and not result.has_errors()
            and result.has_validation_errors()
            and result.valid_rows()
        ):
            context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmed import: a file of more than IMPORT_IN_BACKGROUND_ROWS rows becomes an
        ImportRun done by the worker, and the user is sent to its page (fabtown.import_runs);
        smaller files are imported here, as the library does."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)
        from fabtown.import_runs import FORMATS, format_name, import_run_start

        input_format = self.get_import_formats()[int(confirm_form.cleaned_data["format"])](
            encoding=self.from_encoding
        )
        tmp_storage = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        data = tmp_storage.read()
        file_format = format_name(input_format)
        if (
            file_format not in FORMATS
            or input_format.create_dataset(data).height <= settings.IMPORT_IN_BACKGROUND_ROWS
        ):
            return super().process_import(request, **kwargs)  # reads the small file again
        resource = self.choose_import_resource_class(confirm_form, request)
        run = import_run_start(
            model=self.model,
            resource=f"{resource.__module__}.{resource.__qualname__}",
            data=data,
            file_name=confirm_form.cleaned_data.get("original_file_name") or "",
            file_format=file_format,
            started_by=request.user,
        )
        tmp_storage.remove()
        messages.info(
            request,
            _("The file has %(rows)s rows: it is imported in the background. You may leave this "
              "page and come back to it under “Import runs”.") % {"rows": run.rows_total},
        )  # fmt: skip
        return HttpResponseRedirect(reverse("admin:fabtown_importrun_change", args=[run.pk]))

    def process_result(self, result, request):
        for row in result.invalid_rows:
            problems = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in row.error_dict.items()
            )
            messages.warning(
                request,
                _("Row %(number)s was not imported: %(problems)s")
                % {"number": row.number, "problems": problems},
            )
        return super().process_result(result, request)
