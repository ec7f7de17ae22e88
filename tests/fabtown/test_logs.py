"""Every request has an id in its log lines and its answer; the lines hold no personal data."""

import datetime
import json
import logging
import re
import sys

import pytest
from django.urls import reverse

from fabtown.logs import JsonFormatter, RequestIdFilter, request_id_var
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


class Collect(logging.Handler):
    """Like the console handler of LOGGING: the request-id filter, then the JSON formatter."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def log(settings):
    settings.ACCESS_LOG = True
    handler = Collect()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def _access(log: Collect) -> list[dict]:
    return [json.loads(line) for line in log.lines if '"logger": "fabtown.access"' in line]


def test_every_answer_carries_a_new_request_id(client):
    first, second = client.get("/"), client.get("/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_well_formed_request_id_of_our_own_proxy_is_kept(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a9c01-42")
    assert response["X-Request-ID"] == "lb-7f3a9c01-42"


def test_without_a_proxy_a_clients_own_request_id_is_replaced(client):
    """Otherwise a client could give its requests the id of someone else's request."""
    response = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a9c01-42")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.parametrize(
    "incoming", ["short", "x" * 65, "id with spaces", 'forged"}\n{"level": "ERROR', "ä" * 12]
)
def test_an_incoming_request_id_that_does_not_fit_the_pattern_is_replaced(
    client, settings, incoming
):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/", HTTP_X_REQUEST_ID=incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_record_logged_during_a_request_carries_its_id(client, log):
    response = client.get("/gibt-es-nicht/")  # Django logs "Not Found: …" after the middleware
    request_id = response["X-Request-ID"]
    not_found = [r for r in log.records if r.name == "django.request"]
    assert not_found and all(r.request_id == request_id for r in not_found)
    assert [line["request_id"] for line in _access(log)] == [request_id]
    assert request_id_var.get() is None  # cleared when the answer was closed


def test_one_access_line_per_request_parses_and_names_what_an_operator_needs(client, log):
    response = client.get("/produzenten/")
    [line] = _access(log)
    assert line["method"] == "GET" and line["path"] == "/produzenten/"
    assert line["status"] == 200 and line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO"
    datetime.datetime.fromisoformat(line["time"])


def test_the_access_line_has_no_query_string_address_or_account(client, log):
    applicant = ApplicantFactory(email="martha.muster@example.org", username="martha")
    client.force_login(applicant)
    client.get("/produzenten/?q=Kaffeer%C3%B6sterei+Muster&category=kaffee")
    text = "\n".join(log.lines)
    for private in ("Muster", "kaffee", "martha", "example.org", "127.0.0.1", "?"):
        assert private not in text


def test_secret_keys_in_links_do_not_reach_the_log(client, log):
    key = "MTI:1tQx9Z:geheimer-bestaetigungsschluessel"
    client.get(reverse("account_confirm_email", kwargs={"key": key}))
    [line] = _access(log)
    assert key not in "\n".join(log.lines)
    assert line["path"].endswith("/…/")


def test_the_json_formatter_writes_one_parseable_line_with_the_traceback():
    try:
        raise ValueError("kaputt")
    except ValueError:
        record = logging.LogRecord("fabtown", logging.ERROR, __file__, 1, "Fehler %s", ("x",), None)
        record.exc_info = sys.exc_info()
    record.request = object()  # Django attaches the request; it must not be written
    token = request_id_var.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Fehler x" and entry["request_id"] == "abc123def456"
    assert "ValueError: kaputt" in entry["exception"]
    assert "request" not in entry
