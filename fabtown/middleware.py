import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

from fabtown import errors
from fabtown.errors import page_not_found

logger = logging.getLogger(__name__)

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ReadApiRequestBodyMiddleware:
    """Read a write request's body before the API answers.

    An API write refused early (401, 403, 429) would otherwise leave the body unread, and the
    development and test servers then reset the connection instead of delivering the answer.
    Django keeps the body, so DRF parses it as usual afterwards.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in _WRITES and request.path.startswith("/api/"):
            request.body  # noqa: B018 - reading is the point
        return self.get_response(request)


MAX_QUERY_VALUE_LENGTH = 200  # documented as maxLength of every string query parameter


class ApiQueryLengthMiddleware:
    """Refuse API query values longer than the schema allows, with a 400 naming them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            too_long = {
                name: [f"At most {MAX_QUERY_VALUE_LENGTH} characters."]
                for name, values in request.GET.lists()
                if any(len(value) > MAX_QUERY_VALUE_LENGTH for value in values)
            }
            if too_long:
                return JsonResponse(too_long, status=400)
        return self.get_response(request)


class NulInPathMiddleware:
    """Answer 404 for a path with a NUL character: it names no page, and PostgreSQL refuses it.

    Path parameters reach the database as they are (`<str:code>`), where a NUL would end in a
    500 instead of the 404 any other unknown value gets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return page_not_found(request)
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Behind our own reverse proxies, the client's address is the one they append to
    X-Forwarded-For; REMOTE_ADDR is only the nearest proxy. Set REMOTE_ADDR to the n-th address
    from the right (n = TRUSTED_PROXY_COUNT), so that every limit counts clients, not the proxy.

    Entries further left were written by the client and are ignored: they cannot be trusted.
    With 0 proxies (the default) the header is ignored altogether.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = settings.TRUSTED_PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if count > 0 and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",")]
            if len(hops) >= count:
                try:
                    client = ipaddress.ip_address(hops[-count])
                except ValueError:
                    pass  # not an address: keep the proxy's, so the request is still counted
                else:
                    request.META["REMOTE_ADDR"] = str(client)
        return self.get_response(request)


class HeadWithoutBodyMiddleware:
    """First of all: answers to HEAD requests carry no body, the probes' and cached answers'
    included (gunicorn warns about each one that does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response


class OutageMiddleware:
    """A database outage or a full disk answers the site's 503 page (JSON under /api/) also in
    development, where Django would show its debug page instead of handler500; personal pages
    are marked private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and _signed_in(request):
            # Personal pages: never kept by a shared cache or the browser's back-forward store.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_exception(self, request, exception):
        reason = errors.unavailable_reason(exception)
        if reason is None:
            return None
        logger.error("Answered 503: %s unavailable (%s)", reason, type(exception).__name__)
        return errors.service_unavailable(request, reason=reason)


def _signed_in(request) -> bool:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # anonymous, and no session to look up
    try:
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated
    except DatabaseError:  # the outage the 503 page is telling about
        return False
