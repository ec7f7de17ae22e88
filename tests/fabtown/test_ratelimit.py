"""The shared limit in PostgreSQL (feedback reports, label submissions, the API's throttles)."""

import threading

import pytest
from django.db import connection

from fabtown import ratelimit
from fabtown.models import RateCounter

pytestmark = pytest.mark.django_db

HOUR = 3600
TURN_OF_AN_HOUR = 3600 * 500_000.0


@pytest.fixture
def clock(monkeypatch):
    """The limiter's time, set by the test."""
    now = {"t": TURN_OF_AN_HOUR + 600}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def _consume(key="203.0.113.5"):
    return ratelimit.consume(action="test", key=key, limit=2, window_seconds=HOUR)


def test_the_limit_holds_within_the_window_and_says_when_it_ends(clock):
    assert _consume() == 0
    clock["t"] += 600
    assert _consume() == 0
    clock["t"] += 100
    assert _consume() == HOUR - 1300  # until the end of this hour's window
    clock["t"] += HOUR - 1300
    assert _consume() == 0


def test_refused_attempts_are_not_counted(clock):
    assert _consume() == 0 and _consume() == 0
    assert _consume() > 0 and _consume() > 0
    assert RateCounter.objects.get().hits == 2


def test_each_key_has_its_own_allowance(clock):
    assert _consume() == 0 and _consume() == 0
    assert _consume(key="203.0.113.6") == 0


def test_a_limit_of_zero_allows_nothing(clock):
    assert ratelimit.consume(action="test", key="x", limit=0, window_seconds=600) == 600


def test_the_table_keeps_no_address_or_email_in_clear(clock):
    ratelimit.consume(action="feedback", key="203.0.113.5", limit=5, window_seconds=HOUR)
    ratelimit.consume(action="feedback", key="jana@example.org", limit=5, window_seconds=HOUR)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM fabtown_ratecounter")
        stored = " ".join(key for (key,) in cursor.fetchall())
    assert stored.count("feedback/3600:") == 2
    assert "203.0.113" not in stored and "example.org" not in stored and "jana" not in stored


def test_a_check_is_one_query_allowed_or_refused(clock, django_assert_num_queries):
    for expected in [0, 0]:
        with django_assert_num_queries(1):
            assert _consume() == expected
    with django_assert_num_queries(1):
        assert _consume() > 0


def test_ended_windows_are_purged_and_current_ones_kept(clock):
    _consume(key="old")
    clock["t"] += HOUR
    _consume(key="current")
    assert ratelimit.purge_expired() == 1
    assert RateCounter.objects.count() == 1
    clock["t"] -= HOUR  # the old key's window would start afresh
    assert _consume(key="old") == 0


def test_every_thousandth_check_of_a_process_purges_ended_windows(clock, monkeypatch):
    _consume(key="old")
    clock["t"] += HOUR
    monkeypatch.setattr(ratelimit, "_checks", iter([ratelimit.PURGE_EVERY]))
    _consume(key="current")
    assert list(RateCounter.objects.values_list("hits", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_separate_connections_get_exactly_the_limit(clock):
    """Twenty requests at once, each on its own database connection (as on separate servers or
    workers), against a limit of seven: exactly seven are allowed."""
    limit, clients = 7, 20
    start = threading.Barrier(clients)
    answers = []

    def request():
        try:
            start.wait()
            answers.append(
                ratelimit.consume(
                    action="race", key="203.0.113.9", limit=limit, window_seconds=HOUR
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == clients
    assert answers.count(0) == limit
    assert RateCounter.objects.get(key__startswith="race/").hits == limit
