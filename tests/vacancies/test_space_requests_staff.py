"""Staff's doors to space requests, the admin and the API, with the requester's contact only
for who may see it. Three users each time: the one allowed (editors), another staff role
(viewers, the label board) and a stranger (a producer's account, or nobody)."""

import datetime

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.roles import EDITORS, LABEL_BOARD, VIEWERS, ensure_staff_groups
from tests.factories import (
    ApplicantFactory,
    ProductionFormFactory,
    SearchAreaFactory,
    SpaceRequestFactory,
    StaffFactory,
)
from vacancies.models import CadastreSettings, SpaceRequest

pytestmark = pytest.mark.django_db

SECRETS = ["Jana Gesuchstellerin", "jana.gesuch@example.org", "0234 555777", "Keramikstudio"]
API = "/api/v1/space-requests/"


def _staff(group_name: str):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group_name)])


@pytest.fixture
def editor():
    return _staff(EDITORS)


@pytest.fixture
def viewer():
    return _staff(VIEWERS)


@pytest.fixture
def board():
    return _staff(LABEL_BOARD)


@pytest.fixture
def space_request():
    record = SpaceRequestFactory(search_areas=[SearchAreaFactory(name="Gleisdreieck")])
    record.contact_phone = "0234 555777 (mobil)"
    record._history_user = StaffFactory()
    record.save()  # a second version, so that the history shows a diff
    return record


def _leaks(body: str) -> list[str]:
    return [secret for secret in SECRETS if secret in body]


def _admin_urls(record) -> list[str]:
    versions = record.history.all()
    return [
        reverse("admin:vacancies_spacerequest_changelist"),
        reverse("admin:vacancies_spacerequest_change", args=[record.pk]),
        reverse("admin:vacancies_spacerequest_history", args=[record.pk]),
        *(
            reverse("admin:vacancies_spacerequest_simple_history", args=[record.pk, v.pk])
            for v in versions
        ),
    ]


# --- Admin -----------------------------------------------------------------------------------


def test_editors_see_the_requesters_contact_in_the_admin(client, editor, space_request):
    client.force_login(editor)
    url = reverse("admin:vacancies_spacerequest_change", args=[space_request.pk])
    body = client.get(url).content.decode()
    assert _leaks(body) == SECRETS


@pytest.mark.parametrize("role", ["viewer", "board"])
def test_other_staff_never_see_the_requesters_contact_in_the_admin(
    client, space_request, role, request
):
    client.force_login(request.getfixturevalue(role))
    for url in _admin_urls(space_request):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(response.content.decode()) == [], (role, url)


def test_only_editors_find_a_request_by_the_requesters_name(client, editor, viewer, board):
    SpaceRequestFactory()
    url = reverse("admin:vacancies_spacerequest_changelist")
    found = {}
    for name, user in {"editor": editor, "viewer": viewer, "board": board}.items():
        client.force_login(user)
        found[name] = client.get(url, {"q": "Gesuchstellerin"}).context["cl"].result_count
    assert found == {"editor": 1, "viewer": 0, "board": 0}
    client.force_login(viewer)
    assert client.get(url, {"contact_email__startswith": "j"}).status_code == 400


