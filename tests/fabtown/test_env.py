import pytest
from django.core.exceptions import ImproperlyConfigured

from fabtown.env import env_bool, env_int, env_list, env_rate, env_str


def test_booleans_are_read_in_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", default=not expected) is expected


@pytest.mark.parametrize(
    ("helper", "raw"), [(env_bool, "maybe"), (env_int, "zehn")], ids=["bool", "int"]
)
def test_a_value_that_cannot_be_read_fails_loudly(monkeypatch, helper, raw):
    monkeypatch.setenv("SETTING", raw)
    with pytest.raises(ImproperlyConfigured, match="SETTING"):
        helper("SETTING", default=None)


def test_a_required_value_that_is_missing_fails_loudly(monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="NOT_SET_ANYWHERE"):
        env_str("NOT_SET_ANYWHERE")


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("HOSTS", "fabtown.bochum.de, www.fabtown.bochum.de,")
    assert env_list("HOSTS", default=[]) == ["fabtown.bochum.de", "www.fabtown.bochum.de"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("5/h", (5, 3600)), ("20/10m", (20, 600)), ("1/d", (1, 86400))]
)
def test_rates_are_counts_per_period(monkeypatch, raw, expected):
    monkeypatch.setenv("RATE", raw)
    assert env_rate("RATE", default="1/s") == expected


@pytest.mark.parametrize("raw", ["5", "5/x", "fünf/h", "5/0m", "/h"])
def test_a_rate_that_cannot_be_read_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="RATE"):
        env_rate("RATE", default="1/s")
