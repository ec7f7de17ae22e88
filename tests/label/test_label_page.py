import pytest

from tests.factories import FeeTierFactory, MembershipFactory, ProducerFactory

pytestmark = pytest.mark.django_db


def test_the_label_page_explains_criteria_and_fees(client):
    FeeTierFactory(name="Klein", min_employees=2, max_employees=5, monthly_fee_eur=15)
    page = client.get("/label/").content.decode()
    assert "Mindestens zwei der drei Stufen der Wertschöpfung" in page
    assert "Sitz oder Laden in Bochum" in page
    assert "15,00 €" in page


def test_the_member_list_shows_current_members_only(client):
    MembershipFactory(
        producer=ProducerFactory(name="Aktuell"), valid_from="2022-06-01", valid_until=None
    )
    MembershipFactory(
        producer=ProducerFactory(name="Abgelaufen"),
        valid_from="2020-01-01",
        valid_until="2020-12-31",
    )
    MembershipFactory(
        producer=ProducerFactory(name="Förderin"), kind="supporting", valid_until=None
    )
    page = client.get("/label/").content.decode()
    assert "Aktuell" in page and "Abgelaufen" not in page and "Förderin" not in page


def test_the_label_page_takes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    """Reason: members with producer and category in one query, fee tiers in another."""
    for _ in range(10):
        MembershipFactory(valid_from="2022-06-01", valid_until=None)
    with django_assert_max_num_queries(2):
        client.get("/label/")
