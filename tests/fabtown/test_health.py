"""/healthz and /readyz answer a load balancer: by IP, over plain HTTP, never cached."""

import sys
import types

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fabtown import health

LOAD_BALANCER = {"HTTP_HOST": "10.0.0.5:8001"}  # a probe by address, not by the site's name


@pytest.fixture(autouse=True)
def _forget_migrations_seen(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


@pytest.fixture
def production_host_rules(settings):
    settings.ALLOWED_HOSTS = ["fabtown.bochum.de"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.fixture
def task_queue(monkeypatch):
    """A stand-in for fabtown.tasks, whichever state the real one is in."""

    def install(reachable):
        module = types.ModuleType("fabtown.tasks")
        if reachable is not None:
            module.queue_is_reachable = lambda: reachable
        monkeypatch.setitem(sys.modules, "fabtown.tasks", module)

    return install


def test_healthz_answers_without_database_session_or_cookies(client, production_host_rules):
    # No database mark: any query would fail this test.
    response = client.get("/healthz", **LOAD_BALANCER)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_names_each_check_and_answers_200_when_all_pass(client, task_queue):
    task_queue(True)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "queue": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_a_probe_by_ip_over_http_is_neither_redirected_nor_refused(client, production_host_rules):
    assert client.get("/readyz", **LOAD_BALANCER).status_code == 200
    # The same request for a page: refused for its Host, and redirected to HTTPS by name.
    assert client.get("/", **LOAD_BALANCER).status_code == 400
    assert client.get("/", HTTP_HOST="fabtown.bochum.de").status_code == 301


@pytest.mark.django_db
@pytest.mark.parametrize("module", ["missing", "without the function"])
def test_a_task_queue_that_is_not_set_up_does_not_make_the_server_unready(
    client, monkeypatch, task_queue, module
):
    if module == "missing":
        monkeypatch.setitem(sys.modules, "fabtown.tasks", None)  # import fails
    else:
        task_queue(None)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["queue"] == "not configured"


@pytest.mark.django_db
def test_an_unreachable_task_queue_makes_the_server_unready(client, task_queue):
    task_queue(False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["queue"] == "failed"


@pytest.mark.django_db
def test_a_cache_that_fails_makes_the_server_unready(client, monkeypatch):
    class BrokenCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("cache.internal:6379 refused")

    monkeypatch.setattr(health, "cache", BrokenCache())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed"
    assert "cache.internal" not in response.content.decode()


@pytest.mark.django_db
def test_unapplied_migrations_make_the_server_unready(client, monkeypatch):
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failed"


@pytest.mark.django_db
def test_readiness_checks_the_database_with_a_statement_timeout():
    with CaptureQueriesContext(connection) as queries:
        assert health.check_database() == "ok"
    statements = [query["sql"] for query in queries]
    timeout = next(i for i, sql in enumerate(statements) if "statement_timeout" in sql)
    assert statements.index("SELECT 1") > timeout


def test_probes_answer_only_get_and_head(client):
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_the_new_middleware_adds_no_query_to_a_public_page(
    client, settings, bochum_data, django_assert_num_queries
):
    ours = {
        "fabtown.middleware.HeadWithoutBodyMiddleware",
        "fabtown.health.HealthCheckMiddleware",
        "fabtown.logs.RequestIdMiddleware",
        "fabtown.middleware.OutageMiddleware",
    }
    assert ours <= set(settings.MIDDLEWARE)
    full = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [name for name in full if name not in ours]
    cache.clear()
    with CaptureQueriesContext(connection) as without:
        assert client.get("/produzenten/").status_code == 200
    settings.MIDDLEWARE = full
    cache.clear()
    assert len(without) > 0
    with django_assert_num_queries(len(without)):
        assert client.get("/produzenten/").status_code == 200


@pytest.mark.django_db(transaction=True)  # the handler's request signals manage connections
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_probe_by_head_gets_the_status_without_a_body(path):
    """Through the WSGI handler as gunicorn calls it (the test client drops HEAD bodies itself)."""
    from tests.fabtown.test_answers import head_through_wsgi

    status, body = head_through_wsgi(path)
    assert status == 200 and body == b""
