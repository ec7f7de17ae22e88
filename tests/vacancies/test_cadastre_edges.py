"""Edges found by trying the cadastre from outside (issue 11): odd dates, odd ids and odd
titles get answers, never a 500 or garbled text."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import SpaceRequestFactory, SuperuserFactory
from vacancies.models import UnitCount
from vacancies.services.space_requests import space_request_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_the_statistics_api_refuses_a_date_out_of_range_with_a_field_error(client, on):
    answer = client.get("/api/v1/statistics/vacancy/", {"on": on})
    assert answer.status_code == 400
    assert "on" in answer.json()


@pytest.mark.parametrize(
    "period",
    [
        {"start": "2020-01-01", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "2026-01-01"},
        {"start": "1990-01-01", "end": "2099-01-01"},
    ],
)
def test_the_staff_statistics_page_answers_an_impossible_period_with_a_form_error(client, period):
    client.force_login(SuperuserFactory())
    answer = client.get("/admin/vacancies/statistics/", period)
    assert answer.status_code == 200
    assert answer.context["form"].errors


def test_proposing_a_site_with_a_malformed_id_is_not_found(client):
    client.force_login(SuperuserFactory())
    wanted = SpaceRequestFactory()
    url = reverse("admin:vacancies_spacerequest_matches", args=[wanted.pk])
    assert client.post(url, {"site": "abc"}).status_code == 404
    assert client.post(url, {"site": "9" * 30}).status_code == 404


def test_the_confirmation_subject_shows_the_title_as_typed():
    space_request_create(
        data={"title": "Brot & Butter <Werkstatt>", "contact_email": "a@example.org"},
        by=None,
        source="public_form",
    )
    (message,) = mail.outbox
    assert "„Brot & Butter <Werkstatt>“" in message.subject
    assert "&amp;" not in message.subject


def test_a_unit_count_in_the_future_or_twice_a_day_is_refused_with_a_readable_message():
    from django.core.exceptions import ValidationError

    today = datetime.date.today()
    with pytest.raises(ValidationError) as refused:
        UnitCount(units=10, counted_on=today + datetime.timedelta(days=400)).full_clean()
    assert "counted_on" in refused.value.message_dict
    UnitCount.objects.create(units=10, counted_on=today)
    with pytest.raises(ValidationError) as refused:
        UnitCount(units=12, counted_on=today).full_clean()
    assert refused.value.message_dict["counted_on"] == [
        "Für diesen Bereich gibt es an diesem Tag bereits eine Zählung."
    ]
