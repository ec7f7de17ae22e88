import json

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.urls import reverse

from tests.factories import (
    MembershipFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductionFormFactory,
    SearchAreaFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/produzenten/"
MAP = "/produzenten/karte.geojson"


def _names(response):
    return [p.name for p in response.context["page"].object_list]


def test_the_directory_lists_published_producers_only(client):
    ProducerFactory(name="Röstart")
    ProducerFactory(name="Noch geheim", is_published=False, location=None)
    assert _names(client.get(DIRECTORY)) == ["Röstart"]


def test_german_stemming_finds_words_in_other_forms(client):
    ProducerFactory(name="Geigenbau Kehnen", branch="Geigenbau und -reparatur")
    # not the factories' form, whose name speaks of repair (forms are searched too)
    food = ProductionFormFactory(code="food-crafts", name="Lebensmittelhandwerk")
    ProducerFactory(
        name="Röstart", branch="Kaffeerösterei", products="Kaffeebohnen", production_form=food
    )
    assert _names(client.get(DIRECTORY, {"q": "Reparaturen"})) == ["Geigenbau Kehnen"]
    assert _names(client.get(DIRECTORY, {"q": "Kaffeebohne"})) == ["Röstart"]
    assert _names(client.get(DIRECTORY, {"q": "Geig"})) == ["Geigenbau Kehnen"]


def test_a_category_includes_its_sub_groups_and_facets_count(client):
    food = ProductCategoryFactory(name="Nahrung", slug="nahrung")
    coffee = ProductCategoryFactory(name="Kaffee", slug="kaffee", parent=food)
    ProducerFactory(name="Röstart", category=coffee)
    ProducerFactory(name="Bäckerei", category=food)
    ProducerFactory(name="Schneiderei")
    response = client.get(DIRECTORY, {"category": "nahrung"})
    assert _names(response) == ["Bäckerei", "Röstart"]
    counts = {f.value: f.count for f in response.context["facets"]["category"]}
    assert counts["nahrung"] == 2 and counts["kaffee"] == 1


def test_offerings_area_and_label_filters_combine(client):
    area = SearchAreaFactory(slug="gerberviertel")
    inside = "SRID=4326;POINT(7.215 51.485)"
    member = ProducerFactory(name="Werkstatt", offers_repair=True, location=GEOSGeometry(inside))
    MembershipFactory(producer=member, valid_from="2020-01-01", valid_until=None)
    ProducerFactory(name="Ohne Label", offers_repair=True, location=GEOSGeometry(inside))
    ProducerFactory(name="Außerhalb", offers_repair=True, location="SRID=4326;POINT(7.3 51.5)")
    response = client.get(DIRECTORY, {"offering": "repair", "area": area.slug, "label": "true"})
    assert _names(response) == ["Werkstatt"]
    # the label facet counts within the other filters
    assert response.context["facets"]["label"][0].count == 1
    area_counts = {f.value: f.count for f in response.context["facets"]["area"]}
    assert area_counts["gerberviertel"] == 1


def test_every_filter_state_is_in_the_url(client):
    ProducerFactory.create_batch(30)
    response = client.get(DIRECTORY, {"offering": "repair", "sort": "newest", "page": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "offering=repair" in response.context["query"]
        and "sort=newest" in response.context["query"]
    )
    assert MAP + "?offering=repair&amp;sort=newest" in page


@pytest.mark.parametrize(
    "params",
    [{"category": "gibt-es-nicht"}, {"offering": "zauberei"}, {"sort": "zufall"}, {"area": "x"}],
)
def test_a_bad_filter_gets_a_clear_error_not_a_crash(client, params):
    response = client.get(DIRECTORY, params)
    assert response.status_code == 400
    assert "Einige Filter konnten nicht verwendet werden" in response.content.decode()
    assert client.get(MAP, params).status_code == 400


def test_the_map_shows_exactly_the_filtered_list(client):
    for i in range(5):
        ProducerFactory(name=f"Reparatur {i}", offers_repair=True)
    ProducerFactory(name="Nur Verkauf")
    listed = {p.name for p in client.get(DIRECTORY, {"offering": "repair"}).context["page"]}
    collection = json.loads(client.get(MAP, {"offering": "repair"}).content)
    assert {f["properties"]["name"] for f in collection["features"]} == listed


def test_the_map_data_is_rfc_7946_geojson(client):
    producer = ProducerFactory(location="SRID=25832;POINT(376143.66 5704913.72)")
    response = client.get(MAP)
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    (feature,) = collection["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (round(lon, 6), round(lat, 6))
    assert 7.2 < lon < 7.3 and 51.4 < lat < 51.5  # longitude first
    assert feature["properties"]["url"] == reverse("producers:profile", args=[producer.slug])


@pytest.mark.parametrize("producers", [3, 30])
def test_the_directory_takes_the_same_number_of_queries_for_few_and_many_producers(
    client, django_assert_num_queries, producers
):
    """Reason for 5: the categories, the forms and the search areas (names for the facets), one
    aggregate for every facet count and the number of results, and the page of producers.
    Never one per producer, nor one per facet."""
    ProducerFactory.create_batch(producers, offers_repair=True)
    with django_assert_num_queries(5):
        response = client.get(DIRECTORY, {"offering": "repair", "q": "Manufaktur"})
    assert response.status_code == 200


@pytest.mark.parametrize("producers", [3, 30])
def test_each_chosen_category_or_area_costs_one_lookup_not_a_scan(
    client, django_assert_num_queries, producers
):
    """Reason for 7: the 5 above, plus looking up the chosen category and the chosen area by
    their slugs (the filter form's validation)."""
    area = SearchAreaFactory(slug="gerberviertel")
    food = ProductCategoryFactory(name="Nahrung", slug="nahrung")
    inside = "SRID=4326;POINT(7.215 51.485)"
    for producer in ProducerFactory.create_batch(producers, category=food, location=inside):
        MembershipFactory(producer=producer, valid_from="2020-01-01", valid_until=None)
    with django_assert_num_queries(7):
        response = client.get(
            DIRECTORY, {"category": "nahrung", "area": area.slug, "label": "true"}
        )
    assert response.status_code == 200


def test_every_facet_counts_with_the_other_filters_applied(client):
    food = ProductCategoryFactory(name="Nahrung", slug="nahrung")
    wood = ProductCategoryFactory(name="Holz", slug="holz")
    member = ProducerFactory(category=food, offers_repair=True, has_showroom=True)
    MembershipFactory(producer=member, valid_from="2020-01-01", valid_until=None)
    ProducerFactory(category=food, offers_repair=True)
    ProducerFactory(category=wood, offers_repair=True)
    ProducerFactory(category=food)
    facets = client.get(DIRECTORY, {"category": "nahrung", "offering": "repair"}).context["facets"]
    categories = {f.value: f.count for f in facets["category"]}
    offerings = {f.value: f.count for f in facets["offering"]}
    # categories within "repair" (not within "nahrung"), offerings within "nahrung"
    assert categories["nahrung"] == 2 and categories["holz"] == 1
    assert offerings["repair"] == 2 and offerings["showroom"] == 1 and offerings["tours"] == 0
    assert facets["label"][0].count == 1 and not facets["label"][0].selected
    assert [f.value for f in facets["offering"] if f.selected] == ["repair"]


def test_the_map_data_is_one_query_whatever_the_number_of_producers(
    client, django_assert_max_num_queries
):
    """Reason: PostGIS builds the whole FeatureCollection (json_agg) in one statement."""
    ProducerFactory.create_batch(50)
    with django_assert_max_num_queries(1):
        collection = json.loads(client.get(MAP).content)
    assert len(collection["features"]) == 50


def test_the_directory_speaks_english_under_en(client):
    ProducerFactory(name="Röstart")
    response = client.get("/en/producers/")
    assert response.status_code == 200
    assert "1 producer" in response.content.decode()


def test_label_false_means_no_label_filter(client):
    ProducerFactory(name="Ohne Label")
    assert _names(client.get(DIRECTORY, {"label": "false"})) == ["Ohne Label"]
    assert client.get(DIRECTORY, {"label": "vielleicht"}).status_code == 400


def test_a_word_finds_the_german_compounds_it_begins(client):
    ProducerFactory(name="Röstart", branch="Kaffeerösterei & Café")
    ProducerFactory(name="Polsterei Saman", branch="Polsterei und Sattlerei")
    assert _names(client.get(DIRECTORY, {"q": "Kaffee"})) == ["Röstart"]
    assert _names(client.get(DIRECTORY, {"q": "sattlerei"})) == ["Polsterei Saman"]
    # tsquery operators typed by a visitor are text, not syntax
    assert client.get(DIRECTORY, {"q": "Kaffee & | ! :* ("}).status_code == 200
