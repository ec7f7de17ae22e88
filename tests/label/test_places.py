"""The association's shop (BYBOCHUM e.V., Kortumstraße 120): seeded, on its own page, on the
producers' map, in the API and in the admin."""

import json
from collections import Counter

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from rest_framework.test import APIClient

from label.models import Place, PlaceKind
from label.seed import load_places

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db) -> Place:
    load_places(Counter())
    return Place.objects.get(slug="bybochum-laden")


def test_the_seed_loader_creates_the_shop_as_the_press_text_names_it(shop):
    assert shop.name == "BYBOCHUM-Laden" and shop.kind == PlaceKind.SHOP
    assert shop.operator == "BYBOCHUM e.V."
    assert (shop.street, shop.city) == ("Kortumstraße 120", "Bochum")
    assert "Der Verein wurde am 24.05.2022 gegründet" in shop.description
    assert (
        "„Das Geschäft Kortumstraße 120 verleiht Sichtbarkeit und macht unsere Stadt noch "
        "lebens- und liebenswerter.“ – Katrin Merchiers, Wirtschaftsförderung Bochum"
    ) in shop.description
    assert shop.location_is_approximate  # the text gives no point: it is estimated
    assert shop.opening_hours == ""  # the seed gives none
    assert shop.is_published


def test_loading_again_keeps_what_staff_changed(shop):
    shop.opening_hours = "Do–Sa 11–18 Uhr"
    shop.save()
    call_command("load_bochum_data", verbosity=0)
    call_command("load_bochum_data", verbosity=0)
    assert Place.objects.count() == 1
    assert Place.objects.get().opening_hours == "Do–Sa 11–18 Uhr"


def test_the_shop_page_shows_name_address_description_and_map(client, shop):
    page = client.get("/laden/").content.decode()
    assert "<h1>BYBOCHUM-Laden</h1>" in page
    assert "Laden und Showroom des Vereins – BYBOCHUM e.V." in page
    assert "Kortumstraße 120<br>44787 Bochum" in page
    assert "Showroom und Begegnungsort des Netzwerks" in page
    assert "Die Lage auf der Karte ist ungefähr." in page
    assert 'id="profile-map"' in page and 'data-point="7.218300,51.479400"' in page
    assert "Öffnungszeiten" not in page  # no empty section


def test_the_shop_page_shows_opening_hours_when_staff_enter_them(client, shop):
    shop.opening_hours = "Do–Sa 11–18 Uhr"
    shop.save()
    assert (
        "<dt>Öffnungszeiten</dt><dd>Do–Sa 11–18 Uhr</dd>" in client.get("/laden/").content.decode()
    )


def test_the_shop_page_in_english(client, shop):
    response = client.get("/en/shop/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "shop and showroom of the association" in page.lower()
    assert 'hreflang="de"' in page and 'href="/laden/"' in page  # the language switch


def test_the_shop_page_takes_one_query(client, shop, django_assert_num_queries):
    """Reason: the shop is one row; nothing else on the page comes from the database."""
    with django_assert_num_queries(1):
        assert client.get("/laden/").status_code == 200


def test_an_unpublished_or_missing_shop_is_not_found(client, shop):
    shop.is_published = False
    shop.save()
    assert client.get("/laden/").status_code == 404
    Place.objects.all().delete()
    assert client.get("/en/shop/").status_code == 404


def test_the_home_page_and_the_label_page_link_to_the_shop(client, shop):
    for path in ("/", "/label/", "/en/", "/en/label/"):
        page = client.get(path).content.decode()
        shop_url = "/en/shop/" if path.startswith("/en/") else "/laden/"
        assert f'href="{shop_url}"' in page, path


def test_the_producers_map_draws_the_shop_as_its_own_marker_kind(client, shop):
    page = client.get("/produzenten/").content.decode()
    assert 'data-places-url="/laden/karte.geojson"' in page
    assert 'data-places-kind="Laden des Vereins"' in page
    collection = json.loads(client.get("/laden/karte.geojson").content)
    (feature,) = collection["features"]
    assert feature["geometry"]["coordinates"] == [7.2183, 51.4794]
    assert feature["properties"] == {
        "name": "BYBOCHUM-Laden", "kind": "shop", "url": "/laden/", "approximate": True,
    }  # fmt: skip


def test_the_map_data_leaves_out_unpublished_places(client, shop):
    Place.objects.create(
        name="Geplanter Laden", slug="geplant", is_published=False, location=Point(7.21, 51.48)
    )
    names = [f["properties"]["name"] for f in client.get("/laden/karte.geojson").json()["features"]]
    assert names == ["BYBOCHUM-Laden"]


def test_the_api_lists_the_published_places_with_geojson(shop):
    Place.objects.create(name="Entwurf", slug="entwurf", is_published=False)
    api = APIClient()
    (place,) = api.get("/api/v1/places/").json()["results"]
    assert place["slug"] == "bybochum-laden" and place["street"] == "Kortumstraße 120"
    assert place["location"] == {"type": "Point", "coordinates": [7.2183, 51.4794]}
    assert place["location_is_approximate"] is True
    (feature,) = json.loads(api.get("/api/v1/places/geojson/").content)["features"]
    assert feature["properties"]["location_is_approximate"] is True
    assert api.post("/api/v1/places/", {"name": "X"}, format="json").status_code in (401, 405)


def test_staff_edit_the_shop_in_the_admin(admin_client_for, superuser, shop):
    client = admin_client_for(superuser)
    url = f"/admin/label/place/{shop.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/label/place/").status_code == 200
