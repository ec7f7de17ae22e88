"""Speed of the public directory with 10,000 producers (run with `make benchmark`).

Creates the producers inside a transaction that is rolled back at the end, so the
database is left as it was. Prints the timings and fails when a target is missed.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabtown.settings")
django.setup()

from django.contrib.gis.geos import Point  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from producers.models import Producer  # noqa: E402

PRODUCERS = 10_000
RUNS = 5
# Targets on the project's reference machine (2 cores): the map data and a filtered page.
TARGETS = {"map GeoJSON (all)": 0.5, "directory page": 0.3, "directory search": 0.3}


class Rollback(Exception):
    pass


def _timed(client: Client, url: str) -> tuple[float, int, int]:
    durations = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            durations.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(durations), len(response.content), len(queries.captured_queries)


def main() -> int:
    setup_test_environment()
    client = Client()
    failed = False
    try:
        with transaction.atomic():
            Producer.objects.bulk_create(
                Producer(
                    name=f"Benchmark-Manufaktur {i}",
                    slug=f"benchmark-{i}",
                    branch="Geigenbau" if i % 7 == 0 else "Kaffeerösterei",
                    location=Point(
                        7.19 + (i % 100) * 0.0006, 51.47 + (i // 100) * 0.0003, srid=4326
                    ),
                    offers_repair=i % 3 == 0,
                    is_published=True,
                )
                for i in range(PRODUCERS)
            )
            cases = {
                "map GeoJSON (all)": "/produzenten/karte.geojson",
                "directory page": "/produzenten/?offering=repair",
                "directory search": "/produzenten/?q=Geigenbau",
            }
            print(f"{PRODUCERS} producers, median of {RUNS} runs")
            for name, url in cases.items():
                seconds, size, queries = _timed(client, url)
                ok = seconds <= TARGETS[name]
                failed |= not ok
                print(
                    f"{'ok  ' if ok else 'SLOW'} {name:20} {seconds * 1000:7.0f} ms "
                    f"(target {TARGETS[name] * 1000:.0f} ms), {size / 1024:7.0f} KiB, "
                    f"{queries} queries"
                )
            raise Rollback
    except Rollback:
        pass
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
