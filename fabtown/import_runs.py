"""Long spreadsheet imports off the request path: an ImportRun, worked off in chunks.

The worker (fabtown.tasks.process_import_run) and `manage.py import_records` run the same
service: the file is read with the admin's Resource class and imported chunk by chunk with
`import_data` and the admin's options (fabtown.importing.KeepGoodRowsImportMixin), so the models
and resources stay the one rule of what a valid row is: valid rows are imported, invalid ones
reported with their errors.

Each chunk is one transaction together with the run's progress: after a crash or a retry the
run goes on after the last chunk that committed, and no row is imported twice (a site's rows
have no import key but its id, so a chunk imported twice would create its new sites twice).
"""

import logging
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.results import RowResult
from tablib import Dataset

from fabtown.models import ImportRun, ImportRunStatus

logger = logging.getLogger(__name__)

# The formats the admin offers (settings.IMPORT_FORMATS), by the name the command line uses.
FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX, "tsv": base_formats.TSV}
# As the admin reads text files (ImportMixin.from_encoding): a byte order mark is dropped.
TEXT_ENCODING = "utf-8-sig"
# Enough to find the rows to fix; a file with more invalid rows is counted in full.
MAX_REPORTED_ROWS = 1000


class ImportRunFailed(Exception):
    """The file cannot be imported at all (not readable, a row raised an error)."""


def format_name(input_format) -> str:
    return input_format.get_title() if hasattr(input_format, "get_title") else str(input_format)


def read_dataset(*, data: bytes | str, file_format: str) -> Dataset:
    input_format = FORMATS[file_format](encoding=TEXT_ENCODING)
    if isinstance(data, str) and input_format.is_binary():
        raise ImportRunFailed(_("The file is not a %(format)s file.") % {"format": file_format})
    try:
        return input_format.create_dataset(data)
    except Exception as error:  # tablib raises what its readers raise
        raise ImportRunFailed(
            _("The file could not be read as %(format)s (%(error)s).")
            % {"format": file_format, "error": type(error).__name__}
        ) from None


def resource_for_model(model) -> str:
    """The dotted path of the first resource the model's admin imports with."""
    from django.contrib import admin

    model_admin = admin.site._registry.get(model)
    classes = getattr(model_admin, "resource_classes", None) if model_admin else None
    if not classes:
        raise LookupError(f"{model._meta.label} has no spreadsheet import.")
    return f"{classes[0].__module__}.{classes[0].__qualname__}"


@transaction.atomic
def import_run_create(
    *, model, resource: str, data: bytes | str, file_name: str, file_format: str, started_by=None
) -> ImportRun:
    """A waiting run with its file in the private storage (rows counted, nothing imported)."""
    if file_format not in FORMATS:
        raise ImportRunFailed(_("Unknown format: %(format)s") % {"format": file_format})
    dataset = read_dataset(data=data, file_format=file_format)
    content = data.encode() if isinstance(data, str) else data
    run = ImportRun(
        model_label=model._meta.label,
        resource=resource,
        file_name=file_name[:255],
        format=file_format,
        started_by=started_by,
        rows_total=dataset.height,
    )
    # The stored name is the storage's own; the uploaded name may say whose data it holds.
    run.file.save(f"import.{file_format}", ContentFile(content), save=False)
    try:
        run.save()
    except BaseException:
        run.file.delete(save=False)
        raise
    return run


def import_run_start(**kwargs) -> ImportRun:
    """Create a run and defer its job in the same transaction: it exists with its job or not
    at all."""
    from fabtown.tasks import defer_import_run

    with transaction.atomic():
        run = import_run_create(**kwargs)
        defer_import_run(run_id=run.pk)
    return run


