import time

from django.core.management.base import BaseCommand

from search.services import ensure_documents, rebuild_documents


class Command(BaseCommand):
    help = (
        "Rebuild the search documents and word list from the public producers, sites on offer "
        "and measures (after writes that send no signals, e.g. bulk imports)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Only the kinds whose number of documents differs from their public rows.",
        )

    def handle(self, *args, **options) -> None:
        start = time.perf_counter()
        counts = ensure_documents() if options["if_stale"] else rebuild_documents()
        if options["verbosity"]:
            parts = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing stale"
            self.stdout.write(
                f"Search index rebuilt: {parts} in {time.perf_counter() - start:.1f} s."
            )
