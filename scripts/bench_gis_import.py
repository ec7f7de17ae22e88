"""Benchmark of the GIS import (issue 11): N rows of a GeoPackage in EPSG:25832 into sites.

Builds the GeoPackage with the platform's own exporter (fabtown.gis_io) from synthetic rows,
then times `manage.py import_sites` three times: the first import (every row creates a site),
the same file again (every row unchanged) and a file with every area changed (every row
updates). The synthetic sites are marked as the benchmark's others are (source "Synthetische
Region (make bench) – keine echten Daten", ext_id "synthetic-gis-…") and removed at the end.

Run it against a database of its own, never the site's:

    DATABASE_URL=postgres://…/fabtown_bench .venv/bin/python scripts/bench_gis_import.py \
        [--rows 10000] [--keep]

Target (issue 11): 10,000 rows in at most 30 s. Prints one JSON line with the seconds.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCE = "Synthetische Region (make bench) – keine echten Daten"
PREFIX = "synthetic-gis-"
TARGET_SECONDS = 30.0


def build(path: Path, rows: int, *, area_offset: float = 0.0, seed: int = 11) -> None:
    from django.contrib.gis.gdal import CoordTransform, SpatialReference
    from django.contrib.gis.geos import Point

    from fabtown import gis_io
    from vacancies.services.gis import COLUMNS

    rng = random.Random(seed)
    to_cadastre = CoordTransform(SpatialReference(4326), SpatialReference(25832))
    columns = [c.name for c in COLUMNS]

    def features():
        for number in range(rows):
            point = Point(rng.uniform(7.1, 7.35), rng.uniform(51.42, 51.53), srid=4326)
            point.transform(to_cadastre)
            values = {
                "ext_id": f"{PREFIX}{number}",
                "name": f"Synthetisch {number}",
                "kind": "vacant_unit",
                "status": "vacant",
                "published": False,
                "street": f"Teststraße {number % 200 + 1}",
                "postcode": "44787",
                "city": "Bochum",
                "approx": True,
                "area_m2": round(rng.uniform(20, 900), 1) + area_offset,
                "ground_fl": rng.random() < 0.6,
                "shop_win": rng.random() < 0.4,
                "source": SOURCE,
            }
            yield values, point

    gis_io.write(path, columns=columns, rows=features(), srid=25832)


def timed_import(path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_sites", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="Leave the synthetic sites.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabtown.settings")
    import django

    django.setup()
    from vacancies.models import Site, SiteStatusChange

    def remove() -> None:
        synthetic = Site.objects.filter(external_id__startswith=PREFIX, source=SOURCE)
        SiteStatusChange.objects.filter(site__in=synthetic).delete()
        Site.history.filter(external_id__startswith=PREFIX, source=SOURCE).delete()
        synthetic.delete()

    remove()
    report = {"rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="fabtown-bench-gis-") as tmp:
        first, changed = Path(tmp) / "sites.gpkg", Path(tmp) / "changed.gpkg"
        started = time.perf_counter()
        build(first, args.rows)
        build(changed, args.rows, area_offset=1.0)
        report["build_seconds"] = round(time.perf_counter() - started, 1)
        for name, path in (("create", first), ("unchanged", first), ("update", changed)):
            seconds, summary = timed_import(path)
            report[f"{name}_seconds"] = round(seconds, 1)
            report[f"{name}_summary"] = summary
    report["target_seconds"] = TARGET_SECONDS
    report["pass"] = report["create_seconds"] <= TARGET_SECONDS
    if not args.keep:
        remove()
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
