"""GIS import and export of sites (issue 11): GeoPackage, Shapefile, GeoJSON, CSV, XLSX.

One set of columns for every format, each name at most 10 characters (the Shapefile's limit),
so that an export imports back unchanged: `export_sites` writes them, `import_sites` reads
them (and the office's own layers through a field mapping, `--map ALKIS_FIELD=column`).

Import rules:
- A row matches a site by `ext_id` (the record's id in the office's GIS), else by `site_id`
  (our id, which exports always write), else it creates a site. A `site_id` that names no
  site is refused rather than turned into a new site: imported again, it would create one more.
- Every row is validated and saved through vacancies.services.site_save (full_clean; a status
  change goes through the status history). Each row has its own savepoint: a refused row is
  reported with its number and the reasons by column, the good rows are kept.
- Only the columns the file has are written; a row that changes nothing is not saved (no
  history noise). Coordinates equal within a centimetre are the same place.
- Owner columns (owner, owner_ct, notes) only for a user with vacancies.view_owner_data, in
  either direction; every export with them is recorded (OwnerDataExport) and logged, without
  the data.
"""

import datetime
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from fabtown import geo, gis_io
from producers.models import ProductionForm
from vacancies.models import OwnerDataExport, Site, SiteStatus
from vacancies.services import site_save

logger = logging.getLogger("vacancies.gis")

ID_COLUMN = "site_id"
GEOMETRY_COLUMN = "geometry"
FORMS_COLUMN = "forms"
# Coordinates this close (in degrees: about a centimetre) are the same place.
SAME_PLACE_DEGREES = 1e-7
CHUNK_ROWS = 500


@dataclass(frozen=True)
class Column:
    name: str  # at most 10 characters: the Shapefile's limit
    field: str
    kind: str  # text, bool, decimal, int, date


COLUMNS = [
    Column("ext_id", "external_id", "text"),
    Column("name", "name", "text"),
    Column("kind", "kind", "text"),
    Column("status", "status", "text"),
    Column("published", "is_published", "bool"),
    Column("descr", "description", "text"),
    Column("street", "street", "text"),
    Column("postcode", "postcode", "text"),
    Column("city", "city", "text"),
    Column("approx", "location_is_approximate", "bool"),
    Column("area_m2", "floor_area_m2", "decimal"),
    Column("ground_fl", "is_ground_floor", "bool"),
    Column("shop_win", "has_shop_window", "bool"),
    Column("equipment", "equipment", "text"),
    Column("rent_eur", "rent_eur_per_month", "decimal"),
    Column("rent_pub", "rent_is_public", "bool"),
    Column("avail_from", "available_from", "date"),
    Column("verified", "last_verified", "date"),
    Column("interval_d", "verification_interval_days", "int"),
    Column("source", "source", "text"),
]
OWNER_COLUMNS = [
    Column("owner", "owner_name", "text"),
    Column("owner_ct", "owner_contact", "text"),
    Column("notes", "internal_notes", "text"),
]
_BY_NAME = {c.name: c for c in [*COLUMNS, *OWNER_COLUMNS]}
_BY_FIELD = {c.field: c.name for c in [*COLUMNS, *OWNER_COLUMNS]}
_BY_FIELD.update(location=GEOMETRY_COLUMN, footprint=GEOMETRY_COLUMN, suitable_forms=FORMS_COLUMN)

_TRUE = {"true", "1", "yes", "ja", "y", "j", "wahr", "x"}
_FALSE = {"false", "0", "no", "nein", "n", "falsch", ""}


def export_columns(*, with_owner_data: bool) -> list[str]:
    return [ID_COLUMN, *(c.name for c in COLUMNS), FORMS_COLUMN] + (
        [c.name for c in OWNER_COLUMNS] if with_owner_data else []
    )


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """`ALKIS_FIELD=column` pairs (the command's --map, the admin's mapping field)."""
    mapping = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(_("Give a mapping as FIELD=column, e.g. OBJID=ext_id."))
        mapping[source.strip()] = target.strip()
    return mapping


def may_see_owner_data(user: AbstractBaseUser | None) -> bool:
    return user is not None and user.is_active and user.has_perm(Site.PRIVATE_PERMISSION)


