"""GET /api/v1/space-requests/{id}/matches/ and /api/v1/sites/{id}/matches/: staff only."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import MatchingSpaceRequestFactory, SiteFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTACT = ["Max Suchender", "suchender", "0234 123456", "Rösterei Suchender"]


def _client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _staff(*codenames) -> StaffFactory:
    user = StaffFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


VIEW_BOTH = ("view_site", "view_spacerequest")


@pytest.fixture
def office():
    """Staff who may see sites and requests, but not requesters' contact data."""
    return _client_for(_staff(*VIEW_BOTH))


@pytest.fixture
def request_with_sites():
    space_request = MatchingSpaceRequestFactory(
        floor_area_min_m2=50, floor_area_max_m2=100, max_rent_eur_per_month=1000
    )
    fits = SiteFactory(floor_area_m2=80, rent_eur_per_month=900)
    unknown_rent = SiteFactory(floor_area_m2=80, rent_eur_per_month=None)
    dear = SiteFactory(floor_area_m2=80, rent_eur_per_month=2000)
    return space_request, fits, unknown_rent, dear


def test_a_requests_matches_are_ordered_by_score_with_reasons(office, request_with_sites):
    space_request, fits, unknown_rent, _dear = request_with_sites
    body = office.get(f"/api/v1/space-requests/{space_request.pk}/matches/").json()
    assert [(row["site"]["id"], row["score"]) for row in body] == [
        (fits.pk, 100), (unknown_rent.pk, 78),
    ]  # fmt: skip
    assert body[1]["reasons"] == [
        {"criterion": "floor_area", "fits": True,
         "text": "Fläche 80 m² liegt im Wunsch 50–100 m²"},
        {"criterion": "rent", "fits": None, "text": "Miete unbekannt"},
    ]  # fmt: skip
    assert body[0]["site"]["is_published"] is True
    assert body[0]["site"]["rent_eur_per_month"] == "900.00"


def test_near_misses_say_what_blocks(office, request_with_sites):
    space_request, _fits, _unknown_rent, dear = request_with_sites
    url = f"/api/v1/space-requests/{space_request.pk}/matches/?near_misses=1"
    (row,) = office.get(url).json()
    assert row["site"]["id"] == dear.pk
    assert row["blocked_by"] == "rent"
    assert (
        row["blocked_text"]
        == "passt bis auf: Miete 2.000 € liegt über dem Höchstbetrag von 1.000 €"
    )


def test_a_sites_matches_carry_no_contact_data_without_the_permission(office):
    site = SiteFactory(floor_area_m2=80)
    wanted = MatchingSpaceRequestFactory(floor_area_min_m2=60)
    body = office.get(f"/api/v1/sites/{site.pk}/matches/").content.decode()
    assert f'"id":{wanted.pk}' in body and wanted.title in body
    for secret in [*CONTACT, str(wanted.token)]:
        assert secret not in body


def test_staff_with_the_permission_see_the_requesters_contact():
    site = SiteFactory(floor_area_m2=80)
    wanted = MatchingSpaceRequestFactory(floor_area_min_m2=60)
    allowed = _client_for(_staff(*VIEW_BOTH, "view_requester_data"))
    (row,) = allowed.get(f"/api/v1/sites/{site.pk}/matches/").json()
    assert row["space_request"]["contact_email"] == wanted.contact_email
    assert row["space_request"]["contact_name"] == "Max Suchender"
    assert "token" not in row["space_request"]


@pytest.mark.parametrize("kind", ["space-requests", "sites"])
def test_only_staff_tokens_get_matches(kind, request_with_sites):
    space_request, site, *_rest = request_with_sites
    url = f"/api/v1/{kind}/{space_request.pk if kind == 'space-requests' else site.pk}/matches/"
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401
    for user in (UserFactory(), _staff("view_site")):  # a stranger, staff of another role
        response = _client_for(user).get(url)
        assert response.status_code == 403
        assert "score" not in response.content.decode()
    assert _client_for(_staff(*VIEW_BOTH)).get(url).status_code == 200


def test_unknown_ids_answer_404(office):
    assert office.get("/api/v1/space-requests/999999/matches/").status_code == 404
    assert office.get("/api/v1/sites/999999/matches/").status_code == 404


def test_a_bad_limit_answers_400(office, request_with_sites):
    space_request, *_sites = request_with_sites
    url = f"/api/v1/space-requests/{space_request.pk}/matches/"
    assert office.get(url, {"limit": "0"}).status_code == 400
    assert len(office.get(url, {"limit": "1"}).json()) == 1


def test_the_matches_cost_the_same_queries_for_many_sites(
    office, request_with_sites, django_assert_num_queries
):
    space_request, *_sites = request_with_sites
    url = f"/api/v1/space-requests/{space_request.pk}/matches/"
    # token and user, the user's and the groups' permissions, the throttle's counter (one
    # upsert), the request's existence (404), the one matching statement
    with django_assert_num_queries(6):
        assert len(office.get(url).json()) == 2
    SiteFactory.create_batch(10, floor_area_m2=70, rent_eur_per_month=500)
    with django_assert_num_queries(6):
        assert len(office.get(url).json()) == 12
