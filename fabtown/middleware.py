import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from fabtown.errors import page_not_found

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
