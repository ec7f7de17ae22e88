"""Brute force at both login doors (admin, producers' accounts), and the client address behind
the reverse proxy for every limit."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import ApplicantFactory, StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
ADMIN_LOGIN = "/admin/login/"
OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.20"


def _admin_login(client, username, password, address=OFFICE):
    return client.post(
        ADMIN_LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _account_login(client, email, password, address=OFFICE):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def clerk():
    return StaffFactory(username="sachbearbeiterin")


def test_after_five_wrong_admin_passwords_even_the_right_one_is_refused(client, clerk):
    for _ in range(5):
        _admin_login(client, "sachbearbeiterin", "falsch")
    response = _admin_login(client, "sachbearbeiterin", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "Zu viele fehlgeschlagene Anmeldungen" in page and "15 Minuten" in page
    assert not Client().get("/admin/", REMOTE_ADDR=OFFICE).wsgi_request.user.is_authenticated


def test_the_lockout_holds_the_account_at_that_address_only(client, clerk):
    for _ in range(5):
        _admin_login(client, "sachbearbeiterin", "falsch")
    assert _admin_login(Client(), "sachbearbeiterin", PASSWORD, ELSEWHERE).status_code == 302
    assert _admin_login(Client(), "kollege", "falsch").status_code == 200  # others sign in


def test_the_lockout_ends_after_the_cool_off(client, clerk):
    for _ in range(5):
        _admin_login(client, "sachbearbeiterin", "falsch")
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert _admin_login(client, "sachbearbeiterin", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, clerk):
    for _ in range(4):
        _admin_login(client, "sachbearbeiterin", "falsch")
    assert _admin_login(client, "sachbearbeiterin", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _admin_login(client, "sachbearbeiterin", "falsch")
    assert _admin_login(client, "sachbearbeiterin", PASSWORD).status_code == 302


def test_the_counters_live_in_the_database_for_every_server_process(client, clerk):
    for _ in range(3):
        _admin_login(client, "SachBearbeiterin", "falsch")  # case does not matter
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "sachbearbeiterin",
        OFFICE,
        3,
    )


def test_the_producer_login_locks_out_the_same_way(client):
    ApplicantFactory(email="werkstatt@example.org")
    for _ in range(5):
        _account_login(client, "werkstatt@example.org", "falsch")
    response = _account_login(client, "Werkstatt@example.org", PASSWORD)
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()
    other_address = _account_login(Client(), "werkstatt@example.org", PASSWORD, ELSEWHERE)
    assert other_address.status_code == 302


def test_the_lockout_page_speaks_english_under_en(client):
    ApplicantFactory(email="workshop@example.org")
    for _ in range(6):
        response = client.post(
            "/en/account/login/",
            {"login": "workshop@example.org", "password": "wrong"},
            REMOTE_ADDR=OFFICE,
        )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_sign_in_attempts_per_address_are_limited_at_both_doors_together(client, settings):
    """Trying many accounts from one address (password spraying) meets one limit, whichever
    login it uses; another address is not affected."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "4/m/ip"}
    codes = [_admin_login(client, f"konto{n}", "falsch").status_code for n in range(2)]
    codes += [_account_login(client, f"konto{n}@example.org", "x").status_code for n in range(2)]
    assert codes == [200, 200, 200, 200]
    refused = _admin_login(client, "noch-eins", "falsch")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Zu viele Anfragen" in refused.content.decode()
    assert _account_login(client, "noch@example.org", "x").status_code == 429
    assert _admin_login(Client(), "anderswo", "falsch", ELSEWHERE).status_code == 200


# --- The client's address behind the reverse proxy ---------------------------------------------

PROXY = "10.0.0.2"  # REMOTE_ADDR of every request that comes through the proxy


def _via_proxy(client_address: str, claimed: str = "") -> dict:
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def test_behind_one_proxy_the_lockout_counts_each_client_not_the_proxy(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            ADMIN_LOGIN,
            {"username": "sachbearbeiterin", "password": "falsch"},
            **_via_proxy("203.0.113.5"),
        )
    colleague = Client().post(
        ADMIN_LOGIN,
        {"username": "sachbearbeiterin", "password": PASSWORD},
        **_via_proxy("203.0.113.6"),
    )
    assert colleague.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_a_client_cannot_choose_its_address_by_sending_the_header(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):  # a new made-up address in front each time
        client.post(
            ADMIN_LOGIN,
            {"username": "sachbearbeiterin", "password": "falsch"},
            **_via_proxy("203.0.113.5", claimed=f"198.51.100.{number}"),
        )
    response = client.post(
        ADMIN_LOGIN,
        {"username": "sachbearbeiterin", "password": PASSWORD},
        **_via_proxy("203.0.113.5", claimed="198.51.100.99"),
    )
    assert response.status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    _admin_login(client, "sachbearbeiterin", "falsch")
    client.post(
        ADMIN_LOGIN,
        {"username": "sachbearbeiterin", "password": "falsch"},
        REMOTE_ADDR=OFFICE,
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    assert AccessAttempt.objects.get().ip_address == OFFICE


def test_behind_the_proxy_sign_up_limits_count_each_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}

    def sign_up(number, address):
        data = {"email": f"neu{number}@example.org", "password1": PASSWORD,
                "password2": PASSWORD}  # fmt: skip
        return Client().post(reverse("account_signup"), data, **_via_proxy(address)).status_code

    assert sign_up(1, "203.0.113.5") == 302
    assert sign_up(2, "203.0.113.6") == 302  # another citizen behind the same proxy
    assert sign_up(3, "203.0.113.5") == 429


def test_behind_the_proxy_the_feedback_limit_counts_each_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FEEDBACK_RATE = (1, 3600)
    url = reverse("pages:accessibility")
    report = {"message": "Der Kontrast im Kopf ist zu schwach."}
    assert Client().post(url, report, **_via_proxy("203.0.113.5")).status_code == 302
    assert Client().post(url, report, **_via_proxy("203.0.113.6")).status_code == 302
    assert Client().post(url, report, **_via_proxy("203.0.113.5")).status_code == 429


def test_behind_the_proxy_the_api_throttle_counts_each_client_and_ignores_made_up_headers(
    settings,
):
    from django.core.cache import cache
    from rest_framework.throttling import AnonRateThrottle

    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    AnonRateThrottle.THROTTLE_RATES = {"anon": "2/minute", "user": "600/minute"}
    api = APIClient()
    try:
        url = "/api/v1/production-forms/"
        first = [
            api.get(url, **_via_proxy("203.0.113.5", claimed=f"198.51.100.{n}")).status_code
            for n in range(3)
        ]
        other = api.get(url, **_via_proxy("203.0.113.6")).status_code
    finally:
        AnonRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        cache.clear()
    assert first == [200, 200, 429]
    assert other == 200
