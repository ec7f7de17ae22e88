"""`/healthz` and `/readyz` for a load balancer, answered before anything else runs.

The middleware is the first in MIDDLEWARE, because a load balancer probes each app server by
its address over plain HTTP (`GET http://10.0.0.5:8001/readyz`):

- ALLOWED_HOSTS would refuse that Host with a 400 (only CommonMiddleware and views call
  `request.get_host()`, which is where the check happens; this middleware never does);
- SecurityMiddleware would redirect it to HTTPS (SECURE_SSL_REDIRECT), and the probe would
  count a 301 as healthy or follow it to the public name, i.e. to another server;
- sessions, CSRF, locale and the access log are of no use to a probe and cost work every few
  seconds on every server.

The answers name checks, never hosts, settings or error messages; details go to the log.
"""

import importlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
# Long enough for a healthy server under load, short enough for a probe's own timeout.
STATEMENT_TIMEOUT_MS = 2000

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"
NOT_CONFIGURED = "not configured"

# Once this process has seen every migration applied, they stay applied: checking again on
# every probe would read all migration files each time.
_migrations_applied = False


def check_database() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL ends with this transaction: the timeout never reaches a request's queries.
        cursor.execute("SET LOCAL statement_timeout = %s", [STATEMENT_TIMEOUT_MS])
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_migrations() -> str:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
    return OK if _migrations_applied else FAILED


def check_cache() -> str:
    key = "fabtown:readyz"
    cache.set(key, "1", timeout=30)
    return OK if cache.get(key) == "1" else FAILED


def check_queue() -> str:
    """The task queue, when the project has one (`fabtown.tasks.queue_is_reachable`)."""
    try:
        tasks = importlib.import_module("fabtown.tasks")
    except ModuleNotFoundError as error:
        if error.name != "fabtown.tasks":
            raise
        return NOT_CONFIGURED
    is_reachable = getattr(tasks, "queue_is_reachable", None)
    if is_reachable is None:
        return NOT_CONFIGURED
    return OK if is_reachable() else FAILED


def _cache_is_the_database() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith(".DatabaseCache")


def _run(name: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception as error:
        # The class only: messages of connection errors name hosts and users.
        logger.warning("Readiness check %s failed: %s", name, type(error).__name__)
        return FAILED


def readiness() -> tuple[bool, dict[str, str]]:
    checks = {"database": _run("database", check_database)}
    if checks["database"] == OK:
        checks["migrations"] = _run("migrations", check_migrations)
    else:
        checks["migrations"] = SKIPPED
    if checks["database"] != OK and _cache_is_the_database():
        # It would wait for the same unreachable database a second time.
        checks["cache"] = SKIPPED
    else:
        checks["cache"] = _run("cache", check_cache)
    checks["queue"] = _run("queue", check_queue)
    ready = all(result in (OK, NOT_CONFIGURED) for result in checks.values())
    return ready, checks


def _answer(body: dict, *, status: int) -> HttpResponse:
    response = JsonResponse(body, status=status)
    # A cached "ok" would hide an outage from the load balancer.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    """Answer the probes; every other request passes through untouched (one string compare)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path != LIVENESS_PATH and path != READINESS_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _answer({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if path == LIVENESS_PATH:
            return _answer({"status": "ok"}, status=200)
        ready, checks = readiness()
        return _answer(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            status=200 if ready else 503,
        )
