"""The site's error answers: JSON under /api/, the site's own pages (German, English) elsewhere.

Wired in fabtown/urls.py (handler400/403/404/429/500) and as CSRF_FAILURE_VIEW. Every view that
refuses a request for going too fast answers through `too_many_requests` or
`mark_too_many_requests`, so that people are told when to try again and clients get Retry-After.
"""

import errno
import logging
import math
import sys
import time

from allauth.account import app_settings as allauth_account_settings
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.urls import is_valid_path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fabtown.context_processors import MAIN_NAVIGATION

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# The last resort when even the 500 page cannot be rendered: no template, no database.
_BARE_500 = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Fehler – FabTown Bochum</title></head>
<body><main><h1>Ein Fehler ist aufgetreten</h1>
<p>Bitte versuchen Sie es in einigen Minuten noch einmal.</p>
<h2 lang="en">Something went wrong</h2>
<p lang="en">Please try again in a few minutes.</p></main></body></html>"""


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(detail: str, *, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


# --- 400, 403, 404, 500 ---------------------------------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(_("Malformed request."), status=400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(_("You do not have permission to perform this action."), status=403)
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: most often a page left open too long."""
    if _is_api(request):
        return _json(_("CSRF check failed. Reload the page and try again."), status=403)
    return render(request, "403.html", {"csrf_failure": True}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json(_("Not found."), status=404)
    return render(request, "404.html", status=404)


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Every /api/ path nothing else answers: JSON even with DEBUG=1 (Django's debug 404 is HTML).

    As a catch-all it hides from APPEND_SLASH that /api/v1/producers has a slashed sibling, so
    it redirects there itself, as CommonMiddleware would.
    """
    path = request.path_info
    if settings.APPEND_SLASH and not path.endswith("/"):
        match = is_valid_path(f"{path}/", getattr(request, "urlconf", None))
        if match and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return page_not_found(request)


# Errors that say "not now" rather than "broken": the database cannot be reached or its
# connection broke (a restart, a failover), or the disk is full. The client gets 503 with
# Retry-After; the next request reconnects by itself (CONN_HEALTH_CHECKS).
UNAVAILABLE_RETRY_AFTER_SECONDS = 30
_STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT}


def _connection_errors() -> tuple[type[Exception], ...]:
    # Django's wrappers, and the driver's own in case one escapes unwrapped.
    driver = connection.Database
    return (OperationalError, InterfaceError, driver.OperationalError, driver.InterfaceError)


def unavailable_reason(exception: BaseException | None) -> str | None:
    """`database` or `storage` if the exception (or one it came from) means a passing outage."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        if isinstance(exception, _connection_errors()):
            return "database"
        if isinstance(exception, OSError) and exception.errno in _STORAGE_FULL:
            return "storage"
        exception = exception.__cause__ or exception.__context__
    return None


def _render_without_database(request: HttpRequest, template: str, context: dict) -> str:
    """The page in the site's layout and the URL's language, with a hand-made context: no
    context processors, no user, no session, no messages, so that it renders while the
    database is down."""
    context = {
        "request": request,
        "main_navigation": MAIN_NAVIGATION,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        **context,
    }
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return loader.render_to_string(template, context)
    except Exception:
        logger.exception("The error page %s could not be rendered", template)
        return _BARE_500


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (503 for a passing outage), JSON under /api/, without the database.

    Django calls it while handling the exception, so `sys.exc_info()` names what went wrong.
    """
    reason = unavailable_reason(sys.exc_info()[1])
    if reason is not None:
        return service_unavailable(request, reason=reason)
    if _is_api(request):
        return _json(_("A server error occurred."), status=500)
    return HttpResponseServerError(_render_without_database(request, "500.html", {}))


def service_unavailable(request: HttpRequest, *, reason: str) -> HttpResponse:
    """503 with Retry-After: the database is unreachable, or an upload found the disk full."""
    if _is_api(request):
        language = translation.get_language_from_path(request.path_info)
        with translation.override(language or translation.get_language()):
            if reason == "storage":
                detail = _("The upload could not be stored. Nothing was saved; please try again.")
            else:
                detail = _("The service is briefly unavailable. Please try again in a minute.")
        response = _json(detail, status=503)
    else:
        html = _render_without_database(request, "503.html", {"reason": reason})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


# --- 429 ------------------------------------------------------------------------------------


def _minutes(retry_after_seconds: int) -> int:
    return max(1, math.ceil(retry_after_seconds / 60))


def try_again_message(*, retry_after_seconds: int) -> str:
    """The sentence telling when to try again, in whole minutes rounded up."""
    minutes = _minutes(retry_after_seconds)
    return ngettext(
        "Please try again in %(minutes)d minute.",
        "Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def mark_too_many_requests(response: HttpResponse, *, retry_after_seconds: int) -> HttpResponse:
    """Turn a page (e.g. a form kept with what was typed) into a 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(max(1, math.ceil(retry_after_seconds)))
    return response


def too_many_requests(
    request: HttpRequest, *, retry_after_seconds: int, reason: str = ""
) -> HttpResponse:
    """The 429 page (JSON under /api/), saying why (`reason`, if given) and when to try again,
    with Retry-After."""
    message = try_again_message(retry_after_seconds=retry_after_seconds)
    if _is_api(request):
        response = _json(f"{reason or _('Too many requests.')} {message}", status=429)
    else:
        response = render(request, "429.html", {"try_again": message, "reason": reason})
    return mark_too_many_requests(response, retry_after_seconds=retry_after_seconds)


# allauth's limits (ACCOUNT_RATE_LIMITS) by the page that applies them; other pages: all.
_ALLAUTH_ACTIONS = {
    "account_login": ["login"],
    "admin_login": ["login"],  # fabtown.auth.admin_login shares the producers' limit
    "account_signup": ["signup"],
    "account_reset_password": ["reset_password"],
    "account_reset_password_from_key": ["reset_password_from_key"],
    "account_change_password": ["change_password"],
    "account_set_password": ["change_password"],
    "account_email": ["manage_email"],
    "account_reauthenticate": ["reauthenticate"],
}


def allauth_too_many_requests(request: HttpRequest) -> HttpResponse:
    """allauth's 429 (it calls `handler429` of the root URLconf), told when the limit frees."""
    return too_many_requests(request, retry_after_seconds=_allauth_retry_after(request))


def _allauth_retry_after(request: HttpRequest) -> int:
    """Seconds until the fullest of allauth's counters for this client has room again.

    allauth keeps, per limit and client, the times of the recent attempts (newest first); a
    limit of n per duration has room again when the n-th newest attempt is older than that.
    """
    match = getattr(request, "resolver_match", None)
    rates = allauth_account_settings.RATE_LIMITS
    actions = _ALLAUTH_ACTIONS.get(match.url_name if match else None, list(rates))
    email = str(request.POST.get("email", "")).lower() if request.method == "POST" else ""
    user = request.user if request.user.is_authenticated else None
    now = time.time()
    waits = []
    for action in actions:
        for rate in allauth_ratelimit.parse_rates(rates.get(action)):
            if (rate.per == "key" and not email) or (rate.per == "user" and not user):
                continue
            cache_key = allauth_ratelimit.get_cache_key(
                request, app="allauth.account", action=action, rate=rate, key=email, user=user
            )
            recent = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
            if len(recent) >= rate.amount:
                waits.append(recent[rate.amount - 1] + rate.duration - now)
    # None full: allauth refused because it could not lock its counter; a minute suffices.
    return math.ceil(max(waits)) if waits else 60