def import_run_process(
    *,
    run_id: int,
    chunk_rows: int | None = None,
    give_up_on_error: bool = True,
    on_progress: Callable[[ImportRun], None] | None = None,
) -> ImportRun:
    """Import what is left of the run, one chunk (one transaction) after another.

    An error that may pass (the database went away) is raised for the task's retry, unless
    `give_up_on_error`; a file that cannot be imported ends the run as failed at once.
    """
    chunk_rows = chunk_rows or settings.IMPORT_CHUNK_ROWS
    run = ImportRun.objects.get(pk=run_id)
    if run.is_finished:
        return run
    try:
        processor = import_string(run.resource)
    except ImportError:
        processor = None  # reported as failed below
    if hasattr(processor, "process_run"):
        # a reader of its own (GIS files: vacancies.services.gis.SiteGisRun), same run and task
        return processor.process_run(
            run_id=run.pk,
            chunk_rows=chunk_rows,
            give_up_on_error=give_up_on_error,
            on_progress=on_progress,
        )
    try:
        if not run.file:
            raise ImportRunFailed(_("The file of this import is gone."))
        with run.file.open("rb") as stored:
            data = stored.read()
        dataset = read_dataset(data=data, file_format=run.format)
        resource_class = import_string(run.resource)
        model = apps.get_model(run.model_label)
        if resource_class._meta.model is not model:
            raise ImportRunFailed(_("The resource does not import these records."))
        ImportRun.objects.filter(pk=run.pk, started_at=None).update(started_at=timezone.now())
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRunStatus.RUNNING)
        run.refresh_from_db()
        while not run.is_finished:
            run = _import_next_chunk(
                run_id=run.pk, dataset=dataset, resource_class=resource_class, size=chunk_rows
            )
            if on_progress:
                on_progress(run)
    except ImportRunFailed as error:
        return _finish(run_id=run.pk, status=ImportRunStatus.FAILED, error=str(error))
    except Exception as error:
        logger.warning("Import run %s stopped: %s", run.pk, type(error).__name__)
        if not give_up_on_error:
            raise
        return _finish(
            run_id=run.pk,
            status=ImportRunStatus.FAILED,
            error=_("The import stopped (%(error)s).") % {"error": type(error).__name__},
        )
    return run


def _import_next_chunk(*, run_id: int, dataset: Dataset, resource_class, size: int) -> ImportRun:
    with transaction.atomic():
        # Locked: a second worker on the same run waits and then goes on after this chunk.
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.is_finished:
            return run
        start = run.rows_done
        rows = dataset[start : start + size]
        if rows:
            chunk = Dataset(*rows, headers=dataset.headers)
            result = resource_class().import_data(
                chunk,
                dry_run=False,
                file_name=run.file_name,
                user=run.started_by,
                retain_instance_in_row_result=True,
            )
            if result.has_errors():
                # A row raised an exception (a fault, not an invalid value): the chunk rolls
                # back, and the run ends rather than import around a fault.
                numbers = ", ".join(str(start + row.number) for row in result.error_rows[:10])
                raise ImportRunFailed(
                    _("Rows could not be imported because of an error: %(rows)s")
                    % {"rows": numbers or "–"}
                )
            _record_chunk(run=run, result=result, start=start, size=len(rows))
        if run.rows_done >= run.rows_total or not rows:
            run.status = ImportRunStatus.DONE
        run.save()
    if run.is_finished:
        return _finish(run_id=run.pk, status=run.status)
    return run


def _record_chunk(*, run: ImportRun, result, start: int, size: int) -> None:
    totals = result.totals
    run.new += totals[RowResult.IMPORT_TYPE_NEW]
    run.updated += totals[RowResult.IMPORT_TYPE_UPDATE]
    run.skipped += totals[RowResult.IMPORT_TYPE_SKIP]
    run.invalid += len(result.invalid_rows)
    room = MAX_REPORTED_ROWS - len(run.invalid_rows)
    run.invalid_rows = run.invalid_rows + [
        {
            "row": start + row.number,
            "errors": {field: [str(e) for e in errors] for field, errors in row.error_dict.items()},
        }
        for row in result.invalid_rows[: max(room, 0)]
    ]
    run.rows_done = start + size


def _finish(*, run_id: int, status: str, error: str = "") -> ImportRun:
    """The run's end: its file (perhaps personal data) is deleted."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        run.status = status
        run.error = error[:500]
        run.finished_at = run.finished_at or timezone.now()
        name = run.file.name
        run.file = ""
        run.save()
    if name:
        run.file.storage.delete(name)
    return run


# --- Reads -------------------------------------------------------------------------------------


def import_run_progress(run: ImportRun) -> dict:
    """What the run's page polls (fabtown/import-run.js)."""
    return {
        "status": run.status,
        "status_display": run.get_status_display(),
        "finished": run.is_finished,
        "rows_total": run.rows_total,
        "rows_done": run.rows_done,
        "progress": progress_text(run),
        "new": run.new,
        "updated": run.updated,
        "skipped": run.skipped,
        "invalid": run.invalid,
    }


def progress_text(run: ImportRun) -> str:
    return _("%(done)s of %(total)s rows") % {"done": run.rows_done, "total": run.rows_total}
