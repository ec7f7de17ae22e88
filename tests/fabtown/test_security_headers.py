"""Content-Security-Policy and Permissions-Policy on every response (see README, Production)."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from fabtown.security import source_of
from tests.factories import ProducerFactory

pytestmark = pytest.mark.django_db

DENIED = ["camera", "microphone", "geolocation", "payment", "usb"]


def _policy(response) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (d.split() for d in response["Content-Security-Policy"].split(";"))
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),  # a page
        ("/api/v1/producers/", 200),  # API JSON
        ("/api/v1/open-data/producers.csv", 200),
        ("/gibt-es-nicht/", 404),  # error page
        ("/api/v1/gibt-es-nicht/", 404),  # API error
        ("/static/fabtown/site.css", 200),  # WhiteNoise, inside the middleware chain
    ],
)
def test_every_kind_of_response_carries_both_policies(settings, path, status):
    settings.WHITENOISE_USE_FINDERS = True  # tests do not collect static files
    response = Client().get(path, HTTP_ACCEPT="application/json" if "/api/" in path else "*/*")
    assert response.status_code == status
    assert _policy(response)["default-src"] == ["'self'"]
    permissions = response["Permissions-Policy"]
    for feature in DENIED:
        assert f"{feature}=()" in permissions


def test_scripts_come_only_from_our_own_files(client):
    policy = _policy(client.get("/"))
    assert policy["script-src"] == ["'self'"]  # no nonce where no template used one
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == policy["form-action"] == ["'self'"]
    assert "https://tile.openstreetmap.org" in policy["img-src"]


def test_an_inline_style_element_gets_a_fresh_nonce_per_response(client):
    """The browsable API's code highlighting is our one inline element (rest_framework/api.html)."""
    ProducerFactory()
    nonces = []
    for _ in range(2):
        response = client.get("/api/v1/producers/", HTTP_ACCEPT="text/html")
        policy = _policy(response)
        (nonce,) = re.findall(r'<style nonce="([^"]+)"', response.content.decode())
        assert f"'nonce-{nonce}'" in policy["style-src"]
        assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_only_redoc_may_write_style_elements_and_start_a_worker_from_a_blob(client):
    redoc = _policy(client.get("/api/v1/redoc/"))
    assert redoc["style-src"] == ["'self'", "'unsafe-inline'"]
    assert redoc["worker-src"] == ["'self'", "blob:"]
    assert redoc["script-src"] == ["'self'"]
    swagger = _policy(client.get("/api/v1/docs/"))
    assert swagger["style-src"] == ["'self'"] and "worker-src" not in swagger
    assert b"<script>" not in client.get("/api/v1/docs/").content


@pytest.mark.parametrize(
    ("tiles", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
        (
            "https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png",
            ["https://*.tiles.example.org:8443"],
        ),
        ("//tiles.example.org/{z}/{x}/{y}.png", ["tiles.example.org"]),
        ("/tiles/{z}/{x}/{y}.png", []),  # our own server: 'self'
    ],
)
def test_the_tile_server_is_derived_from_the_tile_url(tiles, source):
    assert source_of(tiles) == source


def test_a_tile_url_with_placeholders_in_the_host_is_refused():
    with pytest.raises(ImproperlyConfigured):
        source_of("https://tiles-{s}.example.org/{z}/{x}/{y}.png")


def test_a_refused_form_gets_our_page_without_inline_styles():
    response = Client(enforce_csrf_checks=True).post("/konto/login/", {"login": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Das Formular konnte nicht gesendet werden" in page
    assert "<style" not in page and "<script>" not in page
    assert "Content-Security-Policy" in response


def test_swagger_ui_sends_nothing_to_the_swagger_validator(client):
    script = client.get("/api/v1/docs/?script").content.decode()
    assert '"validatorUrl": null' in script
