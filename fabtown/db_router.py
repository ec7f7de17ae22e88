"""Reads from a PostgreSQL read replica, writes to the primary, and everyone sees their own writes.

Installed only when DATABASE_REPLICA_URL is set (fabtown/settings.py). A replica lags behind
the primary by a moment, so a read goes to the primary whenever that moment could show someone
an old state of what they just did or are doing:

- the request is a write (POST, PUT, PATCH, DELETE), or it already wrote, or the read happens
  inside an atomic block (services lock and re-read what they change);
- the client wrote within the last REPLICA_PIN_SECONDS (a timestamp in its session: no cookie
  beyond the session cookie it already has; anonymous visitors without a session have nothing
  of their own to read back);
- staff, the admin and token-authenticated API clients (the working tools) always;
- outside a request (management commands, the task worker, the shell): what they read they
  usually go on to write.

Only the site's content apps go to the replica: sessions, accounts, the cache table (rate-limit
counters), the sign-in lockout and the task queue always live on the primary.
"""

import contextvars
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

from fabtown.answers import CONTENT_APPS

PRIMARY = "default"
REPLICA = "replica"
# What the replica serves is what cached answers are made of: the same apps, so that an answer's
# content version is read from the database its data comes from (fabtown.answers).
REPLICA_APPS = frozenset(CONTENT_APPS)
PIN_SESSION_KEY = "_read_primary_until"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_ADMIN_PREFIX = "/admin/"


@dataclass
class _RequestState:
    request: HttpRequest
    primary: bool
    wrote: bool = False
    client_checked: bool = False


_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "replica_state", default=None
)


def _client_reads_primary(request: HttpRequest) -> bool:
    """Staff, API tokens, and clients pinned by a recent write. Costs nothing for anonymous
    visitors; for signed-in ones it reads the session and user, which their pages read anyway
    (from the primary: those apps never go to the replica)."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.get(PIN_SESSION_KEY, 0) > time.time():
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label not in REPLICA_APPS or REPLICA not in settings.DATABASES:
            return PRIMARY
        state = _state.get()
        if state is None or state.primary or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if not state.client_checked:
            state.client_checked = True
            state.primary = _client_reads_primary(state.request)
        return PRIMARY if state.primary else REPLICA

    def db_for_write(self, model, **hints) -> str:
        state = _state.get()
        # Writes to the cache table or the session (rate limits, every sign-in) pin nobody.
        if state is not None and model._meta.app_label in REPLICA_APPS:
            state.primary = True
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY


class ReplicaPinMiddleware:
    """After AuthenticationMiddleware: decides per request, and pins a client that wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        unsafe = request.method not in _SAFE_METHODS
        state = _RequestState(
            request=request, primary=unsafe or request.path_info.startswith(_ADMIN_PREFIX)
        )
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        session = getattr(request, "session", None)
        if (state.wrote or unsafe) and session is not None and session.session_key is not None:
            session[PIN_SESSION_KEY] = time.time() + settings.REPLICA_PIN_SECONDS
        return response
