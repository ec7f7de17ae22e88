from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from fabtown.import_runs import (
    FORMATS,
    ImportRunFailed,
    import_run_create,
    import_run_process,
    import_run_start,
    resource_for_model,
)
from fabtown.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import producers or sites from a spreadsheet (CSV, XLSX, TSV) as the admin does: valid "
        "rows are imported, invalid ones reported. Progress goes to stderr. With --background "
        "the task-queue worker does it; --status ID shows a run's progress."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("model", nargs="?", help="app_label.Model, e.g. producers.Producer")
        parser.add_argument("file", nargs="?", type=Path, help="the spreadsheet")
        parser.add_argument("--format", choices=sorted(FORMATS), help="default: the file's suffix")
        parser.add_argument(
            "--background", action="store_true", help="leave it to the worker; prints the run id"
        )
        parser.add_argument("--status", type=int, metavar="ID", help="show a run's progress")

    def handle(self, *args, model, file, format, background, status, **options) -> None:
        if status is not None:
            try:
                self.report(ImportRun.objects.get(pk=status))
            except ImportRun.DoesNotExist:
                raise CommandError(f"There is no import run {status}.") from None
            return
        if not model or not file:
            raise CommandError("Give app_label.Model and a file, or --status ID.")
        try:
            model_class = apps.get_model(model)
            resource = resource_for_model(model_class)
        except (LookupError, ValueError) as error:
            raise CommandError(str(error)) from None
        file_format = format or file.suffix.lstrip(".").lower()
        if file_format not in FORMATS:
            raise CommandError(f"Unknown format {file_format!r}: give --format csv, xlsx or tsv.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        details = {
            "model": model_class, "resource": resource, "data": data, "file_name": file.name,
            "file_format": file_format,
        }  # fmt: skip
        try:
            if background:
                run = import_run_start(**details)
                self.stdout.write(str(run.pk))
                return
            run = import_run_create(**details)
        except ImportRunFailed as error:
            raise CommandError(str(error)) from None
        run = import_run_process(run_id=run.pk, on_progress=self.progress)
        self.stderr.write("")
        self.report(run)
        if run.status == "failed":
            raise CommandError(run.error)

    def progress(self, run: ImportRun) -> None:
        self.stderr.write(f"\r{run.rows_done} of {run.rows_total} rows", ending="")
        self.stderr.flush()

    def report(self, run: ImportRun) -> None:
        self.stdout.write(
            f"Import run {run.pk} ({run.model_label}, {run.file_name}): {run.status}, "
            f"{run.rows_done} of {run.rows_total} rows; new {run.new}, updated {run.updated}, "
            f"unchanged {run.skipped}, invalid {run.invalid}."
        )
        if run.error:
            self.stdout.write(f"Error: {run.error}")
        for entry in run.invalid_rows:
            problems = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in entry["errors"].items()
            )
            self.stdout.write(f"Row {entry['row']}: {problems}")
