import json

import pytest

from tests.factories import SearchAreaFactory, SiteFactory

pytestmark = pytest.mark.django_db

OWNER_SECRETS = ["Erika Mustereigentümerin", "erika.eigentuemerin@example.org", "0234 999999"]


def _names(response):
    return [s.name for s in response.context["page"].object_list]


def test_only_published_sites_still_on_offer_are_listed(client):
    SiteFactory(name="Frei")
    SiteFactory(name="Reserviert", status="reserved")
    SiteFactory(name="Vermietet", status="let")
    SiteFactory(name="Intern", is_published=False)
    assert _names(client.get("/flaechen/")) == ["Frei", "Reserviert"]


def test_sites_filter_by_shop_window_size_and_area(client):
    area = SearchAreaFactory(slug="innenstadt")
    SiteFactory(
        name="Groß mit Fenster", floor_area_m2=120, location="SRID=4326;POINT(7.215 51.485)"
    )
    SiteFactory(name="Klein", floor_area_m2=30, location="SRID=4326;POINT(7.215 51.485)")
    SiteFactory(name="Ohne Fenster", has_shop_window=False, floor_area_m2=150)
    params = {"shop_window": "true", "min_area": "50", "area": area.slug}
    assert _names(client.get("/flaechen/", params)) == ["Groß mit Fenster"]
    features = json.loads(client.get("/flaechen/karte.geojson", params).content)["features"]
    assert [f["properties"]["name"] for f in features] == ["Groß mit Fenster"]


@pytest.mark.parametrize("params", [{"min_area": "viel"}, {"kind": "schloss"}, {"area": "mond"}])
def test_bad_site_filters_are_answered_with_400(client, params):
    assert client.get("/flaechen/", params).status_code == 400
    assert client.get("/flaechen/karte.geojson", params).status_code == 400


def test_owner_data_never_appears_on_the_public_side(client):
    site = SiteFactory(internal_notes="Eigentümerin verhandelt hart")
    pages = [
        client.get("/flaechen/").content.decode(),
        client.get(f"/flaechen/{site.pk}/").content.decode(),
        client.get("/flaechen/karte.geojson").content.decode(),
        client.get("/en/sites/").content.decode(),
    ]
    for page in pages:
        for secret in [*OWNER_SECRETS, "verhandelt hart"]:
            assert secret not in page


def test_the_contact_route_goes_through_the_economic_development_office(client, settings):
    settings.CONTACT_EMAIL = "flaechen@wifoe.example.org"
    site = SiteFactory(name="Ladenlokal Huestraße 8")
    page = client.get(f"/flaechen/{site.pk}/").content.decode()
    assert "mailto:flaechen@wifoe.example.org?subject=" in page


def test_rent_is_shown_only_when_published(client):
    hidden = SiteFactory(rent_eur_per_month=900, rent_is_public=False)
    shown = SiteFactory(rent_eur_per_month=750, rent_is_public=True)
    assert "900" not in client.get(f"/flaechen/{hidden.pk}/").content.decode()
    assert "750,00 €" in client.get(f"/flaechen/{shown.pk}/").content.decode()


@pytest.mark.parametrize("sites", [3, 30])
def test_site_pages_take_a_constant_number_of_queries(client, django_assert_num_queries, sites):
    """Reason for 5: the count, the page of sites, their suitable forms (prefetched) and the
    filter form's two choice lists (search areas, forms), each read once – whatever the
    number of sites. The map: one statement builds the whole FeatureCollection."""
    SiteFactory.create_batch(sites)
    with django_assert_num_queries(5):
        client.get("/flaechen/")
    with django_assert_num_queries(1):
        client.get("/flaechen/karte.geojson")


def test_a_site_names_the_search_area_it_lies_in(client):
    SearchAreaFactory(name="Gerberviertel & Am Kortländer")
    site = SiteFactory(location="SRID=4326;POINT(7.215 51.485)")
    assert (
        "Gerberviertel &amp; Am Kortländer" in client.get(f"/flaechen/{site.pk}/").content.decode()
    )
