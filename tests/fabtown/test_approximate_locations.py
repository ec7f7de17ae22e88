"""Every map's data says which points are estimated; the lists beside the maps say it too."""

import json

import pytest
from rest_framework.test import APIClient

from tests.factories import ProducerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _approximate_by_name(content: bytes, flag: str = "approximate") -> dict[str, bool]:
    collection = json.loads(content)
    return {f["properties"]["name"]: f["properties"][flag] for f in collection["features"]}


@pytest.fixture
def producers(db):
    ProducerFactory(name="Geschätzt", location_is_approximate=True)
    ProducerFactory(name="Vermessen", location_is_approximate=False)


@pytest.fixture
def sites(db):
    SiteFactory(name="Geschätzt", location_is_approximate=True)
    SiteFactory(name="Vermessen", location_is_approximate=False)


def test_the_producers_map_data_carries_the_flag(client, producers):
    flags = _approximate_by_name(client.get("/produzenten/karte.geojson").content)
    assert flags == {"Geschätzt": True, "Vermessen": False}


def test_the_sites_map_data_carries_the_flag(client, sites):
    flags = _approximate_by_name(client.get("/flaechen/karte.geojson").content)
    assert flags == {"Geschätzt": True, "Vermessen": False}


@pytest.mark.parametrize("path", ["/api/v1/producers/geojson/", "/api/v1/sites/geojson/"])
def test_the_api_geojson_carries_the_flag(producers, sites, path):
    content = APIClient().get(path).content
    flags = _approximate_by_name(content, "location_is_approximate")
    assert flags == {"Geschätzt": True, "Vermessen": False}


@pytest.mark.parametrize(
    ("path", "note", "legend"),
    [
        ("/produzenten/", "ungefähre Lage", "ungefähre Lage (geschätzt, nicht vermessen)"),
        ("/flaechen/", "ungefähre Lage", "ungefähre Lage (geschätzt, nicht vermessen)"),
        ("/en/producers/", "approximate location", "approximate location (estimated, not"),
        ("/en/sites/", "approximate location", "approximate location (estimated, not"),
    ],
)
def test_the_list_beside_each_map_names_approximate_locations_and_a_legend_explains_them(
    client, producers, sites, path, note, legend
):
    page = client.get(path).content.decode()
    assert page.count(f'<p class="note">{note}</p>') == 1  # one of the two is estimated
    assert legend in page
    assert 'class="legend-symbol approximate"' in page and 'class="legend-symbol exact"' in page
    assert 'data-approximate-text="' in page  # the popups say it too
