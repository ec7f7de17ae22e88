"""What the operations settings become in production, read from a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 60,
    "ALLOWED_HOSTS": "fabtown.bochum.de",
    "DATABASE_URL": "postgres://fabtown:secret@db.internal:5432/fabtown",
}
SHOW = """
import json, django
from django.conf import settings
django.setup()
import sentry_sdk
print(json.dumps({
    "log_format": settings.LOG_FORMAT,
    "formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "access_log": settings.ACCESS_LOG,
    "sentry_active": sentry_sdk.get_client().is_active(),
    "databases": sorted(settings.DATABASES),
    "replica_host": settings.DATABASES.get("replica", {}).get("HOST"),
    "routers": settings.DATABASE_ROUTERS,
    "middleware": settings.MIDDLEWARE,
    "health_checks": [d["CONN_HEALTH_CHECKS"] for d in settings.DATABASES.values()],
}))
"""


def _settings_with(**env: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SENTRY_", "DATABASE_", "LOG_", "ACCESS_LOG", "FABTOWN_TESTING"))
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "fabtown.settings", **PRODUCTION, **env}
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production() -> dict:
    return _settings_with()


def test_production_writes_json_logs_with_an_access_line(production):
    assert production["log_format"] == production["formatter"] == "json"
    assert production["access_log"] is True


def test_development_writes_plain_text(production):
    development = _settings_with(DEBUG="1")
    assert development["formatter"] == "text" and development["access_log"] is False


def test_the_probes_come_first_then_the_request_id(production):
    """Only the HEAD rule wraps them, so that probes by HEAD carry no body either."""
    assert production["middleware"][:4] == [
        "fabtown.middleware.HeadWithoutBodyMiddleware",
        "fabtown.health.HealthCheckMiddleware",
        "fabtown.logs.RequestIdMiddleware",
        "fabtown.middleware.TrustedProxyMiddleware",
    ]
    assert all(production["health_checks"])


def test_without_a_sentry_dsn_nothing_is_initialised(production):
    assert production["sentry_active"] is False


def test_a_sentry_dsn_starts_the_error_tracker():
    # Nothing is sent: the process has no error to report.
    configured = _settings_with(SENTRY_DSN="https://public@sentry.example.org/1")
    assert configured["sentry_active"] is True


def test_without_a_replica_nothing_changes(production):
    assert production["databases"] == ["default"]
    assert production["routers"] == []
    assert "fabtown.db_router.ReplicaPinMiddleware" not in production["middleware"]


def test_a_replica_url_adds_the_alias_the_router_and_its_middleware():
    configured = _settings_with(DATABASE_REPLICA_URL="postgres://reader:s@replica.internal/fabtown")
    assert configured["databases"] == ["default", "replica"]
    assert configured["replica_host"] == "replica.internal"
    assert configured["routers"] == ["fabtown.db_router.ReplicaRouter"]
    middleware = configured["middleware"]
    authentication = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[authentication + 1] == "fabtown.db_router.ReplicaPinMiddleware"
