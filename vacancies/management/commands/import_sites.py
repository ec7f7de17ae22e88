"""manage.py import_sites FILE: sites from GeoPackage, Shapefile, GeoJSON, CSV or XLSX."""

import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fabtown.gis_io import GisFileError
from vacancies.management.commands.export_sites import user_by_name
from vacancies.services.gis import parse_mapping, sites_import


class Progress:
    """A plain progress line on stderr, redrawn at most a few times a second."""

    def __init__(self, stream):
        self.stream = stream
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import sites from a GIS file or spreadsheet (the columns export_sites writes). Rows "
        "match sites by ext_id, then site_id; others create sites. The layer's own reference "
        "system is read; --srid is for files that name none (CSV: lon/lat default to 4326, "
        "x/y to 25832). The last line is the summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--srid", type=int, help="Reference system of a file naming none.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=column",
            help="Read the file's FIELD as our column (repeatable), e.g. --map OBJID=ext_id.",
        )
        parser.add_argument("--user", help="Who imports (user name): the history names them.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save none.")
        parser.add_argument(
            "--progress", action="store_true", help="Show progress even when stderr is no TTY."
        )

    def handle(self, *args, file, srid, map, user, dry_run, progress, **options):
        by = user_by_name(user)
        try:
            mapping = parse_mapping(map)
        except ValueError as error:
            raise CommandError(str(error)) from None
        stream = self.stderr._out  # the raw stream: the bar redraws its line with \r
        show = progress or stream.isatty()
        try:
            summary = sites_import(
                path=file,
                srid=srid,
                mapping=mapping,
                by=by,
                dry_run=dry_run,
                on_progress=Progress(stream) if show else None,
            )
        except (GisFileError, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        for entry in summary.errors:
            problems = "; ".join(
                f"{column}: {' '.join(messages)}" for column, messages in entry["errors"].items()
            )
            self.stdout.write(f"row {entry['row']} rejected: {problems}")
        if dry_run:
            self.stdout.write("dry run: nothing was saved")
        self.stdout.write(summary.line())
