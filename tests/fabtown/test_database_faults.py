"""A database that is down or restarts: the site's own 503 answer, and recovery by itself."""

import socket
import time

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(closed_port):
    """The app's connection settings point at a port nobody answers; `back()` restores them."""
    original = connection.settings_dict["PORT"]

    def back():
        connection.close()
        connection.settings_dict["PORT"] = original

    connection.close()
    connection.settings_dict["PORT"] = str(closed_port)
    yield back
    back()


@pytest.fixture
def persistent_connection(monkeypatch):
    """Connections kept across requests, as in production (tests otherwise use CONN_MAX_AGE=0)."""
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    yield
    connection.close()


def _serve(handler: WSGIHandler, path: str) -> int:
    """One request the way gunicorn serves it: with Django's request_started/finished signals,
    which close or check old connections (the test client switches those off)."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    statuses = []
    result = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(result)
    finally:
        result.close()
    return int(statuses[0].split()[0])


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    """What a database restart does to a connection: killed from the server's side."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _attempt in range(100):  # termination is asynchronous: wait until it is gone
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
    finally:
        other.close()


def test_connection_health_checks_are_on():
    assert all(database["CONN_HEALTH_CHECKS"] for database in settings.DATABASES.values())


def test_a_connection_killed_by_the_database_is_replaced_on_the_next_request(
    persistent_connection,
):
    handler = WSGIHandler()
    assert _serve(handler, "/produzenten/") == 200
    pid = _backend_pid()
    _terminate(pid)
    assert _serve(handler, "/produzenten/") == 200
    assert _backend_pid() != pid


def test_without_health_checks_a_killed_connection_costs_one_503_then_recovers(
    persistent_connection, monkeypatch
):
    # What the issue saw before CONN_HEALTH_CHECKS: one failed request per worker. It fails
    # with the site's 503 page, and the following request works without a restart.
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    handler = WSGIHandler()
    assert _serve(handler, "/produzenten/") == 200
    _terminate(_backend_pid())
    assert [_serve(handler, "/produzenten/"), _serve(handler, "/produzenten/")] == [503, 200]


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [
        ("/", "de", "Die Website ist kurz nicht erreichbar"),
        ("/produzenten/", "de", "Die Website ist kurz nicht erreichbar"),
        ("/en/", "en", "The site is briefly unavailable"),
        ("/en/producers/", "en", "The site is briefly unavailable"),
    ],
)
def test_a_page_answers_the_sites_503_page_while_the_database_is_down(
    client, database_down, closed_port, path, language, heading
):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html  # the site's layout, not the bare fallback
    assert "Server Error" not in html and str(closed_port) not in html


def test_an_api_request_answers_json_503_while_the_database_is_down(client, database_down):
    client.raise_request_exception = False
    response = client.get("/api/v1/producers/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "Der Dienst ist kurz nicht erreichbar. "
        "Bitte versuchen Sie es in einer Minute noch einmal."
    }


def test_readyz_reports_the_database_without_naming_it(
    client, database_down, closed_port, settings
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "failed"
    assert checks["migrations"] == checks["cache"] == "skipped"  # no second wait for it
    body = response.content.decode()
    assert str(closed_port) not in body and "127.0.0.1" not in body


def test_the_site_works_again_as_soon_as_the_database_is_back(client, database_down):
    client.raise_request_exception = False
    assert client.get("/produzenten/").status_code == 503
    database_down()  # the database is back; the app is not restarted
    assert client.get("/produzenten/").status_code == 200
