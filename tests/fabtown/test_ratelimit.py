"""The shared limit for actions allauth does not cover (feedback reports, label submissions)."""

import pytest

from fabtown import ratelimit


@pytest.fixture
def clock(monkeypatch):
    """The limiter's time, set by the test."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def _consume(**kwargs):
    return ratelimit.consume(action="test", key="203.0.113.5", limit=2, window_seconds=3600)


def test_a_burst_across_the_turn_of_the_hour_gets_no_second_allowance(clock):
    clock["t"] = 3600 * 500_000 - 60  # one minute before the hour
    assert _consume() == 0 and _consume() == 0
    clock["t"] += 120  # one minute after it
    assert _consume() == 3600 - 120  # the first of the two leaves the window then


def test_the_next_action_is_allowed_exactly_when_the_window_has_moved_on(clock):
    assert _consume() == 0
    clock["t"] += 600
    assert _consume() == 0
    clock["t"] += 100
    assert _consume() == 2900
    clock["t"] += 2900
    assert _consume() == 0


def test_each_key_has_its_own_allowance(clock):
    assert _consume() == 0 and _consume() == 0
    assert ratelimit.consume(action="test", key="203.0.113.6", limit=2) == 0


def test_a_limit_of_zero_allows_nothing(clock):
    assert ratelimit.consume(action="test", key="x", limit=0, window_seconds=600) == 600
