from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from fabtown.roles import ensure_staff_groups
from label.seed import load_fee_tiers, load_places
from measures.seed import load_catalogue
from producers.seed import load_producers, load_taxonomy
from search.services import ensure_documents
from vacancies.seed import load_sites


class Command(BaseCommand):
    help = (
        "Load the Bochum data of the FabTown concept (measures, producers, sites, search areas, "
        "interim uses, fee tiers, the association's shop) and the staff groups. Creates only "
        "what is missing; records that exist keep the edits staff made."
    )

    def handle(self, *args, **options) -> None:
        report: Counter = Counter()
        with transaction.atomic():
            load_taxonomy(report)
            load_producers(report)
            load_sites(report)
            load_catalogue(report)
            load_fee_tiers(report)
            load_places(report)
            ensure_staff_groups()
            ensure_documents()  # a database from before the search gets its documents
        created = sum(n for key, n in report.items() if key.endswith("created"))
        kept = sum(n for key, n in report.items() if key.endswith("kept"))
        for key in sorted(report):
            if key.endswith("created") and options["verbosity"] > 1:
                self.stdout.write(f"  {key}: {report[key]}")
        if options["verbosity"] > 0:
            self.stdout.write(f"Bochum data: {created} records created, {kept} already present.")
