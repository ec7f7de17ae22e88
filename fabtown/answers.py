"""Answers to anonymous readers, cached until the platform's content changes.

The pattern of Kausal Watch (a Django platform cities run their action plans on): every
committed write to the content bumps one number in the database (`ContentVersion`), and a
cached answer is filed under a key that contains that number, so nothing ever has to be purged:
a write makes every older answer unreachable, on every app server, on the next request.

The key holds everything an anonymous answer depends on: the content version, a generation
counter of this process (bumped at once on a write, so the writer's own process never serves
its old answer, also inside a transaction that has not committed yet, e.g. in tests), the day
(labels expire, events pass), the language, scheme and host (absolute links), the full path
with its query, and what the client accepts (format, gzip). The version is read from the
database the page itself is read from (a replica, if the router says so), so an answer is never
filed under a version newer than its data.

What is cached: GET/HEAD answers with status 200 to clients without a session, sign-in cookie
or token, that set no cookie, did not use a CSP nonce and are not streamed: personal answers
can never be stored. Rendered answers stay in each process's memory, bounded in bytes (not in
entries: a client asking for the 2 MB map under many made-up query strings must not fill the
server's memory), the least recently used going first; rebuilding one costs a single render
per server and version.
"""

import hashlib
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial, wraps

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connections,
    router,
    transaction,
)
from django.db.models import signals
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

# The apps whose records appear on public pages and in the API.
CONTENT_APPS = ("fabtown", "producers", "vacancies", "measures", "label")
# Answers larger than this are rebuilt each time rather than kept in every process's memory.
MAX_CACHED_BYTES = 8 * 1024 * 1024
# A kept answer is dropped after this long even if no write bumped the version: a safety net
# for writes that bypassed both the model signals and content_changed().
MAX_AGE_SECONDS = 600
# Headers a cached answer keeps; the middleware adds the others (security, CSP) on every reply.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Encoding",
    "Content-Disposition",
    "Vary",
    "Link",
    "X-Robots-Tag",
    "Allow",
)

_generation = itertools.count(1)
_local_generation = 0


class _AnswerStore:
    """The answers of this process: least recently used out first, at most
    ANSWER_CACHE_MAX_BYTES in all."""

    def __init__(self):
        self._entries: OrderedDict[str, tuple[float, int, dict]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._lock:
            item = self._entries.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return item[2]

    def set(self, key: str, entry: dict) -> None:
        size = len(entry["content"]) + 512  # the headers and the key, roughly
        budget = settings.ANSWER_CACHE_MAX_BYTES
        if size > budget:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            while self._entries and self._bytes + size > budget:
                self._drop(next(iter(self._entries)))
            self._entries[key] = (time.monotonic() + MAX_AGE_SECONDS, size, entry)
            self._bytes += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def size_in_bytes(self) -> int:
        return self._bytes

    def _drop(self, key: str) -> None:
        _expires, size, _entry = self._entries.pop(key)
        self._bytes -= size


store = _AnswerStore()


# --- The version -------------------------------------------------------------------------------


def content_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Call after writes that send no model signals (QuerySet.update, bulk_create, raw SQL)."""
    _bump_local_generation()
    connection = transaction.get_connection(using)
    already = any(_is_bump(callback) for _, callback, _ in connection.run_on_commit)
    if not already:
        transaction.on_commit(partial(_bump_version, using=using), using=using)


def _is_bump(callback) -> bool:
    return getattr(callback, "func", None) is _bump_version


def _bump_local_generation() -> None:
    global _local_generation
    _local_generation = next(_generation)


def _bump_version(*, using: str = DEFAULT_DB_ALIAS) -> None:
    from fabtown.models import ContentVersion

    table = connections[using].ops.quote_name(ContentVersion._meta.db_table)
    # Its own statement after the commit: holding the row during a long import would make
    # every other writer wait. The row comes back if a flush emptied the table.
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, version, changed_at) VALUES (1, 1, now()) "
            f"ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1, changed_at = now()"
        )


def _on_model_write(sender, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    content_changed(using=using)


def connect_signals() -> None:
    """Every model of the content apps (history records included) bumps the version."""
    from fabtown.models import ContentVersion

    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is ContentVersion:
                continue
            uid = f"fabtown.answers:{model._meta.label}"
            signals.post_save.connect(_on_model_write, sender=model, dispatch_uid=uid)
            signals.post_delete.connect(_on_model_write, sender=model, dispatch_uid=uid)
            for field in model._meta.local_many_to_many:
                signals.m2m_changed.connect(
                    _on_model_write, sender=field.remote_field.through, dispatch_uid=uid
                )


def current_version() -> tuple[int, float]:
    """The content version and when it last changed (a POSIX timestamp).

    It runs on every cached answer, so it costs one round trip to the database: plain SQL (the
    ORM would cost three times the round trip), and on a reused connection the query is its own
    health check. Django would first send `SELECT 1` (CONN_HEALTH_CHECKS); here a connection
    that a database restart broke fails this query instead, and is replaced at once, as the
    health check would have done."""
    from fabtown.models import ContentVersion

    connection = connections[router.db_for_read(ContentVersion)]
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    checks_itself = (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )
    if checks_itself:
        connection.health_check_done = True
        try:
            return _read_version(connection, table)
        except (InterfaceError, OperationalError):
            connection.close()
    return _read_version(connection, table)


def _read_version(connection, table: str) -> tuple[int, float]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, changed_at FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return 0, 0.0
    return row[0], row[1].timestamp()


# --- Which requests and answers ----------------------------------------------------------------


def request_is_cacheable(request: HttpRequest) -> bool:
    if not settings.ANSWER_CACHE or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    personal_cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    if any(name in cookies for name in personal_cookies):
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _answer_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A nonce is a secret of one answer; an answer that used one is never repeated.
        and not isinstance(getattr(request, "_csp_nonce", None), str)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and len(response.content) <= MAX_CACHED_BYTES
    )


def _key(request: HttpRequest, version: int) -> str:
    accepts_gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
    parts = [
        str(version),
        str(_local_generation),
        timezone.localdate().isoformat(),
        get_language() or "",
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        request.META.get("HTTP_ACCEPT", ""),
        "gzip" if accepts_gzip else "",
    ]
    return "answer:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- Serving -----------------------------------------------------------------------------------


def serve(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The cached answer for this request, or the rendered one (kept when it may be)."""
    if not request_is_cacheable(request):
        return render()
    version, changed_at = current_version()
    key = _key(request, version)
    entry = store.get(key)
    if entry is None:
        response = render()
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if not _answer_is_cacheable(request, response):
            return response
        entry = _entry_of(response, changed_at=changed_at)
        store.set(key, entry)
        return _reply(request, entry, fresh=response)
    return _reply(request, entry)


def _entry_of(response: HttpResponse, *, changed_at: float) -> dict:
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    content = response.content
    return {
        "content": content,
        "headers": [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)],
        "etag": f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
        "last_modified": int(max(changed_at, start_of_day.timestamp())),
    }


def _reply(request: HttpRequest, entry: dict, fresh: HttpResponse | None = None) -> HttpResponse:
    response = fresh or HttpResponse(entry["content"])
    if fresh is None:
        for name, value in entry["headers"]:
            response[name] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["last_modified"])
    # Browsers and proxies may keep it but must ask again (a 304 costs almost nothing);
    # a signed-in visitor of the same address gets another answer.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie", "Authorization"))
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


def cache_anonymous_answer(view: Callable) -> Callable:
    """A view whose answer to anonymous readers depends only on the content and the request."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return serve(request, lambda: view(request, *args, **kwargs))

    return wrapper
