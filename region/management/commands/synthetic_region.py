import time

from django.core.management.base import BaseCommand, CommandError

from region import synthetic
from search.services import ensure_documents


class Command(BaseCommand):
    help = (
        "Create a synthetic Ruhr-sized region for the benchmark (published producers, sites with "
        "status histories and interim uses, label memberships and applications), clearly marked "
        "as synthetic; --remove deletes all of it again, history rows included. Never run it on "
        "the production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--producers", type=int, default=10_000)
        parser.add_argument("--sites", type=int, default=5_000)
        parser.add_argument(
            "--buildings",
            type=int,
            help="buildings for the urban-location rule (note 13), 70 %% residential; "
            f"default: {synthetic.BUILDINGS_PER_PRODUCER} per producer (100,000 for 10,000)",
        )
        parser.add_argument("--seed", type=int, default=10, help="same seed, same region")
        parser.add_argument(
            "--remove", action="store_true", help="delete every synthetic record and stop"
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when a region of exactly this size exists; else replace it",
        )

    def handle(self, *args, **options):
        start = time.perf_counter()
        if options["buildings"] is None:
            options["buildings"] = synthetic.BUILDINGS_PER_PRODUCER * options["producers"]
        if options["remove"]:
            self._print("Removed", synthetic.synthetic_region_remove().removed, start, options)
            return
        wanted = (options["producers"], options["sites"])
        present = synthetic.region_size()
        if options["if_missing"]:
            if present == wanted:
                missing = options["buildings"] - synthetic.synthetic_buildings().count()
                if missing > 0:  # a region made before the buildings were part of it
                    report = synthetic.synthetic_buildings_create(
                        count=missing, seed=options["seed"]
                    )
                    self._print("Created", report.created, start, options)
                ensure_documents()  # e.g. a region made before the search existed
                if options["verbosity"]:
                    self.stdout.write(
                        f"Synthetic region present: {present[0]} producers, {present[1]} sites."
                    )
                return
            if any(present):
                synthetic.synthetic_region_remove()
        try:
            report = synthetic.synthetic_region_create(
                producers=options["producers"],
                sites=options["sites"],
                seed=options["seed"],
                buildings=options["buildings"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self._print("Created", report.created, start, options)

    def _print(self, verb, counts, start, options):
        # bulk_create sends no signals: the search documents of what came or went
        counts = {**counts, "search documents": sum(ensure_documents().values())}
        if options["verbosity"]:
            parts = ", ".join(f"{n} {name}" for name, n in counts.items())
            self.stdout.write(
                f"{verb} (synthetic region): {parts} in {time.perf_counter() - start:.1f} s."
            )
