"""The Site changelist's "Export to GIS" and "Import from GIS" (vacancies.services.gis).

Export: format and reference system chosen by staff who may view sites; owner columns only for
who may see owner data, and then recorded. Import: upload (a Shapefile as a .zip of its files),
field mapping and reference system, a dry run of the first rows as preview, then a background
ImportRun (fabtown.import_runs) whose page shows the progress bar (fabtown/import-run.js).
"""

import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabtown import gis_io
from fabtown.models import ImportRun, ImportRunStatus
from vacancies.models import OwnerDataExport
from vacancies.services import gis

FORMAT_CHOICES = [
    ("gpkg", "GeoPackage (.gpkg)"),
    ("shp", gettext_lazy("Shapefile (.zip)")),
    ("geojson", "GeoJSON (.geojson)"),
    ("csv", "CSV (.csv)"),
    ("xlsx", "Excel (.xlsx)"),
]
SRID_CHOICES = [
    ("", gettext_lazy("the format's default (GeoPackage, Shapefile: 25832; others: 4326)")),
    ("25832", gettext_lazy("ETRS89 / UTM 32N (EPSG:25832), the city's ALKIS")),
    ("4326", gettext_lazy("WGS84 (EPSG:4326)")),
]
CONTENT_TYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class GisExportForm(forms.Form):
    file_format = forms.ChoiceField(label=gettext_lazy("format"), choices=FORMAT_CHOICES)
    srid = forms.TypedChoiceField(
        label=gettext_lazy("coordinate reference system"),
        choices=SRID_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    with_owner_data = forms.BooleanField(
        label=gettext_lazy("with owner data (the export is recorded)"), required=False
    )


class GisImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("GeoPackage, GeoJSON, CSV, XLSX, or a Shapefile as a .zip."),
    )
    srid = forms.TypedChoiceField(
        label=gettext_lazy("coordinate reference system of a file that names none"),
        choices=SRID_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    mapping = forms.CharField(
        label=gettext_lazy("field mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One FIELD=column per line: the file's field and our column, e.g. OBJID=ext_id."
        ),
    )

    def clean_mapping(self) -> dict[str, str]:
        lines = [line for line in self.cleaned_data["mapping"].splitlines() if line.strip()]
        try:
            return gis.parse_mapping(lines)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class GisAdminMixin:
    """For SiteAdmin: the two GIS doors beside the spreadsheet import and export."""

    # django-import-export uses this as the changelist (its own extends admin/change_list.html)
    import_export_change_list_template = "admin/vacancies/site/change_list_gis.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("gis-export/", view(self.gis_export_view), name="vacancies_site_gis_export"),
            path("gis-import/", view(self.gis_import_view), name="vacancies_site_gis_import"),
            path(
                "gis-import/<int:run_id>/start/",
                view(self.gis_import_start_view),
                name="vacancies_site_gis_import_start",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_gis_export_permission": self.has_view_permission(request),
            "has_gis_import_permission": self.has_add_permission(request)
            and self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    # --- Export --------------------------------------------------------------------------------

    def gis_export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_see_owner_data = gis.may_see_owner_data(request.user)
        form = GisExportForm(request.POST or None)
        if not may_see_owner_data:
            del form.fields["with_owner_data"]
        if request.method == "POST" and form.is_valid():
            return self._export_response(request, form.cleaned_data)
        return TemplateResponse(
            request,
            "admin/vacancies/site/gis_export.html",
            self._context(request, _("Export to GIS"), form=form),
        )

    def _export_response(self, request, data: dict):
        file_format = data["file_format"]
        with_owner_data = bool(data.get("with_owner_data"))
        tmp = Path(tempfile.mkdtemp(prefix="fabtown-gis-export-"))
        suffix = "shp" if file_format == "shp" else file_format
        target = tmp / f"sites.{suffix}"
        gis.sites_export(
            path=target,
            srid=data["srid"],
            by=request.user,
            with_owner_data=with_owner_data,
            door="admin",
        )
        if file_format == "shp":
            archive = tmp / "sites-shapefile.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
                for part in sorted(tmp.glob("sites.*")):
                    out.write(part, part.name)
            target = archive
        content = target.read_bytes()
        for part in tmp.iterdir():
            part.unlink()
        tmp.rmdir()
        response = FileResponse(
            iter([content]), content_type=CONTENT_TYPES[file_format], as_attachment=True
        )
        response["Content-Disposition"] = f'attachment; filename="{target.name}"'
        response["Cache-Control"] = "no-store"
        return response

    # --- Import --------------------------------------------------------------------------------

    def _may_import(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def gis_import_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        form = GisImportForm(request.POST or None, request.FILES or None)
        context = {"form": form, "columns": gis.export_columns(with_owner_data=True)}
        if request.method == "POST" and form.is_valid():
            try:
                run = self._upload_run(request, form.cleaned_data)
            except (gis_io.GisFileError, PermissionDenied) as error:
                form.add_error("file", str(error))
            else:
                limit = settings.IMPORT_IN_BACKGROUND_ROWS
                context.update(
                    run=run,
                    preview=gis.gis_run_preview(run=run, limit=limit),
                    preview_rows=min(limit, run.rows_total),
                )
        return TemplateResponse(
            request,
            "admin/vacancies/site/gis_import.html",
            self._context(request, _("Import from GIS"), **context),
        )

    def _upload_run(self, request, data: dict) -> ImportRun:
        upload = data["file"]
        name = Path(upload.name).name
        with tempfile.TemporaryDirectory(prefix="fabtown-gis-import-") as tmp:
            if name.lower().endswith(".zip"):
                target = _unpack_shapefile(upload, Path(tmp))
            else:
                gis_io.format_of(name)  # refuses other file types before writing anything
                target = Path(tmp) / f"upload{Path(name).suffix.lower()}"
                with open(target, "wb") as out:
                    for piece in upload.chunks():
                        out.write(piece)
            source = gis_io.read(target, srid=data["srid"], mapping=data["mapping"])
            return gis.gis_run_create(source=source, file_name=name, by=request.user)

    def gis_import_start_view(self, request, run_id: int):
        if request.method != "POST" or not self._may_import(request):
            raise PermissionDenied
        run = get_object_or_404(
            ImportRun, pk=run_id, resource=gis.SiteGisRun.path(), status=ImportRunStatus.WAITING
        )
        if run.started_by_id != request.user.pk:
            raise PermissionDenied
        if "cancel" in request.POST:
            from fabtown.import_runs import _finish

            _finish(run_id=run.pk, status=ImportRunStatus.FAILED, error=_("Cancelled."))
            return HttpResponseRedirect(reverse("admin:vacancies_site_changelist"))
        gis.gis_run_start(run=run)
        messages.info(request, _("The import runs in the background."))
        return HttpResponseRedirect(reverse("admin:fabtown_importrun_change", args=[run.pk]))


def _unpack_shapefile(upload, folder: Path) -> Path:
    """The .shp of a zipped Shapefile; only its own files are taken out (no paths)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            for member in archive.infolist():
                member_name = Path(member.filename).name
                if Path(member_name).suffix.lower() in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    (folder / member_name).write_bytes(archive.read(member))
    except zipfile.BadZipFile:
        raise gis_io.GisFileError(_("The .zip file cannot be read.")) from None
    shapes = sorted(folder.glob("*.shp"))
    if not shapes:
        raise gis_io.GisFileError(_("The .zip file holds no Shapefile (.shp)."))
    return shapes[0]


@admin.register(OwnerDataExport)
class OwnerDataExportAdmin(admin.ModelAdmin):
    """The record of exports with owner data: read only, written by sites_export alone."""

    list_display = ["exported_at", "exported_by", "records", "file_format", "door"]
    list_filter = ["door", "file_format"]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
