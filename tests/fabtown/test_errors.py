"""Errors answer in the caller's format and the site's language, never with a 500."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import get_resolver
from django.utils import translation

from fabtown import errors
from fabtown.models import AccessibilityFeedback
from tests.fabtown.test_privacy import _patterns, _public_urls, private_data  # noqa: F401
from tests.factories import ApplicantFactory

JUNK = [
    "abc",
    "-1",
    "99999999999999999999",
    "%00",
    "nul%00byte",
    "%FF",
    "gr%C3%BC%C3%9Fe-%E2%82%AC",
    "x" * 3000,
]
PARAMETER = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)|<(?:\w+:)?(\w+)>")


def _routes(language: str) -> list[str]:
    with translation.override(language):
        routes = list(_patterns(get_resolver()))
    return [route for route in routes if not re.match(r"(en/)?admin/", route)]


def _fill(route: str, value: str) -> str:
    """The route as a path, each parameter replaced by `value` (a format suffix by json)."""
    names = [m[1] or m[2] for m in PARAMETER.finditer(route)]
    only_format = names == ["format"]

    def replace(match: re.Match) -> str:
        name = match[1] or match[2]
        return "json" if name == "format" and not only_format else value

    path = PARAMETER.sub(replace, route)
    return "/" + path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")


def _junk_urls() -> list[str]:
    return sorted(
        {
            _fill(route, junk)
            for language in ("de", "en")
            for route in _routes(language)
            if PARAMETER.search(route)
            for junk in JUNK
        }
    )


@pytest.mark.parametrize(
    ("status", "handler"),
    [
        (400, errors.bad_request),
        (403, errors.permission_denied),
        (404, errors.page_not_found),
        (500, errors.server_error),
    ],
)
def test_the_sites_error_handlers_are_wired(status, handler):
    assert get_resolver().resolve_error_handler(status) is handler


@pytest.mark.django_db
def test_a_request_for_a_foreign_host_answers_the_sites_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "<h1>Die Anfrage konnte nicht verarbeitet werden</h1>" in response.content.decode()


# --- 404 ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_junk_path_parameters_answer_404_never_500(client):
    client.force_login(ApplicantFactory())
    client.raise_request_exception = False  # collect every failure, not just the first
    urls = _junk_urls()
    assert len(urls) > 300 and any(url.startswith("/en/") for url in urls)
    failures = []
    for url in urls:
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code >= 500:
            failures.append(f"{url[:80]}: {response.status_code}")
        elif url.startswith("/api/") and not content_type.startswith("application/json"):
            failures.append(f"{url[:80]}: {response.status_code} {content_type}")
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/massnahmen/%00/", "/en/measures/4.4%002/"])
def test_a_nul_character_in_the_path_is_a_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "FabTown" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
@pytest.mark.parametrize(
    "url",
    ["/api/", "/api/v2/producers/", "/api/v1/nothing/", "/api/v1/measures/abc/", "/api/v1/%00/"],
)
def test_api_404_for_unknown_paths_answers_json(client, settings, debug, url):
    settings.DEBUG = debug
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}


@pytest.mark.django_db
def test_an_api_path_without_its_slash_still_redirects_to_it(client):
    response = client.get("/api/v1/producers?page_size=5")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/producers/?page_size=5"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading"),
    [("/gibt-es-nicht/", "Seite nicht gefunden"), ("/en/no-such-page/", "Page not found")],
)
def test_an_unknown_page_answers_the_sites_404_page_in_its_language(client, url, heading):
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in body
    assert 'class="site-header"' in body and 'role="search"' in body
    assert "fabtown@example.org" in body


# --- 403 ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_sent_without_its_token_explains_to_reload_it():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/accessibility/", {"message": "Die Karte ist zu klein."})
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>The form could not be sent</h1>" in body and "reload the page" in body
    assert not AccessibilityFeedback.objects.exists()


@pytest.mark.django_db
def test_a_refused_page_answers_the_sites_403_page(rf):
    request = rf.get("/mein-konto/")
    request.user = ApplicantFactory()
    with translation.override("de"):
        response = errors.permission_denied(request, PermissionDenied())
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Kein Zugriff auf diese Seite</h1>" in body and "fabtown@example.org" in body


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (lambda r: errors.bad_request(r, ValueError()), 400),
        (lambda r: errors.permission_denied(r, PermissionDenied()), 403),
        (lambda r: errors.csrf_failure(r, "no token"), 403),
        (lambda r: errors.page_not_found(r, None), 404),
        (errors.server_error, 500),
    ],
    ids=["400", "403", "csrf", "404", "500"],
)
def test_errors_under_the_api_answer_json(rf, handler, status):
    response = handler(rf.get("/api/v1/sites/1/"))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content)) == {"detail"}


# --- 500 ------------------------------------------------------------------------------------


@pytest.fixture
def broken_home(monkeypatch):
    """The home page fails as it would with the database down."""

    def fail():
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("fabtown.views.home_figures", fail)


def _client_with_a_session() -> Client:
    """Cookies that would make a careless 500 page look up the session and the messages."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    client.cookies["messages"] = "something"
    return client


