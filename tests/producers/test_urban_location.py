"""Note 13: a business is in an urban location when at least 223 residential buildings lie
within 500 m. The count, its recount, and where it shows (API, pages, admin)."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from producers import urban
from producers.models import Building, Producer
from producers.services import producer_save
from tests.factories import ProducerFactory, SiteFactory, SuperuserFactory
from tests.producers.urban_layers import create_buildings, near_offsets, wgs84
from vacancies.models import Site
from vacancies.services import site_save

pytestmark = pytest.mark.django_db


def urban_layer(*, residential_at_500: bool = True) -> None:
    """221 residential buildings close by, two at exactly 500 m (east; and 300 m east, 400 m
    north), one at 500.5 m, and non-residential ones close by: 223 count at the origin."""
    create_buildings(near_offsets(221))
    create_buildings([(500.0, 0.0), (300.0, 400.0)], residential=residential_at_500, prefix="r")
    create_buildings([(-500.5, 0.0), (0.0, -500.5)], prefix="far")
    create_buildings(near_offsets(40), residential=False)


def test_the_rule_is_defined_once_with_the_figures_of_note_13():
    assert urban.URBAN_MIN_RESIDENTIAL_BUILDINGS == 223
    assert urban.URBAN_RADIUS_M == 500
    assert [urban.is_urban(n) for n in (None, 0, 222, 223, 5000)] == [
        None,
        False,
        False,
        True,
        True,
    ]


def test_buildings_at_exactly_500_m_count_and_at_500_5_m_do_not():
    urban_layer()
    producer = ProducerFactory(location=wgs84())
    site = SiteFactory(location=wgs84())
    urban.recount_all()
    producer.refresh_from_db()
    site.refresh_from_db()
    assert producer.residential_buildings_500m == 223
    assert producer.is_urban_location is True
    assert site.residential_buildings_500m == 223
    assert site.is_urban_location is True


def test_222_residential_buildings_are_not_an_urban_location():
    urban_layer()
    Building.objects.filter(external_id="r1-True").update(is_residential=False)
    producer = ProducerFactory(location=wgs84())
    urban.recount_all()
    producer.refresh_from_db()
    assert producer.residential_buildings_500m == 222
    assert producer.is_urban_location is False


def test_the_count_is_not_computed_without_a_layer_or_without_a_location():
    producer = ProducerFactory(location=wgs84())
    unplaced = ProducerFactory(location=None)
    urban.recount_all()
    producer.refresh_from_db()
    assert producer.residential_buildings_500m is None and producer.is_urban_location is None
    create_buildings(near_offsets(3))
    urban.recount_all()
    producer.refresh_from_db()
    unplaced.refresh_from_db()
    assert producer.residential_buildings_500m == 3 and producer.is_urban_location is False
    assert unplaced.residential_buildings_500m is None


def test_moving_a_producer_recounts_it():
    urban_layer()
    producer = ProducerFactory(location=wgs84(5000, 0))
    urban.recount_all()
    producer.refresh_from_db()
    assert producer.residential_buildings_500m == 0
    producer.location = wgs84()
    producer_save(producer=producer, by=None)
    assert producer.residential_buildings_500m == 223  # on the instance the API answers with
    assert Producer.objects.get(pk=producer.pk).residential_buildings_500m == 223
    producer.location = None
    producer_save(producer=producer, by=None)
    assert Producer.objects.get(pk=producer.pk).residential_buildings_500m is None


def test_moving_a_site_recounts_it_and_a_new_site_is_counted_at_once():
    urban_layer()
    site = site_save(site=SiteFactory.build(location=wgs84(5000, 0)), by=None)
    assert Site.objects.get(pk=site.pk).residential_buildings_500m == 0
    site.location = wgs84(10, 10)
    site_save(site=site, by=None)
    assert Site.objects.get(pk=site.pk).residential_buildings_500m == 223


def test_the_recount_uses_the_spatial_index(django_db_blocker):
    """The count must stay an index probe per row (the benchmark: 10,000 producers against
    100,000 buildings). With sequential scans off, the plan must name the index."""
    from django.db import connection

    create_buildings(near_offsets(5))
    ProducerFactory(location=wgs84())
    sql = urban._COUNT_SQL.format(
        table='"producers_producer"', buildings='"producers_building"', srid=25832, where=""
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, [500.001])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "building_residential_utm_idx" in plan


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def counted():
    """One producer and site in an urban location, one not, one not computed (no location)."""
    urban_layer()
    places = {"urban": wgs84(), "rural": wgs84(5000, 0)}
    producers = {k: ProducerFactory(name=k, slug=k, location=p) for k, p in places.items()}
    sites = {k: SiteFactory(name=k, location=p) for k, p in places.items()}
    producers["unknown"] = ProducerFactory(name="unknown", slug="unknown", location=None)
    urban.recount_all()
    return producers, sites


def test_the_api_carries_the_count_and_the_flag(counted):
    api = APIClient()
    rows = {r["slug"]: r for r in api.get("/api/v1/producers/").json()["results"]}
    assert (rows["urban"]["residential_buildings_500m"], rows["urban"]["is_urban_location"]) == (
        223,
        True,
    )
    assert rows["rural"]["residential_buildings_500m"] == 0
    assert rows["rural"]["is_urban_location"] is False
    assert rows["unknown"]["residential_buildings_500m"] is None
    assert rows["unknown"]["is_urban_location"] is None
    sites = {r["name"]: r for r in api.get("/api/v1/sites/").json()["results"]}
    assert sites["urban"]["residential_buildings_500m"] == 223
    assert sites["urban"]["is_urban_location"] is True
    assert sites["rural"]["is_urban_location"] is False


def test_the_api_filters_by_urban_location(counted):
    api = APIClient()

    def names(url, value):
        answer = api.get(url, {"is_urban_location": value})
        assert answer.status_code == 200
        return sorted(r.get("slug") or r["name"] for r in answer.json()["results"])

    assert names("/api/v1/producers/", "true") == ["urban"]
    assert names("/api/v1/producers/", "false") == ["rural"]  # not computed: neither
    assert names("/api/v1/sites/", "true") == ["urban"]
    assert names("/api/v1/sites/", "false") == ["rural"]
    assert api.get("/api/v1/producers/", {"is_urban_location": "maybe"}).status_code == 400


def test_staff_cannot_write_the_count(counted):
    staff = SuperuserFactory()
    api = APIClient()
    api.force_authenticate(staff)
    answer = api.patch(
        "/api/v1/producers/rural/", {"residential_buildings_500m": 999}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["residential_buildings_500m"] == 0


def test_the_lists_take_no_extra_query_for_the_flag(counted, django_assert_max_num_queries):
    """Reason: the count is a column of the rows already read (the same limits as the lists'
    own tests: rows + COUNT + the throttle's counter; sites: + suitable forms prefetched)."""
    api = APIClient()
    with django_assert_max_num_queries(3):
        assert api.get("/api/v1/producers/", {"is_urban_location": "true"}).status_code == 200
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/sites/", {"is_urban_location": "true"}).status_code == 200


# --- Pages and admin --------------------------------------------------------------------------


def page_in(client, language: str, name: str, **kwargs) -> str:
    with translation.override(language):  # the language is the URL's prefix
        url = reverse(name, kwargs=kwargs)
    return client.get(url).content.decode()


def profile(client, slug: str, language: str = "en") -> str:
    return page_in(client, language, "producers:profile", slug=slug)


def test_the_profile_shows_the_flag_and_explains_note_13(client, counted):
    page = profile(client, "urban")
    assert "<strong>urban location</strong>" in page
    assert "223 residential buildings within 500 m" in page
    assert "at least 223 residential buildings" in page
    assert "test layer" in page  # the data source beside the count
    rural = profile(client, "rural")
    assert "not an urban location" in rural and "<strong>urban location" not in rural
    assert "Not computed yet." in profile(client, "unknown")


def test_the_profile_speaks_german(client, counted):
    page = profile(client, "urban", "de")
    assert "urbane Lage" in page
    assert "223 Wohngebäude im Umkreis von 500 m" in page


def test_the_site_page_shows_the_flag(client, counted):
    _producers, sites = counted
    page = page_in(client, "en", "vacancies:detail", pk=sites["urban"].pk)
    assert "223 residential buildings within 500 m" in page
    assert "urbane Lage" in page_in(client, "de", "vacancies:detail", pk=sites["urban"].pk)


def test_a_profile_with_a_count_takes_one_more_query_for_the_layer_date(
    client, counted, django_assert_max_num_queries
):
    """Reason: the profile's own 2 queries, plus the source and date of the buildings layer
    (one row through building_imported_idx), read only when there is a count to explain."""
    with django_assert_max_num_queries(3):
        client.get(reverse("producers:profile", kwargs={"slug": "urban"}))


def test_the_admin_filters_and_shows_the_count(client, counted):
    client.force_login(SuperuserFactory())
    changelist = client.get("/admin/producers/producer/", {"urban_location": "yes"})
    assert changelist.status_code == 200
    assert [p.slug for p in changelist.context["cl"].result_list] == ["urban"]
    unknown = client.get("/admin/producers/producer/", {"urban_location": "unknown"})
    assert [p.slug for p in unknown.context["cl"].result_list] == ["unknown"]
    sites = client.get("/admin/vacancies/site/", {"urban_location": "no"})
    assert [s.name for s in sites.context["cl"].result_list] == ["rural"]
    producers, _sites = counted
    change = client.get(f"/admin/producers/producer/{producers['urban'].pk}/change/")
    assert change.status_code == 200
    assert "Wohngebäude im Umkreis von 500 m" in change.content.decode()


def test_moving_a_producer_in_the_admin_recounts_it(rf, counted):
    from types import SimpleNamespace

    from django.contrib import admin

    producers, _sites = counted
    rural = producers["rural"]
    rural.location = wgs84()
    request = rf.post("/admin/")
    request.user = SuperuserFactory()
    model_admin = admin.site._registry[Producer]
    model_admin.save_model(request, rural, SimpleNamespace(changed_data=["location"]), True)
    assert Producer.objects.get(pk=rural.pk).residential_buildings_500m == 223


def test_the_directory_filters_by_urban_location_and_counts_it(client, counted):
    response = client.get("/produzenten/", {"is_urban_location": "true"})
    assert [p.name for p in response.context["page"].object_list] == ["urban"]
    (facet,) = response.context["facets"]["urban"]
    assert (facet.count, facet.selected) == (1, True)
    assert 'name="is_urban_location" value="true" id="urban-only" checked' in (
        response.content.decode()
    )
    unfiltered = client.get("/produzenten/")
    assert len(unfiltered.context["page"].object_list) == 3
    assert unfiltered.context["facets"]["urban"][0].count == 1


def test_the_directory_with_the_urban_filter_takes_no_extra_query(
    client, counted, django_assert_num_queries
):
    """Reason for 5, as without the filter (tests/producers/test_directory.py): categories,
    forms, search areas, one aggregate for every facet count (urban location included) and the
    page of producers."""
    with django_assert_num_queries(5):
        assert client.get("/produzenten/", {"is_urban_location": "true"}).status_code == 200


def test_a_spreadsheet_import_in_the_admin_counts_the_imported_producers_and_sites():
    import tablib

    from producers.admin import ProducerResource
    from vacancies.admin import SiteResource

    urban_layer()
    place = wgs84()
    producers = tablib.Dataset(
        ("importiert", "Importiert", f"{place.x:.9f}", f"{place.y:.9f}"),
        headers=["slug", "name", "longitude", "latitude"],
    )
    assert not ProducerResource().import_data(producers, dry_run=False).has_errors()
    assert Producer.objects.get(slug="importiert").residential_buildings_500m == 223
    sites = tablib.Dataset(
        ("", "Importierte Fläche", "vacant_unit", f"{place.x:.9f}", f"{place.y:.9f}"),
        headers=["id", "name", "kind", "longitude", "latitude"],
    )
    assert not SiteResource().import_data(sites, dry_run=False).has_errors()
    assert Site.objects.get(name="Importierte Fläche").residential_buildings_500m == 223
