"""The optional error tracker gets what helps to fix a bug, and nothing about a person."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from fabtown import sentry


def _event() -> dict:
    return {
        "request": {
            "url": "https://fabtown.bochum.de/produzenten/?q=Muster",
            "method": "POST",
            "query_string": "q=Muster",
            "data": {"contact_email": "martha@example.org"},
            "cookies": {"sessionid": "abc"},
            "env": {"REMOTE_ADDR": "203.0.113.7"},
            "headers": {
                "Authorization": "Token 0123456789abcdef",
                "Cookie": "sessionid=abc",
                "User-Agent": "Mozilla/5.0",
                "X-Request-ID": "lb-7f3a9c01",
            },
        },
        "user": {"id": "42", "email": "martha@example.org", "username": "martha",
                 "ip_address": "203.0.113.7"},
        "breadcrumbs": {"values": [
            {"category": "httplib", "data": {"url": "https://geo.example/?address=Kortumstr. 1",
                                             "http.query": "address=Kortumstr. 1"}},
        ]},
    }  # fmt: skip


def test_the_scrubber_removes_bodies_cookies_secrets_query_strings_and_the_persons_data():
    event = sentry.scrub_event(_event(), hint={})
    request = event["request"]
    assert request == {
        "url": "https://fabtown.bochum.de/produzenten/",
        "method": "POST",
        "headers": {"User-Agent": "Mozilla/5.0", "X-Request-ID": "lb-7f3a9c01"},
    }
    assert event["user"] == {"id": "42"}
    assert event["breadcrumbs"]["values"][0]["data"] == {"url": "https://geo.example/"}
    text = repr(event)
    for private in ("Muster", "martha", "203.0.113.7", "Token", "abc", "Kortumstr"):
        assert private not in text


def test_without_a_dsn_the_sdk_is_not_started(monkeypatch):
    calls = []
    monkeypatch.setattr("sentry_sdk.init", lambda **options: calls.append(options))
    assert sentry.init_sentry(dsn="", environment="", release="", traces_sample_rate="0") is False
    assert calls == []


def test_with_a_dsn_the_sdk_starts_without_personal_data(monkeypatch):
    calls = []
    monkeypatch.setattr("sentry_sdk.init", lambda **options: calls.append(options))
    started = sentry.init_sentry(
        dsn="https://public@sentry.example.org/1",
        environment="staging",
        release="2026.11.1",
        traces_sample_rate="0.25",
    )
    [options] = calls
    assert started is True
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["max_request_body_size"] == "never"
    assert options["traces_sample_rate"] == 0.25
    assert (options["environment"], options["release"]) == ("staging", "2026.11.1")
    assert options["before_send"] is sentry.scrub_event
    assert [type(i).__name__ for i in options["integrations"]] == ["DjangoIntegration"]


@pytest.mark.parametrize("raw", ["viel", "1.5", "-0.1"])
def test_a_sample_rate_outside_0_to_1_stops_the_start(raw):
    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE"):
        sentry.sample_rate(raw)