# --- Export ------------------------------------------------------------------------------------


def sites_export(
    *,
    path: str | Path,
    srid: int | None = None,
    by: AbstractBaseUser | None = None,
    with_owner_data: bool = False,
    door: str = "command",
    queryset=None,
) -> int:
    """Write the sites (all, or `queryset`) to `path`; returns how many. Two queries whatever
    the number of sites: the sites with their points in `srid`, and their forms."""
    file_format = gis_io.format_of(path)
    srid = srid or gis_io.DEFAULT_SRID[file_format]
    if srid not in geo.ACCEPTED_SRIDS:
        raise gis_io.GisFileError(_("Export in EPSG:4326 or EPSG:25832."))
    if with_owner_data and not may_see_owner_data(by):
        raise PermissionDenied(_("Only users who may see owners' data export it."))
    columns = export_columns(with_owner_data=with_owner_data)
    queryset = (queryset if queryset is not None else Site.objects.all()).order_by("pk")
    sites = list(
        queryset.annotate(point_out=Transform("location", srid)).prefetch_related("suitable_forms")
    )
    rows = ((_export_values(site, with_owner_data), site.point_out) for site in sites)
    text = [c.name for c in [*COLUMNS, *OWNER_COLUMNS] if c.kind == "text"] + [FORMS_COLUMN]
    count = gis_io.write(path, columns=columns, rows=rows, srid=srid, text_columns=text)
    if with_owner_data:
        OwnerDataExport.objects.create(
            exported_by=by, records=count, file_format=file_format, door=door
        )
        # who, when (the log line's time) and how many: never the data
        logger.info(
            "Owner data of %s sites exported as %s by user %s (%s).",
            count,
            file_format,
            by.pk,
            door,
        )
    return count


def _export_values(site: Site, with_owner_data: bool) -> dict:
    values = {ID_COLUMN: site.pk}
    for column in COLUMNS + (OWNER_COLUMNS if with_owner_data else []):
        values[column.name] = getattr(site, column.field)
    values[FORMS_COLUMN] = ",".join(sorted(f.code for f in site.suitable_forms.all()))
    return values


# --- Import ------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # [{"row": 3, "errors": {"area_m2": ["…"]}}]: numbers and reasons, never the row's values
    errors: list[dict] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def check_columns(columns: Iterable[str], *, by: AbstractBaseUser | None) -> None:
    """Refuse a file with owner columns from a user who may not see owner data."""
    owner = {c.name for c in OWNER_COLUMNS} & set(columns)
    if owner and not may_see_owner_data(by):
        raise PermissionDenied(
            _("The file has owner columns (%(columns)s): only users who may see owners' data "
              "import them.") % {"columns": ", ".join(sorted(owner))}
        )  # fmt: skip


