"""The API as a door: it shows the public only published records and writes through the same
services (full_clean, the history's author) as the admin and the forms."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from measures.models import Measure
from producers.models import ProductCategory
from tests.factories import (
    InterimUseFactory,
    MeasureFactory,
    ProducerFactory,
    ProductCategoryFactory,
    SiteFactory,
    StaffFactory,
)
from vacancies.models import InterimUse

pytestmark = pytest.mark.django_db

USES = "/api/v1/interim-uses/"


def _client_for(group_name: str):
    ensure_staff_groups()
    user = StaffFactory(groups=[Group.objects.get(name=group_name)])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


@pytest.fixture
def uses():
    hidden_site = SiteFactory(name="Geheimes Ladenlokal", is_published=False)
    return {
        "public": InterimUseFactory(title="Pop-up am Markt"),
        "hidden": InterimUseFactory(title="Pop-up im Verborgenen", site=hidden_site),
    }


def test_anonymous_clients_see_interim_uses_of_published_sites_only(uses):
    api = APIClient()
    body = api.get(USES).content.decode()
    assert "Pop-up am Markt" in body
    assert "Pop-up im Verborgenen" not in body and "Geheimes Ladenlokal" not in body
    assert api.get(f"{USES}{uses['hidden'].pk}/").status_code == 404
    assert api.get(f"{USES}{uses['public'].pk}/").status_code == 200


def test_staff_who_read_sites_see_every_interim_use(uses):
    titles = {u["title"] for u in _client_for(VIEWERS).get(USES).json()["results"]}
    assert titles == {"Pop-up am Markt", "Pop-up im Verborgenen"}


def test_interim_uses_name_only_published_producers_to_the_public(uses):
    use = uses["public"]
    use.producers.set(
        [ProducerFactory(slug="sichtbar"), ProducerFactory(slug="entwurf-x", is_published=False)]
    )
    (result,) = APIClient().get(USES).json()["results"]
    assert result["producers"] == ["sichtbar"]


def test_the_interim_use_list_takes_a_constant_number_of_queries(
    uses, django_assert_max_num_queries
):
    """Reason: site with the row (select_related), producers in one prefetch, the count, the
    throttle's counter."""
    InterimUseFactory.create_batch(5)
    with django_assert_max_num_queries(4):
        assert APIClient().get(USES).status_code == 200


def test_an_api_write_of_a_category_runs_the_cycle_check():
    editor = _client_for(EDITORS)
    top = ProductCategoryFactory(slug="oben")
    ProductCategoryFactory(slug="unten", parent=top)
    response = editor.patch("/api/v1/product-categories/oben/", {"parent": "unten"}, format="json")
    assert response.status_code == 400 and response.json()["parent"]
    assert ProductCategory.objects.get(slug="oben").parent is None


def test_an_api_write_of_a_category_records_who_wrote_it():
    editor = _client_for(EDITORS)
    response = editor.post(
        "/api/v1/product-categories/", {"slug": "glas", "name": "Glas"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert ProductCategory.objects.get(slug="glas").history.get().history_user == editor.user


def test_an_api_write_of_an_interim_use_is_checked_by_the_model_and_recorded():
    editor = _client_for(EDITORS)
    site = SiteFactory()
    bad = {"site": site.pk, "title": "Kurz", "users": "x", "starts_on": "2024-05-01",
           "ends_on": "2024-04-01"}  # fmt: skip
    response = editor.post(USES, bad, format="json")
    assert response.status_code == 400 and response.json()["ends_on"]
    good = bad | {"ends_on": "2024-06-01", "producers": [ProducerFactory(slug="mit").slug]}
    assert editor.post(USES, good, format="json").status_code == 201
    use = InterimUse.objects.get()
    assert use.history.get().history_user == editor.user
    assert list(use.producers.values_list("slug", flat=True)) == ["mit"]


def test_an_api_write_of_a_search_area_records_who_wrote_it():
    editor = _client_for(EDITORS)
    ring = [[7.21, 51.48], [7.22, 51.48], [7.22, 51.49], [7.21, 51.48]]
    area = {"type": "MultiPolygon", "coordinates": [[ring]]}
    payload = {"slug": "neu", "name": "Neu", "production_type": "Manufaktur",
               "customer_frequency": "low", "area": area}  # fmt: skip
    assert editor.post("/api/v1/search-areas/", payload, format="json").status_code == 201
    from vacancies.models import SearchArea

    assert SearchArea.objects.get(slug="neu").history.get().history_user == editor.user


def test_an_api_update_of_a_measure_is_validated_and_recorded():
    editor = _client_for(EDITORS)
    measure = MeasureFactory(code="4.6.1")
    url = "/api/v1/measures/4.6.1/"
    too_long = {"responsible_office": "x" * 201}
    assert editor.patch(url, too_long, format="json").status_code == 400
    assert editor.patch(url, {"implementation_status": "planned"}, format="json").status_code == 200
    measure = Measure.objects.get(pk=measure.pk)
    assert measure.implementation_status == "planned"
    assert measure.history.first().history_user == editor.user


def test_deleting_a_record_still_in_use_is_a_400_with_a_message():
    editor = _client_for(EDITORS)
    category = ProductCategoryFactory(slug="benutzt")
    ProducerFactory(category=category)
    response = editor.delete("/api/v1/product-categories/benutzt/")
    assert response.status_code == 400 and response.json()["non_field_errors"]
    use = InterimUseFactory()
    assert editor.delete(f"/api/v1/sites/{use.site.pk}/").status_code == 400


def test_a_duplicate_category_name_under_one_parent_is_a_400():
    editor = _client_for(EDITORS)
    ProductCategoryFactory(slug="holz", name="Holz")
    first = {"slug": "moebel", "name": "Möbel", "parent": "holz"}
    assert editor.post("/api/v1/product-categories/", first, format="json").status_code == 201
    again = first | {"slug": "moebel-2"}
    assert editor.post("/api/v1/product-categories/", again, format="json").status_code == 400


def test_a_missing_record_is_answered_in_the_apis_language_not_with_a_model_name():
    detail = APIClient().get("/api/v1/sites/999999/").json()["detail"]
    assert detail == "Nicht gefunden."  # was Django's "No Site matches the given query."
