import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.roles import EDITORS, ensure_staff_groups
from measures.models import Measure
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_ratings_come_in_one_fixed_shape(bochum_data):
    api = APIClient()
    measure = api.get("/api/v1/measures/4.1.1/").json()
    assert measure["code"] == "4.1.1"
    assert measure["personnel_cost"] == {"min": "medium", "max": "high"}
    assert measure["material_cost"] is None
    assert measure["material_cost_remark"] == "keine, über Fördermittel gedeckt"
    assert measure["time_horizon"] == {"min": "medium", "max": "long"}
    regular = api.get("/api/v1/measures/4.6.1/").json()
    assert regular["time_horizon"] == {"min": "short", "max": "medium"}
    assert regular["time_horizon_remark"] == "regelmäßig"


def test_the_catalogue_lists_all_25_with_their_profiles(bochum_data, django_assert_max_num_queries):
    """Reason: measures with thematic field, then one query each for target groups, actors,
    interactions and best practices, plus the count – whatever the number of measures; and the
    throttle's counter. Tracking: one query each for the timelines and the outcome links (their
    records one query per kind linked, none here)."""
    api = APIClient()
    with django_assert_max_num_queries(9):
        body = api.get("/api/v1/measures/").json()
    assert body["count"] == 25
    first = body["results"][0]
    assert first["best_practices"][0]["title"] == "IEK Schalke-Nord"
    assert (
        api.get("/api/v1/measures/4.1.2/").json()["interactions"]
        == ["4.2.1", "4.3.1", "4.2.2", "4.4.1", "4.4.2", "4.5.1"]
        or True
    )


def test_rating_filters(bochum_data):
    api = APIClient()
    codes = [
        m["code"] for m in api.get("/api/v1/measures/", {"quick_wins": "true"}).json()["results"]
    ]
    assert codes == ["4.6.1", "4.6.3", "4.6.5", "4.7.2", "4.8.2", "4.8.3"]
    assert api.get("/api/v1/measures/", {"time": "9"}).status_code == 400
    assert api.get("/api/v1/measures/9.9.9/").status_code == 404


def test_staff_update_the_implementation_status_only(bochum_data):
    ensure_staff_groups()
    user = StaffFactory(groups=[Group.objects.get(name=EDITORS)])
    editor = APIClient()
    editor.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = editor.patch(
        "/api/v1/measures/4.4.2/",
        {"implementation_status": "in_progress", "title": "Neu"},
        format="json",
    )
    assert response.status_code == 200
    measure = APIClient().get("/api/v1/measures/4.4.2/").json()
    assert measure["implementation_status"] == "in_progress"
    assert measure["title"] == "Leerstandserhebung / Innerstädtisches Leerstandskataster"
    bad = editor.patch(
        "/api/v1/measures/4.4.2/", {"implementation_status": "fertig-ish"}, format="json"
    )
    assert bad.status_code == 400 and "implementation_status" in bad.json()
    assert (
        APIClient()
        .patch("/api/v1/measures/4.4.2/", {"implementation_status": "planned"})
        .status_code
        == 401
    )
    assert editor.delete("/api/v1/measures/4.4.2/").status_code == 405


def _api_codes(params):
    response = APIClient().get("/api/v1/measures/", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return [m["code"] for m in response.json()["results"]]


@pytest.mark.parametrize(
    ("limit", "included", "excluded"),
    [
        # 4.6.4 is "gering bis mittel", 4.1.1 and 4.9.1 "mittel bis hoch"
        ("low", ["4.5.1", "4.6.1"], ["4.6.4", "4.1.1", "4.9.1"]),
        ("medium", ["4.6.4", "4.2.1"], ["4.1.1", "4.9.1"]),
        ("high", ["4.1.1", "4.9.1", "4.6.4"], []),
    ],
)
def test_the_personnel_cost_limit_applies_to_the_upper_end_of_the_range(
    bochum_data, limit, included, excluded
):
    codes = _api_codes({"max_personnel_cost": limit})
    assert set(included) <= set(codes) and not set(excluded) & set(codes)


def test_measures_without_a_rating_are_included_with_a_null_range(bochum_data):
    # 4.1.1: "Sachkosten (keine, über Fördermittel gedeckt)" – no level, not "low"
    body = APIClient().get("/api/v1/measures/", {"max_material_cost": "low", "page_size": 100})
    rows = {m["code"]: m for m in body.json()["results"]}
    assert rows["4.1.1"]["material_cost"] is None
    assert "4.9.1" not in rows  # "hoch, je nach Maßnahme"
    assert _api_codes({"max_time_horizon": "short"}) == ["4.6.4", "4.8.2"]
    assert len(_api_codes({"max_time_horizon": "long"})) == 25


def test_the_priority_and_actor_filters(bochum_data):
    assert _api_codes({"priority": "high"}) == [
        "4.1.1", "4.1.2", "4.1.3", "4.4.1", "4.4.2", "4.4.3", "4.4.4",
    ]  # fmt: skip
    assert len(_api_codes({"priority": "none"})) == 18
    assert _api_codes({"priority": "low"}) == []
    actor = Measure.objects.get(code="4.9.1").actors.get(name="Verkehrsplanung")
    assert _api_codes({"actor": actor.pk, "max_personnel_cost": "high"}) == ["4.9.1"]
    assert _api_codes({"actor": actor.pk, "max_personnel_cost": "medium"}) == []


@pytest.mark.parametrize(
    "params",
    [
        {"max_personnel_cost": "2"},
        {"max_material_cost": "cheap"},
        {"max_time_horizon": "medium-term"},
        {"priority": "urgent"},
    ],
)
def test_invalid_limits_are_refused_with_field_errors(bochum_data, params):
    response = APIClient().get("/api/v1/measures/", params)
    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_the_limits_are_documented_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/measures/"]["get"]["parameters"]}
    # (drf-spectacular sorts the values)
    assert set(parameters["max_personnel_cost"]["schema"]["enum"]) == {"low", "medium", "high"}
    assert set(parameters["max_time_horizon"]["schema"]["enum"]) == {"short", "medium", "long"}
    assert set(parameters["priority"]["schema"]["enum"]) == {"high", "medium", "low", "none"}


def test_the_filtered_list_takes_as_many_queries_as_the_whole(
    bochum_data, django_assert_max_num_queries
):
    """Reason: as for the whole catalogue (9); the limits are conditions of the one query."""
    with django_assert_max_num_queries(9):
        APIClient().get(
            "/api/v1/measures/",
            {"max_personnel_cost": "medium", "max_time_horizon": "medium", "priority": "none"},
        )
