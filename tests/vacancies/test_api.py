import json

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from tests.factories import InterimUseFactory, SiteFactory, StaffFactory
from vacancies.models import Site

pytestmark = pytest.mark.django_db

URL = "/api/v1/sites/"
SECRETS = [
    "Erika Mustereigentümerin",
    "erika.eigentuemerin@example.org",
    "0234 999999",
    "Geheimnotiz",
]


def _client_for(*groups):
    ensure_staff_groups()
    user = StaffFactory(groups=[Group.objects.get(name=g) for g in groups])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def site():
    return SiteFactory(internal_notes="Geheimnotiz", rent_eur_per_month=800)


def test_owner_data_never_reaches_anonymous_readers(site):
    api = APIClient()
    for url in (URL, f"{URL}{site.pk}/", f"{URL}geojson/", "/api/v1/open-data/sites.csv",
                "/api/v1/open-data/sites.geojson", "/api/v1/interim-uses/"):  # fmt: skip
        body = api.get(url).content.decode()
        for secret in SECRETS:
            assert secret not in body, (secret, url)
    detail = api.get(f"{URL}{site.pk}/").json()
    assert not {"owner_name", "owner_contact", "internal_notes"} & set(detail)
    assert detail["rent_eur_per_month"] is None  # not published


def test_viewers_see_unpublished_sites_but_no_owner_data(site):
    hidden = SiteFactory(is_published=False)
    viewer = _client_for(VIEWERS)
    assert viewer.get(f"{URL}{hidden.pk}/").status_code == 200
    body = viewer.get(f"{URL}{site.pk}/").content.decode()
    for secret in SECRETS:
        assert secret not in body


def test_editors_see_and_write_owner_data(site):
    editor = _client_for(EDITORS)
    detail = editor.get(f"{URL}{site.pk}/").json()
    assert detail["owner_name"] == "Erika Mustereigentümerin"
    response = editor.patch(
        f"{URL}{site.pk}/",
        {"status": "reserved", "owner_contact": "neu@example.org"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    site.refresh_from_db()
    assert site.status == "reserved" and site.owner_contact == "neu@example.org"
    change = site.status_changes.get()
    assert (change.from_status, change.to_status) == ("vacant", "reserved")


def test_editors_create_sites_in_the_cadastres_coordinates():
    editor = _client_for(EDITORS)
    payload = {
        "name": "Ladenlokal Brückstraße 5",
        "kind": "vacant_unit",
        "location": {"type": "Point", "coordinates": [7.2150, 51.4850]},
        "suitable_forms": [],
    }
    response = editor.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    site = Site.objects.get(name="Ladenlokal Brückstraße 5")
    assert site.status_changes.get().to_status == "vacant"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "verschwunden"}, "status"),
        ({"floor_area_m2": "-3"}, "floor_area_m2"),
        ({"rent_is_public": True, "rent_eur_per_month": None}, "rent_is_public"),
        ({"location": None}, "location"),
    ],
)
def test_bad_site_writes_get_400_and_change_nothing(site, payload, field):
    editor = _client_for(EDITORS)
    response = editor.patch(f"{URL}{site.pk}/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    site.refresh_from_db()
    assert site.status == "vacant" and not site.status_changes.exists()


def test_the_public_cannot_write(site):
    api = APIClient()
    assert api.patch(f"{URL}{site.pk}/", {"name": "X"}, format="json").status_code == 401
    viewer = _client_for(VIEWERS)
    assert viewer.patch(f"{URL}{site.pk}/", {"name": "X"}, format="json").status_code == 403


def test_site_filters_and_geojson(site):
    SiteFactory(name="Klein", floor_area_m2=20)
    api = APIClient()
    names = [s["name"] for s in api.get(URL, {"min_area": 50}).json()["results"]]
    assert names == [site.name]
    collection = json.loads(api.get(f"{URL}geojson/", {"min_area": 50}).content)
    assert [f["properties"]["name"] for f in collection["features"]] == [site.name]
    assert api.get(URL, {"min_area": "viel"}).status_code == 400


def test_lists_take_a_constant_number_of_queries(django_assert_max_num_queries):
    """Reason: sites with their search area (subquery) and suitable forms (prefetch) + count;
    interim uses with site (join) and producers (prefetch) + count; each + the throttle's
    counter."""
    SiteFactory.create_batch(20)
    InterimUseFactory.create_batch(10)
    api = APIClient()
    with django_assert_max_num_queries(4):
        api.get(URL)
    with django_assert_max_num_queries(4):
        api.get("/api/v1/interim-uses/")
    with django_assert_max_num_queries(3):
        api.get("/api/v1/search-areas/")


def test_interim_use_dates_are_validated():
    editor = _client_for(EDITORS)
    site = SiteFactory()
    payload = {
        "site": site.pk,
        "title": "Pop-up",
        "users": "Grubenholz",
        "starts_on": "2021-10-01",
        "ends_on": "2021-09-01",
    }
    response = editor.post("/api/v1/interim-uses/", payload, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()
    assert (
        editor.post(
            "/api/v1/interim-uses/", {**payload, "starts_on": "gestern"}, format="json"
        ).status_code
        == 400
    )
