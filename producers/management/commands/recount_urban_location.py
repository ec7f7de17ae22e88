import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from producers import urban


class Command(BaseCommand):
    help = (
        "Recount the residential buildings within 500 m of every producer and site (note 13) in "
        "one set-based UPDATE per table, and print the elapsed time (for the benchmark). Only "
        "changed counts are written; --from-scratch clears them first, so every row is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-scratch",
            action="store_true",
            help="clear every count first and vacuum, as before a first import (not timed)",
        )

    def handle(self, *args, **options):
        if options["from_scratch"]:
            models = [apps.get_model(label) for label in ("producers.Producer", "vacancies.Site")]
            with transaction.atomic():
                for model in models:
                    model.objects.update(**{urban.COUNT_FIELD: None})
            with connection.cursor() as cursor:  # the dead rows of the clearing away again
                for model in models:
                    cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
        with transaction.atomic():
            start, timings = time.perf_counter(), {}
            changed = urban.recount_all(timings=timings)
            elapsed = time.perf_counter() - start
        parts = ", ".join(
            f"{name}s {timings[name]:.2f} s ({n} changed)" for name, n in changed.items()
        )
        self.stdout.write(f"recounted in {elapsed:.2f} s: {parts}")