@pytest.mark.parametrize(
    ("url", "heading", "other_language"),
    [
        ("/", "Bei uns ist etwas schiefgegangen", 'href="/en/" lang="en">English'),
        ("/en/", "Something went wrong on our side", 'href="/" lang="de">Deutsch'),
    ],
)
def test_the_500_page_renders_in_the_sites_layout_without_the_database(
    url, heading, other_language
):
    """No django_db mark: every database access raises, here in the view and in the handler."""
    response = _client_with_a_session().get(url)
    body = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in body
    assert 'href="/produzenten/"' in body or 'href="/en/producers/"' in body  # the navigation
    assert other_language in body and "fabtown@example.org" in body


@pytest.mark.django_db
def test_an_api_500_answers_json(monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr("fabtown.opendata.sites_on_offer", fail)
    response = Client(raise_request_exception=False).get("/api/v1/open-data/sites.csv")
    assert response.status_code == 500
    assert response.json() == {"detail": "Ein Serverfehler ist aufgetreten."}


def test_the_500_page_falls_back_to_bare_text_when_it_cannot_render(rf, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr("fabtown.errors.loader.render_to_string", fail)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()


# --- 429 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "language", "sentence"),
    [
        (1, "de", "Bitte versuchen Sie es in 1 Minute erneut."),
        (60, "de", "Bitte versuchen Sie es in 1 Minute erneut."),
        (61, "de", "Bitte versuchen Sie es in 2 Minuten erneut."),
        (3600, "de", "Bitte versuchen Sie es in 60 Minuten erneut."),
        (59, "en", "Please try again in 1 minute."),
        (150, "en", "Please try again in 3 minutes."),
    ],
)
def test_the_try_again_sentence_counts_whole_minutes_rounded_up(seconds, language, sentence):
    with translation.override(language):
        assert errors.try_again_message(retry_after_seconds=seconds) == sentence


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [("de", "in 5 Minuten erneut"), ("en", "Please try again in 5 minutes.")],
)
def test_too_many_requests_says_when_to_try_again(rf, language, sentence):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = errors.too_many_requests(request, retry_after_seconds=241)
    assert response.status_code == 429
    assert response["Retry-After"] == "241"
    assert sentence in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_too_many_requests_under_the_api_answers_json(rf):
    with translation.override("en"):
        response = errors.too_many_requests(rf.get("/api/v1/sites/"), retry_after_seconds=30)
    assert response.status_code == 429 and response["Retry-After"] == "30"
    assert json.loads(response.content) == {
        "detail": "Too many requests. Please try again in 1 minute."
    }