def sites_import(
    *,
    path: str | Path,
    srid: int | None = None,
    mapping: dict[str, str] | None = None,
    by: AbstractBaseUser | None = None,
    dry_run: bool = False,
    limit: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import the file's rows; a dry run validates everything and saves nothing."""
    source = gis_io.read(path, srid=srid, mapping=mapping)
    check_columns(source.columns, by=by)
    summary = ImportSummary()
    total = min(source.count, limit) if limit else source.count
    importer = SiteRowImporter(by=by)
    with transaction.atomic():
        chunk: list[gis_io.Record] = []
        done = 0
        for record in source.records:
            if limit and record.number > limit:
                break
            chunk.append(record)
            if len(chunk) >= CHUNK_ROWS:
                importer.import_chunk(chunk, summary)
                done += len(chunk)
                chunk = []
                if on_progress:
                    on_progress(done, total)
        if chunk:
            importer.import_chunk(chunk, summary)
            if on_progress:
                on_progress(done + len(chunk), total)
        if dry_run:
            transaction.set_rollback(True)
    return summary


class SiteRowImporter:
    """Applies records to sites, one savepoint per record."""

    def __init__(self, *, by: AbstractBaseUser | None):
        self.by = by
        self.may_write_owner_data = may_see_owner_data(by)
        self.forms = {f.code: f for f in ProductionForm.objects.all()}

    def import_chunk(self, records: list[gis_io.Record], summary: ImportSummary) -> None:
        by_external, by_id = self._existing(records)
        for record in records:
            try:
                with transaction.atomic():
                    outcome, site = self.import_record(record, by_external, by_id)
            except ValidationError as error:
                summary.add("rejected")
                summary.errors.append({"row": record.number, "errors": _errors_by_column(error)})
                continue
            except DatabaseError as error:
                # the database's own text lists every value of the row, owner data included
                rule = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
                summary.add("rejected")
                message = _("The database refused this row (rule: %(rule)s).") % {
                    "rule": rule or "–"
                }
                summary.errors.append({"row": record.number, "errors": {"row": [message]}})
                continue
            summary.add(outcome)
            if site.external_id:
                by_external[site.external_id] = site
            by_id[site.pk] = site

    def _existing(self, records) -> tuple[dict, dict]:
        external_ids = {str(v).strip() for r in records if (v := r.values.get("ext_id"))}
        ids = {_int(r.values.get(ID_COLUMN)) for r in records if r.values.get(ID_COLUMN)}
        ids.discard(None)
        sites = Site.objects.none()
        if external_ids or ids:
            from django.db.models import Q

            sites = Site.objects.filter(Q(external_id__in=external_ids) | Q(pk__in=ids))
        found = list(sites.prefetch_related("suitable_forms"))
        return {s.external_id: s for s in found if s.external_id}, {s.pk: s for s in found}

    def import_record(self, record: gis_io.Record, by_external: dict, by_id: dict):
        values = record.values
        external_id = _text(values.get("ext_id")).strip()
        site_id = values.get(ID_COLUMN)
        site = by_external.get(external_id) if external_id else None
        if site is None and site_id not in (None, ""):
            pk = _int(site_id)
            site = by_id.get(pk)
            if site is None:
                raise ValidationError(
                    {"site_id": _("There is no site with id %(id)s; leave site_id empty to "
                                  "create one.") % {"id": site_id}}
                )  # fmt: skip
        is_new = site is None
        if is_new:
            site = Site()
        changed, status, forms = self._apply(site, record, is_new=is_new)
        if not is_new and not changed and status is None and forms is None:
            return "unchanged", site
        site._change_reason = _("GIS import")
        # The constraints are the database's: checked on the write, in this row's savepoint,
        # a refusal names the rule (import_chunk). Asking for them first cost 12 queries a row.
        site_save(
            site=site,
            by=self.by,
            status=status,
            suitable_forms=forms,
            validate_constraints=False,
        )
        return ("created" if is_new else "updated"), site

    def _apply(self, site: Site, record: gis_io.Record, *, is_new: bool):
        """Set what the record says on `site`; returns (fields changed, new status or None,
        new forms or None). Raises ValidationError with every problem of the row."""
        errors: dict[str, list] = {}
        changed: list[str] = []
        status = None
        forms = None
        for name, raw in record.values.items():
            column = _BY_NAME.get(name)
            if column is None:
                if name == FORMS_COLUMN:
                    try:
                        forms = self._forms(raw, site, is_new)
                    except ValidationError as error:
                        errors[FORMS_COLUMN] = error.messages
                continue  # site_id and columns we do not know
            if column in OWNER_COLUMNS and not self.may_write_owner_data:
                continue  # checked for the file already; never written without the permission
            try:
                value = _parse(raw, column, site)
            except ValidationError as error:
                errors[column.name] = error.messages
                continue
            if column.field == "status":
                if value not in SiteStatus.values:
                    errors[column.name] = [
                        _("Unknown status “%(value)s”: use one of %(choices)s.")
                        % {"value": value, "choices": ", ".join(SiteStatus.values)}
                    ]
                elif is_new or value != site.status:
                    status = value
                continue
            if is_new or getattr(site, column.field) != value:
                setattr(site, column.field, value)
                changed.append(column.field)
        if record.geometry_error is not None:
            errors[GEOMETRY_COLUMN] = record.geometry_error.messages
        elif record.geometry is not None:
            try:
                changed += self._place(site, record.geometry)
            except ValidationError as error:
                errors[GEOMETRY_COLUMN] = error.messages
        if errors:
            raise ValidationError(errors)
        return changed, status, forms

    def _forms(self, raw, site: Site, is_new: bool):
        codes = {c.strip() for c in re.split(r"[,;]", _text(raw)) if c.strip()}
        unknown = sorted(codes - set(self.forms))
        if unknown:
            raise ValidationError(
                _("Unknown form of urban production: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        if not is_new and codes == {f.code for f in site.suitable_forms.all()}:
            return None
        if is_new and not codes:
            return None
        return [self.forms[c] for c in sorted(codes)]

    def _place(self, site: Site, geometry: GEOSGeometry) -> list[str]:
        checked = geo.check_geometry(geometry)  # in WGS84, or the reason it is refused
        if checked.geom_type == "MultiPolygon" and len(checked) == 1:
            checked = checked[0]
        if checked.geom_type == "Polygon":
            # a building outline (ALKIS): the footprint, and a point inside it
            point = checked.point_on_surface
            point.srid = geo.WGS84
            changed = []
            if site.footprint is None or not site.footprint.equals_exact(
                checked, SAME_PLACE_DEGREES
            ):
                site.footprint = checked
                changed.append("footprint")
            return changed + self._set_location(site, point)
        if checked.geom_type != "Point":
            raise ValidationError(
                geo.MESSAGES["type"], params={"expected": "Point", "actual": checked.geom_type}
            )
        return self._set_location(site, checked)

    def _set_location(self, site: Site, point: GEOSGeometry) -> list[str]:
        if site.location is not None and site.location.equals_exact(point, SAME_PLACE_DEGREES):
            return []
        site.location = point
        return ["location"]


def _errors_by_column(error: ValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {"row": error.messages}
    result: dict[str, list[str]] = {}
    for name, errors in error.message_dict.items():
        column = "row" if name == NON_FIELD_ERRORS else _BY_FIELD.get(name, name)
        result.setdefault(column, []).extend(errors)
    return result


# --- Values ------------------------------------------------------------------------------------


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a postcode a spreadsheet took for a number
    return str(raw)


def _int(raw) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        number = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": raw}) from None
    if not number.is_integer():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": raw})
    return int(number)


def _parse(raw, column: Column, site: Site):
    from fabtown.spreadsheets import restore_formula_text

    if column.kind == "text":
        return restore_formula_text(_text(raw))
    if column.kind == "int":
        return _int(raw)
    if column.kind == "bool":
        nullable = Site._meta.get_field(column.field).null
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float):
            return bool(raw)
        text = _text(raw).strip().lower()
        if text == "" and nullable:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(_("“%(value)s” is neither yes nor no.") % {"value": raw})
    if column.kind == "decimal":
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        places = Site._meta.get_field(column.field).decimal_places
        if isinstance(raw, float):
            # a GIS stores binary floats: 85.3 may come back as 85.29999999999999
            rounded = round(raw, places)
            raw = rounded if abs(raw - rounded) < 1e-6 else raw
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw})
        return number
    if column.kind == "date":
        if raw is None or raw == "":
            return None
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        text = str(raw).strip()
        for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(text[:10], pattern).date()
            except ValueError:
                continue
        raise ValidationError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw})
    raise AssertionError(column.kind)


