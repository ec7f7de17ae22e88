"""GDAL reads every GeoJSON endpoint as it is (Debian's gdal-bin: ogrinfo on the URL)."""

import re
import shutil
import subprocess

import pytest

from producers.models import Producer
from vacancies.models import SearchArea, Site

pytestmark = pytest.mark.django_db(transaction=True)


def _ogrinfo(url: str) -> str:
    result = subprocess.run(
        [shutil.which("ogrinfo") or "/usr/bin/ogrinfo", "-ro", "-al", "-so", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("path", "expected", "attributes"),
    [
        ("/api/v1/producers/geojson/", lambda: Producer.objects.published().count(),
         ["slug", "name", "branch", "category", "is_label_member"]),
        ("/api/v1/sites/geojson/", lambda: Site.objects.on_offer().count(),
         ["id", "name", "kind", "floor_area_m2"]),
        ("/api/v1/search-areas/geojson/", lambda: SearchArea.objects.count(),
         ["slug", "name", "customer_frequency"]),
        ("/api/v1/open-data/producers.geojson", lambda: Producer.objects.published().count(),
         ["slug", "name", "postcode"]),
        ("/api/v1/open-data/sites.geojson", lambda: Site.objects.on_offer().count(),
         ["id", "name", "status"]),
        ("/produzenten/karte.geojson", lambda: Producer.objects.published().count(), ["name"]),
    ],
)  # fmt: skip
def test_ogrinfo_reads_each_geojson_endpoint(live_server, bochum_data, path, expected, attributes):
    output = _ogrinfo(live_server.url + path)
    count = int(re.search(r"Feature Count: (\d+)", output).group(1))
    assert count == expected() > 0
    assert 'ID["EPSG",4326]' in output
    for attribute in attributes:
        assert re.search(rf"^{attribute}: ", output, flags=re.M), attribute
