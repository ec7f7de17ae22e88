import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from producers.buildings import MAX_REPORTED_REJECTS, BuildingImportError, import_buildings


class Command(BaseCommand):
    help = (
        "Import a buildings layer (GeoPackage, Shapefile, GeoJSON; EPSG:25832 or 4326) for the "
        "urban-location rule of note 13 (at least 223 residential buildings within 500 m), then "
        "recount every producer and site. A re-import updates buildings by their id. The last "
        "line is the summary: created N, updated N, unchanged N, rejected N."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        flag = parser.add_mutually_exclusive_group()
        flag.add_argument(
            "--residential-field",
            help="yes/no attribute (ja/nein, yes/no, true/false, 1/0); default: residential",
        )
        flag.add_argument(
            "--residential-where",
            help='expression over the attributes, e.g. "funktion IN (1000, 1010)" (ALKIS) or '
            "\"building IN ('house', 'residential', 'apartments')\" (OSM): =, <>, IN, NOT IN, "
            "AND, OR, NOT, parentheses",
        )
        parser.add_argument(
            "--id-field",
            help="attribute with the building's stable id; default: the first of external_id, "
            "gml_id, oid, osm_id, @id, id; without one an id is derived from the geometry",
        )
        parser.add_argument("--source", default="", help="name of the data source (the file's)")
        parser.add_argument("--layer", help="layer name (default: the file's first layer)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the stored buildings this file does not contain",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        start = time.perf_counter()
        verbose = options["verbosity"] > 0

        def progress(done: int, total: int) -> None:
            if verbose:  # plain text: progress is no error, whatever the terminal
                self.stderr.write(f"read {done} of {total} features", style_func=str)
                self.stderr.flush()

        try:
            report = import_buildings(
                path,
                residential_field=options["residential_field"],
                residential_where=options["residential_where"],
                id_field=options["id_field"],
                source=options["source"],
                layer_name=options["layer"],
                replace=options["replace"],
                progress=progress,
            )
        except BuildingImportError as error:
            raise CommandError(str(error)) from None
        for reject in report.rejects[:MAX_REPORTED_REJECTS]:
            self.stdout.write(f"rejected {reject}")
        if report.rejected > MAX_REPORTED_REJECTS:
            self.stdout.write(f"… and {report.rejected - MAX_REPORTED_REJECTS} more rejected")
        if report.removed:
            self.stdout.write(f"removed {report.removed} buildings not in the file")
        if verbose:
            recounted = ", ".join(f"{n} {name}s" for name, n in report.recounted.items())
            self.stdout.write(
                f"recounted residential buildings within 500 m: {recounted} changed "
                f"({time.perf_counter() - start:.1f} s in all)"
            )
        self.stdout.write(report.summary())
