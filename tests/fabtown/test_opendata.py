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
    with django_assert_max_num_queries(2):  # reason: one query for all rows, the throttle's
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


def test_a_formula_typed_as_branch_reaches_the_open_data_csv_as_text():
    ProducerFactory(name="Röstart", branch='=HYPERLINK("http://x","y")')
    response = APIClient().get("/api/v1/open-data/producers.csv")
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["branch"] == '\'=HYPERLINK("http://x","y")'
    assert row["name"] == "Röstart"  # harmless text as it is
    assert row["longitude"] == "7.216300"  # numbers formatted here are not touched


def test_a_formula_typed_as_site_name_reaches_the_open_data_csv_as_text():
    SiteFactory(name="@SUM(1+1)")
    response = APIClient().get("/api/v1/open-data/sites.csv")
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["name"] == "'@SUM(1+1)"
