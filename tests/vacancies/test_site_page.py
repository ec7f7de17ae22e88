import datetime
import json

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    InterimUseFactory,
    ProducerFactory,
    ProductionFormFactory,
    SearchAreaFactory,
    SiteFactory,
)
from vacancies.selectors import interim_uses_of_site

pytestmark = pytest.mark.django_db

POINT = "SRID=4326;POINT(7.215 51.485)"
ELSEWHERE = "SRID=4326;MULTIPOLYGON(((7.30 51.50, 7.31 51.50, 7.31 51.51, 7.30 51.51, 7.30 51.50)))"


@pytest.fixture
def site_in_two_areas():
    # created out of alphabetical order: the page lists them by name
    SearchAreaFactory(name="Innenstadt", slug="innenstadt")
    SearchAreaFactory(name="Gleisdreieck", slug="gleisdreieck")
    SearchAreaFactory(name="Weitmar", slug="weitmar", area=ELSEWHERE)
    return SiteFactory(name="Laden am Gleis", location=POINT)


def test_a_site_in_two_search_areas_names_both_everywhere(client, site_in_two_areas):
    site = site_in_two_areas
    expected = "Gleisdreieck, Innenstadt"
    assert f"Suchräume: {expected}" in client.get("/flaechen/").content.decode()
    detail = client.get(f"/flaechen/{site.pk}/").content.decode()
    assert f"<dt>Suchräume</dt><dd>{expected}</dd>" in detail
    assert "Weitmar" not in detail
    api = APIClient().get(f"/api/v1/sites/{site.pk}/").json()
    assert api["search_areas"] == ["gleisdreieck", "innenstadt"]
    listed = APIClient().get("/api/v1/sites/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["search_areas"] == ["gleisdreieck", "innenstadt"]
    features = json.loads(client.get("/flaechen/karte.geojson").content)["features"]
    assert features[0]["properties"]["search_areas"] == ["Gleisdreieck", "Innenstadt"]
    api_map = APIClient().get("/api/v1/sites/geojson/").json()["features"]
    assert api_map[0]["properties"]["search_areas"] == ["gleisdreieck", "innenstadt"]


def test_a_site_outside_every_search_area_names_none(client):
    SearchAreaFactory(area=ELSEWHERE)
    site = SiteFactory(location=POINT)
    assert "Suchr" not in client.get(f"/flaechen/{site.pk}/").content.decode()
    assert APIClient().get(f"/api/v1/sites/{site.pk}/").json()["search_areas"] == []


def test_interim_uses_appear_on_the_page_naming_only_published_producers(client):
    site = SiteFactory()
    shown = ProducerFactory(name="Grubenholz Manufaktur", slug="grubenholz")
    hidden = ProducerFactory(name="Heimliche Werkstatt", is_published=False)
    use = InterimUseFactory(
        site=site,
        title="Tapetenwechsel Pop-up",
        users="Künstlerinnen aus Bochum",
        starts_on=datetime.date(2021, 9, 1),
        ends_on=datetime.date(2021, 10, 31),
        dates_are_approximate=True,
        description="Ein Herbst voller Kunst.",
    )
    use.producers.set([shown, hidden])
    InterimUseFactory(site=site, title="Repair-Café", starts_on=datetime.date(2023, 2, 4),
                      ends_on=None)  # fmt: skip
    page = client.get(f"/flaechen/{site.pk}/").content.decode()
    assert "Tapetenwechsel Pop-up" in page and "Ein Herbst voller Kunst." in page
    assert "ca. September 2021 – Oktober 2021" in page
    assert "4. Februar 2023 – laufend" in page
    assert page.index("Repair-Café") < page.index("Tapetenwechsel")  # the latest first
    assert '<a href="/produzenten/grubenholz/">Grubenholz Manufaktur</a>' in page
    assert "Heimliche Werkstatt" not in page
    english = client.get(f"/en/sites/{site.pk}/").content.decode()
    assert "approx. September 2021" in english


def test_interim_uses_of_an_unpublished_site_are_shown_nowhere(client):
    site = SiteFactory(is_published=False)
    InterimUseFactory(site=site, title="Geheimes Pop-up")
    assert interim_uses_of_site(site=site) == []
    assert client.get(f"/flaechen/{site.pk}/").status_code == 404
    assert "Geheimes Pop-up" not in APIClient().get("/api/v1/interim-uses/").content.decode()


@pytest.mark.parametrize("uses", [1, 5])
def test_the_site_page_takes_a_constant_number_of_queries(client, django_assert_num_queries, uses):
    """Reason for 4: the site (its search areas and consent are subqueries of its row), its
    suitable forms, its interim uses and their published producers (prefetched)."""
    SearchAreaFactory()
    site = SiteFactory(location=POINT)
    site.suitable_forms.add(ProductionFormFactory())
    for use in InterimUseFactory.create_batch(uses, site=site):
        use.producers.add(ProducerFactory())
    with django_assert_num_queries(4):
        assert client.get(f"/flaechen/{site.pk}/").status_code == 200


@pytest.mark.parametrize("sites", [3, 30])
def test_the_public_lists_take_as_many_queries_for_many_sites_as_for_few(
    client, django_assert_num_queries, sites
):
    """Reason: the search areas and the consented route are subqueries of each site's row, so
    the list page stays at 5 (count, page, forms, two filter choice lists) and the API list at 4
    (count, page, forms, the throttle's counter), with two areas per site and consents."""
    from django.utils import timezone

    from vacancies.services.consent import owner_consent_record

    SearchAreaFactory()
    SearchAreaFactory()
    for site in SiteFactory.create_batch(sites, location=POINT):
        owner_consent_record(site=site, scope="owner_name", contact_route="x@example.org",
                             given_on=timezone.localdate(), by=None)  # fmt: skip
    with django_assert_num_queries(5):
        client.get("/flaechen/")
    with django_assert_num_queries(4):
        assert len(str(APIClient().get("/api/v1/sites/").json())) > 0