# --- Admin uploads: the file read once, its rows kept for the background run -----------------


def records_to_json(source: gis_io.Source) -> bytes:
    """The rows of an uploaded file, read with its mapping and reference system, as the
    background run (vacancies.services.gis.SiteGisRun) reads them again."""

    def plain(value):
        if isinstance(value, datetime.date | Decimal):
            return str(value)
        return value

    records = [
        {
            "n": r.number,
            "v": {k: plain(v) for k, v in r.values.items()},
            # (E)WKB, not WKT: GEOS aborts writing WKT of absurd coordinates
            "g": r.geometry.hexewkb.decode() if r.geometry is not None else None,
            "e": r.geometry_error.messages if r.geometry_error is not None else None,
        }
        for r in source.records
    ]
    return json.dumps({"columns": source.columns, "records": records}).encode()


def records_from_json(data: bytes) -> tuple[list[str], list[gis_io.Record]]:
    content = json.loads(data)
    records = [
        gis_io.Record(
            number=r["n"],
            values=r["v"],
            geometry=GEOSGeometry(r["g"]) if r["g"] else None,
            geometry_error=ValidationError(r["e"]) if r["e"] else None,
        )
        for r in content["records"]
    ]
    return content["columns"], records


class SiteGisRun:
    """The background run of an admin's GIS import (an ImportRun of format "gis", its file the
    rows as records_to_json wrote them): fabtown.import_runs.import_run_process hands such runs
    here. Chunk by chunk, each one transaction with the run's progress, as spreadsheet runs."""

    FORMAT = "gis"

    @classmethod
    def path(cls) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"

    @classmethod
    def process_run(
        cls, *, run_id: int, chunk_rows: int, give_up_on_error: bool = True, on_progress=None
    ):
        from django.utils import timezone

        from fabtown.import_runs import ImportRunFailed, _finish
        from fabtown.models import ImportRun, ImportRunStatus

        run = ImportRun.objects.get(pk=run_id)
        try:
            if not run.file:
                raise ImportRunFailed(_("The file of this import is gone."))
            with run.file.open("rb") as stored:
                columns, records = records_from_json(stored.read())
            try:
                check_columns(columns, by=run.started_by)
            except PermissionDenied as error:
                raise ImportRunFailed(str(error)) from None
            ImportRun.objects.filter(pk=run.pk, started_at=None).update(started_at=timezone.now())
            ImportRun.objects.filter(pk=run.pk).update(status=ImportRunStatus.RUNNING)
            run.refresh_from_db()
            importer = SiteRowImporter(by=run.started_by)
            while not run.is_finished:
                with transaction.atomic():
                    run = ImportRun.objects.select_for_update().get(pk=run_id)
                    chunk = records[run.rows_done : run.rows_done + chunk_rows]
                    if chunk:
                        summary = ImportSummary()
                        importer.import_chunk(chunk, summary)
                        run.new += summary.created
                        run.updated += summary.updated
                        run.skipped += summary.unchanged
                        run.invalid += summary.rejected
                        room = max(1000 - len(run.invalid_rows), 0)
                        run.invalid_rows = run.invalid_rows + summary.errors[:room]
                        run.rows_done += len(chunk)
                    if run.rows_done >= run.rows_total or not chunk:
                        run.status = ImportRunStatus.DONE
                    run.save()
                if on_progress:
                    on_progress(run)
            return _finish(run_id=run.pk, status=run.status)
        except ImportRunFailed as error:
            return _finish(run_id=run.pk, status=ImportRunStatus.FAILED, error=str(error))
        except Exception as error:
            logger.warning("GIS import run %s stopped: %s", run.pk, type(error).__name__)
            if not give_up_on_error:
                raise
            return _finish(
                run_id=run.pk,
                status=ImportRunStatus.FAILED,
                error=_("The import stopped (%(error)s).") % {"error": type(error).__name__},
            )


