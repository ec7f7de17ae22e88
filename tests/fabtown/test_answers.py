"""Cached answers to anonymous readers (fabtown.answers): served from memory, never stale,
never personal."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown import answers
from fabtown.roles import EDITORS, ensure_staff_groups
from producers.models import Producer
from tests.factories import (
    ApplicantFactory,
    ProducerFactory,
    ProductCategoryFactory,
    StaffFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/produzenten/"
API = "/api/v1/producers/"


def _queries(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return len(captured.captured_queries), response


def test_a_repeated_anonymous_page_is_answered_with_one_query_for_the_content_version(client):
    ProducerFactory.create_batch(3)
    first, response = _queries(client, DIRECTORY)
    again, cached = _queries(client, DIRECTORY)
    assert first > 1 and again == 1  # the version; the answer comes from memory
    assert cached.content == response.content and cached["ETag"] == response["ETag"]


def test_the_api_answers_anonymous_readers_from_the_cache_too():
    ProducerFactory.create_batch(3)
    api = APIClient()
    first, response = _queries(api, API)
    again, cached = _queries(api, API)
    assert first > again and cached.json() == response.json()
    assert cached["Content-Type"] == "application/json"


def test_a_change_in_the_admin_is_on_the_next_anonymous_page(client):
    category = ProductCategoryFactory(name="Kaffee")
    ProducerFactory(category=category)
    assert "Kaffee" in client.get(DIRECTORY).text
    staff = Client()
    staff.force_login(SuperuserFactory())
    change = reverse("admin:producers_productcategory_change", args=[category.pk])
    data = {"name_de": "Röstkaffee", "slug": category.slug, "position": 0}
    assert staff.post(change, data).status_code == 302
    page = client.get(DIRECTORY).text
    assert "Röstkaffee" in page


def test_a_change_through_the_api_is_in_the_next_anonymous_answer():
    producer = ProducerFactory(name="Alte Rösterei")
    public = APIClient()
    assert public.get(API).json()["results"][0]["name"] == "Alte Rösterei"
    ensure_staff_groups()
    editor = StaffFactory(groups=[Group.objects.get(name=EDITORS)])
    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    patched = staff.patch(f"{API}{producer.slug}/", {"name": "Neue Rösterei"}, format="json")
    assert patched.status_code == 200
    assert public.get(API).json()["results"][0]["name"] == "Neue Rösterei"


def test_a_producers_own_edit_is_on_its_public_profile_at_once(client):
    applicant = ApplicantFactory()
    producer = ProducerFactory(account=applicant, opening_hours="Mo–Fr")
    profile = reverse("producers:profile", args=[producer.slug])
    assert "Mo–Fr" in client.get(profile).text
    owner = Client()
    owner.force_login(applicant)
    edit = reverse("producers:profile_edit", args=[producer.slug])
    assert owner.post(edit, {"opening_hours": "Sa 9–14 Uhr", "website": ""}).status_code == 302
    assert "Sa 9–14 Uhr" in client.get(profile).text


def test_another_servers_committed_write_reaches_this_server_by_the_version(client):
    """Another app server shares only the database: its write (made here without model
    signals, as that server's process would) is seen once it bumps the version."""
    producer = ProducerFactory(name="Alte Rösterei")
    assert "Alte Rösterei" in client.get(DIRECTORY).text
    Producer.objects.filter(pk=producer.pk).update(name="Neue Rösterei")
    assert "Alte Rösterei" in client.get(DIRECTORY).text  # cached: the version is unchanged
    answers._bump_version()  # what the other server runs after its commit
    assert "Neue Rösterei" in client.get(DIRECTORY).text


def test_a_write_bumps_the_version_once_after_commit(django_capture_on_commit_callbacks):
    before = answers.current_version()[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ProducerFactory.create_batch(2)
    assert answers.current_version()[0] == before + 1
    assert sum(answers._is_bump(callback) for callback in callbacks) == 1


def test_a_write_that_is_rolled_back_does_not_bump_the_version(django_capture_on_commit_callbacks):
    from django.db import transaction

    before = answers.current_version()[0]
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ProducerFactory()
        raise RuntimeError
    assert answers.current_version()[0] == before


def test_a_client_with_the_answer_gets_304_until_the_content_changes(client):
    producer = ProducerFactory()
    url = reverse("producers:profile", args=[producer.slug])
    first = client.get(url)
    assert first["Cache-Control"] == "no-cache" and first.has_header("Last-Modified")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    producer.opening_hours = "Sa 9–14 Uhr"
    producer.save()
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_signed_in_visitors_are_never_served_nor_stored(client):
    ProducerFactory()
    assert "Anmelden" in client.get(DIRECTORY).text or client.get(DIRECTORY).status_code == 200
    member = Client()
    member.force_login(ApplicantFactory())
    theirs = member.get(DIRECTORY)
    assert "Mein Konto" in theirs.text and not theirs.has_header("ETag")
    assert "Mein Konto" not in client.get(DIRECTORY).text


def test_answers_that_set_a_cookie_are_not_kept(client):
    """The feedback form carries a form token for this visitor: never repeated to another."""
    url = reverse("pages:accessibility")
    first = client.get(url)
    assert "csrftoken" in first.cookies and not first.has_header("ETag")
    other = Client()
    assert other.get(url).cookies["csrftoken"].value != first.cookies["csrftoken"].value


def test_a_new_day_is_a_new_answer(client, monkeypatch):
    """Memberships expire and events pass at midnight without any write."""
    import datetime

    from django.utils import timezone

    ProducerFactory()
    client.get(DIRECTORY)
    assert _queries(client, DIRECTORY)[0] == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(answers.timezone, "localdate", lambda: tomorrow)
    assert _queries(client, DIRECTORY)[0] > 1


def test_languages_hosts_and_formats_are_answered_apart(client):
    ProducerFactory()
    german = client.get(DIRECTORY)
    english = client.get("/en/producers/")
    assert german.content != english.content and english["Content-Language"] == "en"
    api = APIClient()
    as_json = api.get(API, HTTP_ACCEPT="application/json")
    as_html = api.get(API, HTTP_ACCEPT="text/html")
    assert as_json["Content-Type"].startswith("application/json")
    assert as_html["Content-Type"].startswith("text/html")


def test_the_language_switch_is_a_link_to_the_same_page(client):
    page = client.get(DIRECTORY + "?q=Kaffee").text
    assert 'href="/en/producers/?q=Kaffee" hreflang="en" lang="en">English</a>' in page
    english = client.get("/en/producers/").text
    assert 'href="/produzenten/" hreflang="de" lang="de">Deutsch</a>' in english


def test_made_up_query_strings_cannot_fill_the_servers_memory(client, settings):
    """The store is bounded in bytes: the oldest answers go first, the newest stay."""
    settings.ANSWER_CACHE_MAX_BYTES = 200_000
    ProducerFactory.create_batch(3)
    for number in range(40):
        assert client.get(f"{DIRECTORY}?x={number}").status_code == 200
    assert 0 < answers.store.size_in_bytes <= 200_000
    assert _queries(client, f"{DIRECTORY}?x=39")[0] == 1  # the newest is still kept
    assert _queries(client, f"{DIRECTORY}?x=0")[0] > 1  # the oldest made room


def test_a_signed_in_visitors_pages_are_private(client):
    member = Client()
    member.force_login(ApplicantFactory())
    assert "private" in member.get(DIRECTORY)["Cache-Control"]
    assert client.get(DIRECTORY)["Cache-Control"] == "no-cache"


def head_through_wsgi(path: str) -> tuple[int, bytes]:
    """A HEAD request through the WSGI handler as gunicorn calls it: the test client would drop
    the body itself."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="HEAD")
    statuses = []
    result = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        body = b"".join(result)
    finally:
        result.close()
    return int(statuses[0].split()[0]), body


@pytest.mark.django_db(transaction=True)  # the handler's request signals manage connections
def test_head_requests_get_the_headers_without_a_body(client):
    ProducerFactory()
    client.get(DIRECTORY)  # kept: the HEAD is answered from the cache
    assert head_through_wsgi(DIRECTORY) == (200, b"")


def test_the_api_answers_503_json_while_the_database_is_down_also_in_development(
    client, settings, monkeypatch
):
    """Django would show its debug page with DEBUG=1; the site's own answer is the same."""
    from django.db import OperationalError

    from producers import api as producers_api

    settings.DEBUG = True

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(producers_api.ProducerViewSet, "list", down)
    response = client.get(API, HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
