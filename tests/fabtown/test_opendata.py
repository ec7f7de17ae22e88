import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from tests.factories import ProducerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_producers_as_csv_with_licence(django_assert_max_num_queries):
    ProducerFactory(name="Röstart", postcode="44787")
    ProducerFactory(name="Entwurf", is_published=False, location=None)
    with django_assert_max_num_queries(1):  # reason: one query for all rows
        response = APIClient().get("/api/v1/open-data/producers.csv")
    assert "dl-de/by-2-0" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["name"] for r in rows] == ["Röstart"]
    assert rows[0]["longitude"] == "7.216300" and rows[0]["latitude"] == "51.481800"


def test_sites_as_geojson_with_licence_and_no_owner_data():
    SiteFactory(name="Ladenlokal")
    response = APIClient().get("/api/v1/open-data/sites.geojson")
    collection = json.loads(response.content)
    assert collection["license"].startswith("Datenlizenz Deutschland")
    assert [f["properties"]["name"] for f in collection["features"]] == ["Ladenlokal"]
    assert "Mustereigentümerin" not in response.content.decode()