def gis_run_create(*, source: gis_io.Source, file_name: str, by: AbstractBaseUser) -> "ImportRun":  # noqa: F821
    """A waiting run with the file's rows in the private storage; started by gis_run_start."""
    from django.core.files.base import ContentFile

    from fabtown.models import ImportRun

    check_columns(source.columns, by=by)
    content = records_to_json(source)
    run = ImportRun(
        model_label=Site._meta.label,
        resource=SiteGisRun.path(),
        file_name=file_name[:255],
        format=SiteGisRun.FORMAT,
        started_by=by,
        rows_total=source.count,
    )
    run.file.save("import.json", ContentFile(content), save=False)
    run.save()
    return run


def gis_run_preview(*, run, limit: int) -> ImportSummary:
    """A dry run of the first `limit` rows of a waiting run: what the import would do."""
    with run.file.open("rb") as stored:
        _columns, records = records_from_json(stored.read())
    summary = ImportSummary()
    with transaction.atomic():
        importer = SiteRowImporter(by=run.started_by)
        for start in range(0, min(len(records), limit), CHUNK_ROWS):
            importer.import_chunk(records[start : min(start + CHUNK_ROWS, limit)], summary)
        transaction.set_rollback(True)
    return summary


def gis_run_start(*, run) -> None:
    from fabtown.tasks import defer_import_run

    with transaction.atomic():
        defer_import_run(run_id=run.pk)
