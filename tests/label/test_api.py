import pytest
from rest_framework.test import APIClient

from tests.factories import LabelApplicationFactory, MembershipFactory, ProducerFactory

pytestmark = pytest.mark.django_db


def test_label_members_are_current_regular_members_without_personal_data(
    django_assert_max_num_queries,
):
    MembershipFactory(
        producer=ProducerFactory(name="Aktuell"), valid_from="2022-01-01", valid_until=None
    )
    MembershipFactory(
        producer=ProducerFactory(name="Vorbei"), valid_from="2020-01-01", valid_until="2020-12-31"
    )
    LabelApplicationFactory(contact_email="max.antragsteller@example.org")
    api = APIClient()
    with django_assert_max_num_queries(3):  # members with producer (join), count, throttle
        body = api.get("/api/v1/label-members/").json()
    assert [m["producer_name"] for m in body["results"]] == ["Aktuell"]
    assert "antragsteller" not in api.get("/api/v1/label-members/").content.decode()
