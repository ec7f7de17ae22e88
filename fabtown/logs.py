"""Request ids, one access-log line per request, and JSON log lines for production.

Every request gets an id (the proxy's `X-Request-ID` if it looks like one, else a new one); it
is returned in the `X-Request-ID` header and added to every log record written while the
request runs, so that one request's lines can be found across servers and in Sentry.

What is logged about a request: method, path without query string (search terms and filters
stay out), status, duration and the id. No client address, user, e-mail or user agent: the
privacy notice promises no tracking, and none of these is needed to run the site.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits, dash and underscore, 8 to 64 of them: a uuid (with or without dashes) or a
# proxy's id, never text that could forge a log line or carry data.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# URL parameters that are secrets (e-mail confirmation and password reset links): their values
# never reach the log.
_SECRET_URL_PARAMETERS = frozenset({"key", "uidb36", "uidb64", "token"})

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
access_logger = logging.getLogger("fabtown.access")


def current_request_id() -> str | None:
    return request_id_var.get()


def request_id_from(request: HttpRequest) -> str:
    """The id our own proxy gave the request, else a new one: without a trusted proxy in front
    (TRUSTED_PROXY_COUNT=0), a client could give its requests another request's id."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if settings.TRUSTED_PROXY_COUNT > 0 and _VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def loggable_path(request: HttpRequest) -> str:
    """The path without query string, and with secret URL parameters replaced by `…`."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in _SECRET_URL_PARAMETERS and isinstance(value, str) and value:
                path = path.replace(value, "…")
    return path


class RequestIdMiddleware:
    """Second in MIDDLEWARE (after the health probes): the id and the access line cover every
    other answer, also redirects to HTTPS and refusals of a foreign Host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id
        # Cleared when the response is closed (request_finished, below), not on the way out
        # here: Django logs 4xx answers ("Not Found: …") after the middleware has returned.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        if settings.ACCESS_LOG:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = loggable_path(request)
            access_logger.info(
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        return response


def _forget_request_id(**kwargs) -> None:
    request_id_var.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="fabtown.logs.forget_request_id")


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record (`-` outside a request), for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


def _request_id_of(record: logging.LogRecord) -> str | None:
    request_id = getattr(record, "request_id", None) or request_id_var.get()
    return None if request_id == "-" else request_id


class JsonFormatter(logging.Formatter):
    """One JSON object per line. Only named fields: Django attaches the request object to some
    records (`django.request`), and its headers, cookies and address must not be written."""

    EXTRA_FIELDS = ("method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id_of(record),
        }
        for field in self.EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
