"""The language of the API's answers (content names and texts, messages).

`?lang=de|en` first, then the client's Accept-Language, then German. Unlike the pages (whose
language is their address: /en/…), the API has one address per resource, and a language
cookie a browser kept from the site must not change what a script reads, so the cookie is not
asked. The anonymous answer cache files answers by the active language (fabtown.answers).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"
LANGUAGE_PARAMETER = "lang"


def _supported(code: str) -> str | None:
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def api_language(request: HttpRequest) -> str:
    asked = request.GET.get(LANGUAGE_PARAMETER, "").strip().lower()
    if asked and (language := _supported(asked)):
        return language
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code != "*" and (language := _supported(code)):
            return language
    return settings.LANGUAGE_CODE


class ApiLanguageMiddleware:
    """After LocaleMiddleware: sets the language of /api/ requests by the rule above."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response