@pytest.mark.django_db
def test_allauths_rate_limit_answers_the_sites_429_page_with_retry_after(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/10m/ip"}
    for i in range(2):
        client.post("/konto/login/", {"login": f"{i}@example.org", "password": "x"})
    response = client.post("/konto/login/", {"login": "2@example.org", "password": "x"})
    assert response.status_code == 429
    assert 590 <= int(response["Retry-After"]) <= 600
    body = response.content.decode()
    assert "<h1>Zu viele Anfragen</h1>" in body
    assert "Bitte versuchen Sie es in 10 Minuten erneut." in body


@pytest.mark.django_db
def test_allauths_limit_per_e_mail_address_tells_its_own_wait(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "reset_password": "20/m/ip,1/3m/key",
    }
    ApplicantFactory(email="werkstatt@example.org")
    client.post("/konto/password/reset/", {"email": "werkstatt@example.org"})
    response = client.post("/konto/password/reset/", {"email": "Werkstatt@example.org"})
    assert response.status_code == 429
    assert 170 <= int(response["Retry-After"]) <= 180


def test_the_429_template_alone_still_says_what_to_do(rf):
    """allauth falls back to rendering 429.html itself, without our context."""
    from django.template.loader import render_to_string

    with translation.override("de"):
        body = render_to_string("429.html", {})
    assert "Bitte versuchen Sie es in einigen Minuten noch einmal." in body


@pytest.mark.django_db
def test_the_api_throttle_answers_json_with_retry_after(client):
    from rest_framework.throttling import AnonRateThrottle

    AnonRateThrottle.THROTTLE_RATES = {"anon": "1/minute", "user": "600/minute"}
    try:
        client.get("/api/v1/production-forms/")
        response = client.get("/api/v1/production-forms/")
    finally:
        from django.conf import settings

        AnonRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert set(response.json()) == {"detail"}


# --- the accessibility feedback form --------------------------------------------------------

REPORT = {"message": "Die Karte ist per Tastatur schwer zu bedienen.", "page": "/produzenten/"}


@pytest.mark.django_db
def test_feedback_beyond_the_limit_is_neither_kept_nor_sent(client, settings, mailoutbox):
    settings.FEEDBACK_RATE = (2, 3600)
    for _ in range(2):
        assert client.post("/barrierefreiheit/", REPORT).status_code == 302
    response = client.post("/barrierefreiheit/", {**REPORT, "message": "Noch ein Hinweis hier."})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert AccessibilityFeedback.objects.count() == 2 and len(mailoutbox) == 2
    body = response.content.decode()
    assert "Noch ein Hinweis hier." in body  # what was typed stays
    assert re.search(r"Bitte versuchen Sie es in \d+ Minuten? erneut\.", body)


@pytest.mark.django_db
def test_the_feedback_limit_counts_per_client_address(client, settings):
    settings.FEEDBACK_RATE = (1, 3600)
    assert client.post("/barrierefreiheit/", REPORT, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.post("/barrierefreiheit/", REPORT, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.post("/barrierefreiheit/", REPORT, REMOTE_ADDR="192.0.2.2").status_code == 302


@pytest.mark.django_db
def test_mistyped_feedback_does_not_use_up_the_limit(client, settings):
    settings.FEEDBACK_RATE = (1, 3600)
    for _ in range(3):
        assert client.post("/barrierefreiheit/", {"message": "kurz"}).status_code == 400
    assert client.post("/barrierefreiheit/", REPORT).status_code == 302


# --- HEAD -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "applicant"])
def test_head_answers_like_get_on_every_page(client, private_data, signed_in):  # noqa: F811
    from django.contrib.auth import get_user_model

    from tests.fabtown.test_privacy import APPLICANT

    if signed_in:  # the applicant whose application, photos and profile the URLs name
        client.force_login(get_user_model().objects.get(email=APPLICANT))
    urls = _public_urls()
    with translation.override("en"):
        urls += _public_urls()
    assert len(urls) > 50 and any(url.startswith("/en/") for url in urls)
    differences = []
    for url in urls:
        get, head = client.get(url), client.head(url)
        if (head.status_code, head.content) != (get.status_code, b""):
            differences.append(f"{url}: GET {get.status_code}, HEAD {head.status_code}")
    assert differences == []
