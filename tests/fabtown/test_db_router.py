"""With a read replica, public reads go there and everybody still sees their own writes.

The test settings define `replica` as a mirror of the test database (TEST MIRROR): a second
connection to the same database, so that the router's choice can be observed per alias.
"""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from fabtown.db_router import PIN_SESSION_KEY, PRIMARY, REPLICA, ReplicaPinMiddleware, ReplicaRouter
from label.models import LabelApplication
from producers.models import Producer
from tests.factories import ApplicantFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

router = ReplicaRouter()


def _read_db(request, *, model=Producer, before=None) -> str:
    """Where a read of `model` goes while `request` is served (after `before`, if given)."""

    def view(request):
        if before is not None:
            before()
        return router.db_for_read(model)

    return ReplicaPinMiddleware(view)(request)


def _request(method="get", path="/produzenten/", *, user=None, session=None, **extra):
    request = getattr(RequestFactory(), method)(path, **extra)
    request.user = user or AnonymousUser()
    request.session = session or SessionStore()
    if session is not None:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = session.session_key
    return request


def _session(**data) -> SessionStore:
    session = SessionStore()
    session.update(data)
    session.create()
    return session


@pytest.fixture
def replica_installed(settings):
    settings.DATABASE_ROUTERS = ["fabtown.db_router.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "fabtown.db_router.ReplicaPinMiddleware",
    )
    settings.MIDDLEWARE = middleware


def test_an_anonymous_visitors_read_goes_to_the_replica():
    assert _read_db(_request()) == REPLICA


def test_sessions_accounts_and_the_cache_table_always_read_the_primary():
    from django.contrib.auth import get_user_model

    for model in (Session, get_user_model()):
        assert _read_db(_request(), model=model) == PRIMARY


def test_reads_outside_a_request_go_to_the_primary():
    # Management commands, the task worker, the shell.
    assert router.db_for_read(Producer) == PRIMARY


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_request_that_writes_reads_the_primary(method):
    assert _read_db(_request(method)) == PRIMARY


def test_a_read_after_a_write_in_the_same_request_goes_to_the_primary():
    assert _read_db(_request(), before=lambda: router.db_for_write(Producer)) == PRIMARY


def test_a_write_to_the_cache_or_a_session_does_not_pin_the_request():
    assert _read_db(_request(), before=lambda: router.db_for_write(Session)) == REPLICA


def test_a_read_inside_an_atomic_block_goes_to_the_primary():
    def read_in_atomic():
        with transaction.atomic():
            return router.db_for_read(Producer)

    request = _request()
    assert ReplicaPinMiddleware(lambda request: read_in_atomic())(request) == PRIMARY


def test_the_admin_reads_the_primary():
    assert _read_db(_request(path="/admin/producers/producer/")) == PRIMARY


def test_staff_read_the_primary_on_every_page():
    staff, session = StaffFactory(), _session()
    assert _read_db(_request(user=staff, session=session)) == PRIMARY


def test_a_signed_in_producer_reads_the_replica_when_nothing_was_written_lately():
    applicant, session = ApplicantFactory(), _session()
    assert _read_db(_request(user=applicant, session=session)) == REPLICA


def test_an_api_client_with_a_token_reads_the_primary():
    assert _read_db(_request(HTTP_AUTHORIZATION="Token abc")) == PRIMARY


def test_a_client_reads_the_primary_for_the_pin_seconds_after_its_own_write(settings):
    applicant = ApplicantFactory()
    pinned = _session(**{PIN_SESSION_KEY: time.time() + settings.REPLICA_PIN_SECONDS})
    expired = _session(**{PIN_SESSION_KEY: time.time() - 1})
    assert _read_db(_request(user=applicant, session=pinned)) == PRIMARY
    assert _read_db(_request(user=applicant, session=expired)) == REPLICA


def test_a_write_request_pins_the_clients_session(settings):
    session = _session()
    request = _request("post", user=ApplicantFactory(), session=session)
    before = time.time()
    _read_db(request, before=lambda: router.db_for_write(LabelApplication))
    assert session[PIN_SESSION_KEY] >= before + settings.REPLICA_PIN_SECONDS


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(PRIMARY, "producers") is True
    assert router.allow_migrate(REPLICA, "producers") is False


def test_a_public_page_reads_from_the_replica_with_no_more_queries(
    client, settings, bochum_data, replica_installed
):
    settings.ANSWER_CACHE = False  # both requests render; a cached answer would hide the reads
    cache.clear()
    with (
        CaptureQueriesContext(connections[PRIMARY]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        assert client.get("/produzenten/").status_code == 200
    routed = len(primary) + len(replica)
    settings.DATABASE_ROUTERS = []
    cache.clear()
    with CaptureQueriesContext(connections[PRIMARY]) as unrouted:
        assert client.get("/produzenten/").status_code == 200
    assert len(replica) > 0 and len(primary) == 0
    assert routed == len(unrouted)
