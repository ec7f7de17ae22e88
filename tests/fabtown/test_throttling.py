"""The API's throttles count in PostgreSQL: one statement a request, DRF's scopes and rates."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from fabtown.models import RateCounter
from tests.factories import ProducerFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/producers/"
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fabtown_cache",
    },
}


@pytest.fixture
def rates(settings):
    def set_rates(anon: str, user: str) -> None:
        AnonRateThrottle.THROTTLE_RATES = UserRateThrottle.THROTTLE_RATES = {
            "anon": anon,
            "user": user,
        }

    yield set_rates
    AnonRateThrottle.THROTTLE_RATES = UserRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK[
        "DEFAULT_THROTTLE_RATES"
    ]


def _queries(django_assert_max_num_queries, throttles) -> int:
    APIView.throttle_classes = throttles
    with django_assert_max_num_queries(100) as context:
        assert APIClient().get(LIST).status_code == 200
    return len(context)


def test_the_api_list_spends_one_query_on_throttling_instead_of_a_dozen(
    settings, monkeypatch, django_assert_max_num_queries
):
    """With the database cache (production without CACHE_URL), DRF's throttles read and wrote
    their request histories in it; the counter is one INSERT … ON CONFLICT."""
    from fabtown.throttling import AnonCounterThrottle, UserCounterThrottle

    ProducerFactory.create_batch(5)
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    monkeypatch.setattr(APIView, "throttle_classes", APIView.throttle_classes)
    unthrottled = _queries(django_assert_max_num_queries, [])
    drf = _queries(django_assert_max_num_queries, [AnonRateThrottle, UserRateThrottle])
    ours = _queries(django_assert_max_num_queries, [AnonCounterThrottle, UserCounterThrottle])
    assert ours == unthrottled + 1
    assert drf - unthrottled >= 10


def test_the_settings_name_the_counter_throttles():
    from fabtown.throttling import AnonCounterThrottle, UserCounterThrottle

    assert APIView.throttle_classes == [AnonCounterThrottle, UserCounterThrottle]


def test_signed_in_clients_are_throttled_per_account_with_retry_after(rates):
    rates(anon="100/minute", user="2/minute")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory())}")
    codes = [api.get("/api/v1/production-forms/").status_code for _ in range(3)]
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory())}")
    assert codes == [200, 200, 429]
    assert other.get("/api/v1/production-forms/").status_code == 200
    refused = api.get("/api/v1/production-forms/")
    assert 0 < int(refused["Retry-After"]) <= 60 and set(refused.json()) == {"detail"}


def test_anonymous_requests_are_counted_once_under_the_anonymous_scope(rates):
    rates(anon="3/minute", user="1/minute")
    codes = [APIClient().get("/api/v1/production-forms/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert [key.split(":")[0] for key in RateCounter.objects.values_list("key", flat=True)] == [
        "api-anon/60"
    ]


def test_the_test_settings_rates_leave_the_api_unthrottled_but_counted():
    for _ in range(5):
        assert APIClient().get("/api/v1/production-forms/").status_code == 200
    assert RateCounter.objects.get().hits == 5
