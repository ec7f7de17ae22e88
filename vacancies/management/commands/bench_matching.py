import json

from django.core.management.base import BaseCommand

from region import synthetic
from vacancies.selectors.matching import bench_figures


class Command(BaseCommand):
    help = (
        "Benchmark the matching (make bench): the median milliseconds to match one request "
        "against all sites and one site against all active requests, printed as JSON. With "
        "--requests N, first makes sure N synthetic space requests exist (region/synthetic.py); "
        "--remove deletes them. Never run it on the production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=0)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args, **options):
        if options["remove"]:
            removed = synthetic.synthetic_space_requests_remove()
            self.stdout.write(f"Removed {removed} synthetic space requests.")
            return
        present = synthetic.synthetic_space_requests().count()
        if options["requests"] and present != options["requests"]:
            synthetic.synthetic_space_requests_remove()
            synthetic.synthetic_space_requests_create(count=options["requests"])
        self.stdout.write(json.dumps(bench_figures(repeat=options["repeat"])))
