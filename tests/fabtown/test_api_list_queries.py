"""Every list endpoint of the API takes as many queries for a few records as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import (
    InterimUseFactory,
    MeasureFactory,
    MembershipFactory,
    ProducerFactory,
    SearchAreaFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db

# Reason for each number: the anonymous throttle's counter (one upsert), the paging COUNT and
# the page (1–2), plus one query per prefetched relation (sites: suitable forms; interim uses:
# producers; measures: target groups, actors, interactions, best practices, timeline entries,
# outcome links — their records one query per kind linked); annotations and
# joins add none.
LISTS = [
    ("/api/v1/producers/", ProducerFactory, 3),
    ("/api/v1/producers/geojson/", ProducerFactory, 2),
    ("/api/v1/sites/", SiteFactory, 4),
    ("/api/v1/sites/geojson/", SiteFactory, 2),
    ("/api/v1/interim-uses/", InterimUseFactory, 4),
    ("/api/v1/search-areas/", SearchAreaFactory, 3),
    ("/api/v1/measures/", MeasureFactory, 9),
    ("/api/v1/label-members/", MembershipFactory, 3),
]


@pytest.mark.parametrize(("url", "factory", "queries"), LISTS)
def test_an_api_list_takes_the_same_queries_for_3_and_30_records(
    url, factory, queries, django_assert_num_queries
):
    api = APIClient()
    factory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        assert api.get(url).status_code == 200
    assert len(few.captured_queries) == queries
    factory.create_batch(27)
    with django_assert_num_queries(queries):
        assert api.get(url).status_code == 200
