import gzip
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from producers.models import Producer
from tests.factories import (
    MembershipFactory,
    ProducerFactory,
    ProductCategoryFactory,
    SiteFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/producers/"


@pytest.fixture
def api():
    return APIClient()


def _token_client(*groups):
    from django.contrib.auth.models import Group

    ensure_staff_groups()
    user = StaffFactory(groups=[Group.objects.get(name=g) for g in groups])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client, user


def test_the_public_reads_published_producers_with_paging(api):
    ProducerFactory.create_batch(3)
    ProducerFactory(is_published=False, location=None)
    body = api.get(URL).json()
    assert body["count"] == 3 and len(body["results"]) == 3
    assert set(body["results"][0]) >= {"slug", "name", "location", "is_label_member"}
    assert body["results"][0]["location"]["type"] == "Point"


def test_page_size_has_a_sane_maximum(api):
    ProducerFactory.create_batch(3)
    assert len(api.get(URL, {"page_size": 2}).json()["results"]) == 2
    assert api.get(URL, {"page_size": 100000}).status_code == 200
    assert api.get(URL, {"page": 99}).status_code == 404


def test_filters_match_the_public_site(api):
    coffee = ProductCategoryFactory(slug="kaffee")
    ProducerFactory(name="Röstart", category=coffee, branch="Kaffeerösterei", offers_repair=False)
    member = ProducerFactory(name="Werkstatt", offers_repair=True)
    MembershipFactory(producer=member, valid_from="2020-01-01", valid_until=None)
    names = lambda params: [p["name"] for p in api.get(URL, params).json()["results"]]  # noqa: E731
    assert names({"category": "kaffee"}) == ["Röstart"]
    assert names({"offering": "repair"}) == ["Werkstatt"]
    assert names({"label": "true"}) == ["Werkstatt"]
    assert names({"search": "Kaffee"}) == ["Röstart"]
    assert names({"ordering": "-name"}) == ["Werkstatt", "Röstart"]


def test_bbox_and_distance_filters(api):
    ProducerFactory(name="Mitte", location="SRID=4326;POINT(7.2163 51.4818)")
    ProducerFactory(name="Wattenscheid", location="SRID=4326;POINT(7.1396 51.4829)")
    names = lambda params: [p["name"] for p in api.get(URL, params).json()["results"]]  # noqa: E731
    assert names({"in_bbox": "7.2,51.47,7.23,51.49"}) == ["Mitte"]
    assert names({"near": "7.2163,51.4818", "distance": "500"}) == ["Mitte"]
    assert names({"near": "7.2163,51.4818", "distance": "6000"}) == ["Mitte", "Wattenscheid"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"in_bbox": "1,2,3"}, "in_bbox"),
        ({"in_bbox": "a,b,c,d"}, "in_bbox"),
        ({"near": "200,51"}, "near"),
        ({"near": "7.2,51", "distance": "-5"}, "distance"),
        ({"label": "vielleicht"}, "label"),
        ({"offering": "zaubern"}, "offering"),
    ],
)
def test_bad_filters_get_400_with_field_errors(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_reference_to_nothing_finds_nothing_and_corners_may_come_in_any_order(api):
    ProducerFactory(name="Mitte", location="SRID=4326;POINT(7.2163 51.4818)")
    assert api.get(URL, {"category": "gibt-es-nicht"}).json()["count"] == 0
    assert api.get(URL, {"area": "gibt-es-nicht"}).json()["count"] == 0
    swapped = api.get(URL, {"in_bbox": "7.23,51.49,7.2,51.47"}).json()
    assert [p["name"] for p in swapped["results"]] == ["Mitte"]


def test_unknown_records_are_404(api):
    assert api.get(URL + "gibt-es-nicht/").status_code == 404
    hidden = ProducerFactory(is_published=False, location=None)
    assert api.get(URL + f"{hidden.slug}/").status_code == 404


def test_writes_need_a_token_with_permission(api):
    payload = {"slug": "neu", "name": "Neu"}
    assert api.post(URL, payload, format="json").status_code == 401
    viewer, _ = _token_client(VIEWERS)
    assert viewer.post(URL, payload, format="json").status_code == 403


def test_editors_create_update_and_delete_with_a_token():
    editor, user = _token_client(EDITORS)
    payload = {
        "slug": "geigenbau-neu",
        "name": "Geigenbau Neu",
        "location": {"type": "Point", "coordinates": [7.2163, 51.4818]},
        "is_published": True,
        "postcode": "44787",
    }
    created = editor.post(URL, payload, format="json")
    assert created.status_code == 201, created.json()
    producer = Producer.objects.get(slug="geigenbau-neu")
    assert producer.history.first().history_user == user
    changed = editor.patch(URL + "geigenbau-neu/", {"branch": "Geigenbau"}, format="json")
    assert changed.status_code == 200 and changed.json()["branch"] == "Geigenbau"
    assert editor.delete(URL + "geigenbau-neu/").status_code == 204
    assert not Producer.objects.filter(slug="geigenbau-neu").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"employees_min": 5, "employees_max": 2}, "employees_max"),
        ({"postcode": "123"}, "postcode"),
        ({"location": {"type": "Point", "coordinates": [1e308, -1e308]}}, "location"),
        ({"location": {"type": "Point", "coordinates": "x"}}, "location"),
        ({"founded_year": "neunzehnhundert"}, "founded_year"),
    ],
)
def test_bad_writes_get_400_with_field_errors_and_change_nothing(payload, field):
    editor, _ = _token_client(EDITORS)
    producer = ProducerFactory(slug="bestand")
    response = editor.patch(URL + "bestand/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    producer.refresh_from_db()
    assert producer.employees_max is None and producer.postcode == "44787"


def test_staff_with_view_permission_also_read_unpublished(api):
    ProducerFactory(is_published=False, location=None, slug="entwurf")
    viewer, _ = _token_client(VIEWERS)
    assert viewer.get(URL + "entwurf/").status_code == 200
    assert api.get(URL + "entwurf/").status_code == 404


def test_the_list_takes_a_constant_number_of_queries(api, django_assert_max_num_queries):
    """Reason: producers with taxonomy and label status in one query, plus the count; and the
    throttle's counter (fabtown.throttling), one statement per request."""
    ProducerFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        assert api.get(URL).status_code == 200
    with django_assert_max_num_queries(2):
        assert api.get(URL + "geojson/").status_code == 200


def test_taxonomy_lists_take_a_constant_number_of_queries(
    api, bochum_data, django_assert_max_num_queries
):
    """Reason: categories with their parent (join) + count; forms + count; each + the
    throttle's counter."""
    with django_assert_max_num_queries(3):
        api.get("/api/v1/product-categories/")
    with django_assert_max_num_queries(3):
        api.get("/api/v1/production-forms/")


def test_taxonomy_endpoints(api, bochum_data):
    categories = api.get("/api/v1/product-categories/").json()
    assert categories["count"] == 16
    assert {"slug": "kaffee"}.items() <= next(
        c for c in categories["results"] if c["slug"] == "kaffee"
    ).items()
    forms = api.get("/api/v1/production-forms/").json()
    assert [f["code"] for f in forms["results"]] == [
        "urban-industry", "manufactory-repair-craft", "urban-agriculture"
    ]  # fmt: skip


def test_anonymous_reads_are_throttled_at_the_documented_rate(api, settings):
    from django.core.cache import cache
    from rest_framework.throttling import AnonRateThrottle

    cache.clear()
    AnonRateThrottle.THROTTLE_RATES = {"anon": "3/minute", "user": "600/minute"}
    try:
        codes = [api.get("/api/v1/production-forms/").status_code for _ in range(4)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        cache.clear()
    assert codes == [200, 200, 200, 429]


@pytest.mark.parametrize(
    "path", ["/api/v1/producers/geojson/", "/produzenten/karte.geojson", "/flaechen/karte.geojson"]
)
def test_large_map_answers_are_sent_compressed_to_clients_that_accept_gzip(client, path):
    ProducerFactory.create_batch(30)
    SiteFactory.create_batch(30)
    response = client.get(path, headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    collection = json.loads(gzip.decompress(response.content))
    assert collection["type"] == "FeatureCollection"
    assert client.get(path).get("Content-Encoding") is None  # plain for everyone else


def test_html_pages_are_never_compressed_because_of_breach(client):
    ProducerFactory.create_batch(30)
    response = client.get("/produzenten/", headers={"accept-encoding": "gzip"})
    assert response.get("Content-Encoding") is None


@pytest.mark.parametrize("producers", [3, 30])
def test_the_api_list_takes_the_same_number_of_queries_for_few_and_many(
    client, django_assert_num_queries, producers
):
    """Reason: one COUNT for the paging and one page of producers with their taxonomy
    (select_related) and label status (annotations); the rest are the throttle's counters in
    the cache, whose number depends on the cache, not on the rows. So the count is taken once
    for 3 producers and must be the same for 30."""
    ProducerFactory.create_batch(producers)

    client.get("/api/v1/producers/")  # warm the throttle's first write
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/producers/").status_code == 200
    ProducerFactory.create_batch(20)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(client.get("/api/v1/producers/").json()["results"]) == producers + 20
