from collections.abc import Callable

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