def test_a_stranger_is_not_let_into_the_admin(client, space_request):
    client.force_login(ApplicantFactory())
    for url in _admin_urls(space_request):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_record_a_request_through_the_service(client, editor):
    CadastreSettings.objects.update_or_create(pk=1, defaults={"request_validity_days": 60})
    area = SearchAreaFactory()
    client.force_login(editor)
    url = reverse("admin:vacancies_spacerequest_add")
    response = client.post(
        url,
        {
            "title": "Schneiderei",
            "floor_area_min_m2": "40",
            "search_areas": [area.pk],
            "contact_name": "Jana Gesuchstellerin",
            "contact_email": "jana.gesuch@example.org",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = SpaceRequest.objects.get()
    assert record.source == "staff" and record.recorded_by == editor
    assert record.expires_on == timezone.localdate() + datetime.timedelta(days=60)
    assert list(record.search_areas.all()) == [area]
    assert record.history.get().history_user == editor


def _act(client, action, records, confirm: bool = False):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [r.pk for r in records]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(reverse("admin:vacancies_spacerequest_changelist"), data)


def test_editors_close_renew_and_erase_in_the_admin(client, editor, space_request):
    client.force_login(editor)
    soon = SpaceRequestFactory(expires_on=timezone.localdate() + datetime.timedelta(days=2))
    _act(client, "renew", [soon])
    soon.refresh_from_db()
    assert soon.expires_on > timezone.localdate() + datetime.timedelta(days=2)
    _act(client, "close_fulfilled", [soon])
    soon.refresh_from_db()
    assert soon.status == "fulfilled" and soon.closed_at is not None

    question = _act(client, "erase_personal_data", [space_request])
    assert question.status_code == 200 and "DSGVO" in question.content.decode()
    space_request.refresh_from_db()
    assert space_request.contact_email  # nothing erased before confirming
    assert _act(client, "erase_personal_data", [space_request], confirm=True).status_code == 302
    space_request.refresh_from_db()
    assert space_request.personal_data_erased_at is not None
    texts = " ".join(
        str(v) for row in SpaceRequest.history.filter(id=space_request.pk).values()
        for v in row.values()
    )  # fmt: skip
    assert _leaks(texts) == []


def test_viewers_are_not_offered_the_erasure(client, viewer, space_request):
    client.force_login(viewer)
    page = client.get(reverse("admin:vacancies_spacerequest_changelist"))
    assert "erase_personal_data" not in page.content.decode()
    _act(client, "erase_personal_data", [space_request], confirm=True)
    space_request.refresh_from_db()
    assert space_request.personal_data_erased_at is None


def test_the_admin_list_takes_a_constant_number_of_queries(
    client, editor, django_assert_num_queries
):
    areas = SearchAreaFactory.create_batch(3)
    for _ in range(20):
        SpaceRequestFactory(search_areas=areas, production_form=ProductionFormFactory())
    client.force_login(editor)
    url = reverse("admin:vacancies_spacerequest_changelist")
    client.get(url)
    # session, user, the user's and groups' permissions; the choices of the filters (search
    # areas, forms of production); count (filtered and total); the page of requests with their
    # form of production (join), their search areas (prefetch); the date hierarchy's range and
    # days
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_cadastre_settings_are_one_row_that_is_never_deleted(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:vacancies_cadastresettings_add")).status_code == 403
    listing = client.get(reverse("admin:vacancies_cadastresettings_changelist"))
    change = reverse("admin:vacancies_cadastresettings_change", args=[1])
    assert listing.status_code == 302 and listing["Location"] == change  # the one row, made
    assert CadastreSettings.objects.count() == 1
    delete = reverse("admin:vacancies_cadastresettings_delete", args=[1])
    assert client.get(delete).status_code == 403
    assert client.get(change).status_code == 200


# --- API -------------------------------------------------------------------------------------


def _api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_strangers_get_no_list_and_cannot_write(space_request):
    anonymous = APIClient()
    assert anonymous.get(API).status_code == 401
    assert anonymous.get(f"{API}{space_request.pk}/").status_code == 401
    assert anonymous.post(API, {"title": "x"}, format="json").status_code == 401
    producer = _api_for(ApplicantFactory())
    for response in (producer.get(API), producer.post(API, {"title": "x"}, format="json")):
        assert response.status_code == 403
        assert _leaks(response.content.decode()) == []
    assert SpaceRequest.objects.count() == 1


@pytest.mark.parametrize("role", ["viewer", "board"])
def test_other_staff_read_requests_without_the_contact(space_request, role, request):
    api = _api_for(request.getfixturevalue(role))
    for url in (API, f"{API}{space_request.pk}/"):
        response = api.get(url)
        assert response.status_code == 200
        assert _leaks(response.content.decode()) == [], url
    detail = api.get(f"{API}{space_request.pk}/").json()
    assert not set(SpaceRequest.PRIVATE_FIELDS) & set(detail)
    assert detail["search_areas"] == [space_request.search_areas.get().slug]
    assert api.post(API, {"title": "x"}, format="json").status_code == 403


def test_editors_record_a_request_by_slugs_and_codes(editor):
    area = SearchAreaFactory(slug="gleisdreieck")
    form = ProductionFormFactory()
    api = _api_for(editor)
    payload = {
        "title": "Rösterei mit Café",
        "floor_area_min_m2": "60",
        "floor_area_max_m2": "120",
        "search_areas": ["gleisdreieck"],
        "production_form": form.code,
        "contact_email": "jana.gesuch@example.org",
    }
    response = api.post(API, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["search_areas"] == ["gleisdreieck"] and body["source"] == "api"
    assert body["contact_email"] == "jana.gesuch@example.org"
    record = SpaceRequest.objects.get()
    assert list(record.search_areas.all()) == [area] and record.recorded_by == editor
    assert record.expires_on > timezone.localdate()

    closed = api.patch(f"{API}{record.pk}/", {"status": "fulfilled"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "fulfilled"
    reopened = api.patch(f"{API}{record.pk}/", {"status": "open"}, format="json")
    assert reopened.status_code == 400 and "status" in reopened.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"search_areas": ["gibt-es-nicht"]}, "search_areas"),
        ({"production_form": "gibt-es-nicht"}, "production_form"),
        ({"floor_area_min_m2": "200"}, "floor_area_max_m2"),
        ({"title": ""}, "title"),
        ({"contact_email": "kein-at"}, "contact_email"),
    ],
)
def test_bad_input_answers_400_with_the_field(editor, changes, field):
    payload = {"title": "Werkstatt", "floor_area_max_m2": "100", **changes}
    response = _api_for(editor).post(API, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not SpaceRequest.objects.exists()


def test_deleting_through_the_api_leaves_no_contact_in_the_history(editor, space_request):
    assert _api_for(editor).delete(f"{API}{space_request.pk}/").status_code == 204
    texts = " ".join(
        str(v) for row in SpaceRequest.history.filter(id=space_request.pk).values()
        for v in row.values()
    )  # fmt: skip
    assert _leaks(texts) == []


def test_the_api_list_takes_a_constant_number_of_queries(editor, django_assert_num_queries):
    areas = SearchAreaFactory.create_batch(3)
    for _ in range(20):
        SpaceRequestFactory(search_areas=areas, production_form=ProductionFormFactory())
    api = _api_for(editor)
    # token with its user, the throttle's counter, the user's and groups' permissions, count,
    # the page of requests with their form of production (join), their search areas (prefetch)
    with django_assert_num_queries(7):
        assert api.get(API).status_code == 200
