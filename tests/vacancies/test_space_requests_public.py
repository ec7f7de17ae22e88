"""The public doors of space requests: the form, the thank-you page and the requester's own
renew and withdraw pages."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import ProductionFormFactory, SearchAreaFactory, SpaceRequestFactory
from vacancies.models import CadastreSettings, SpaceRequest

pytestmark = pytest.mark.django_db

FORM = "/flaechen/gesuch/"


@pytest.fixture
def areas():
    return [SearchAreaFactory(name="Gleisdreieck"), SearchAreaFactory(name="Innenstadt")]


def _payload(areas, **changes) -> dict:
    payload = {
        "title": "Rösterei mit Café",
        "description": "Kleine Kaffeerösterei mit Ausschank",
        "production_form": ProductionFormFactory().pk,
        "floor_area_min_m2": "60",
        "floor_area_max_m2": "120",
        "needs_shop_window": "on",
        "equipment_wanted": "Starkstrom, Abluft",
        "max_rent_eur_per_month": "900",
        "search_areas": [areas[0].pk, areas[1].pk],
        "wanted_from": "2027-03-01",
        "organisation": "Röstwerk Bochum",
        "contact_name": "Jana Gesuchstellerin",
        "contact_email": "jana.gesuch@example.org",
        "contact_phone": "0234 555777",
        "notify_matches": "on",
        "consent": "on",
    }
    payload.update(changes)
    return {key: value for key, value in payload.items() if value is not None}


def test_the_form_is_linked_from_the_sites_list_and_speaks_both_languages(client, areas):
    assert FORM in client.get("/flaechen/").content.decode()
    page = client.get(FORM)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Gleisdreieck" in body and 'type="checkbox"' in body
    assert "Ihre Einwilligung" in body and "Wer es sieht" in body  # the consent text
    assert "no-store" in page["Cache-Control"]
    assert client.get("/en/sites/request/").status_code == 200


def test_a_request_is_recorded_and_confirmed_by_e_mail_without_other_peoples_data(client, areas):
    SpaceRequestFactory(contact_email="someone.else@example.org", contact_name="Otto Anders")
    response = client.post(FORM, _payload(areas))
    assert response.status_code == 302 and response["Location"] == "/flaechen/gesuch/danke/"
    record = SpaceRequest.objects.get(contact_email="jana.gesuch@example.org")
    assert record.source == "public_form" and record.consent_given_at is not None
    assert record.notify_matches and record.needs_shop_window is True
    assert record.needs_ground_floor is None  # not ticked: does not matter
    assert {a.name for a in record.search_areas.all()} == {"Gleisdreieck", "Innenstadt"}
    (message,) = mail.outbox
    assert message.to == ["jana.gesuch@example.org"]
    assert f"/flaechen/gesuch/{record.token}/verlaengern/" in message.body
    assert f"/flaechen/gesuch/{record.token}/zurueckziehen/" in message.body
    assert "Otto Anders" not in message.body and "someone.else" not in message.body
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "no-store" in thanks["Cache-Control"]
    assert "jana" not in thanks.content.decode().lower()  # nothing personal echoed


def test_invalid_input_is_shown_with_every_value_kept(client, areas):
    response = client.post(
        FORM, _payload(areas, floor_area_min_m2="200", contact_email="kein-at-zeichen")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Die größte Fläche kann nicht kleiner sein als die kleinste." in body
    assert "Bitte korrigieren Sie die markierten Felder" in body
    for value in ("Rösterei mit Café", "Starkstrom, Abluft", "Röstwerk Bochum", "0234 555777",
                  "kein-at-zeichen", "2027-03-01", 'value="900"'):  # fmt: skip
        assert value in body, value
    form = response.context["form"]
    assert {str(a.pk) for a in areas} == set(form["search_areas"].value())
    assert not SpaceRequest.objects.exists() and mail.outbox == []


def test_without_consent_nothing_is_stored(client, areas):
    response = client.post(FORM, _payload(areas, consent=None))
    assert response.status_code == 400
    assert "Ohne Ihre Einwilligung können wir Ihr Gesuch nicht speichern." in (
        response.content.decode()
    )
    assert "Rösterei mit Café" in response.content.decode()
    assert not SpaceRequest.objects.exists()


def test_too_many_requests_from_one_address_answer_429_and_lose_nothing(client, areas, settings):
    settings.SPACE_REQUEST_RATE = (1, 3600)
    assert client.post(FORM, _payload(areas)).status_code == 302
    response = client.post(FORM, _payload(areas, title="Zweites Gesuch"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert "Zweites Gesuch" in body and "Röstwerk Bochum" in body
    assert "Alles, was Sie eingegeben haben, bleibt im Formular erhalten." in body
    assert SpaceRequest.objects.count() == 1
    # invalid posts do not use up the allowance of another address
    other = client.post(FORM, _payload(areas), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_the_form_takes_a_constant_number_of_queries(client, areas, django_assert_num_queries):
    SearchAreaFactory.create_batch(5)
    ProductionFormFactory(code="food", name="Lebensmittel")
    CadastreSettings.current()
    # the periods of the cadastre settings, the production forms, the search areas
    with django_assert_num_queries(3):
        assert client.get(FORM).status_code == 200


# --- The requester's own links ---------------------------------------------------------------


def _renew(token) -> str:
    return f"/flaechen/gesuch/{token}/verlaengern/"


def _withdraw(token) -> str:
    return f"/flaechen/gesuch/{token}/zurueckziehen/"


def test_opening_the_renew_link_changes_nothing_the_button_renews(client):
    soon = timezone.localdate() + datetime.timedelta(days=3)
    record = SpaceRequestFactory(expires_on=soon)
    page = client.get(_renew(record.token))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'method="post"' in page.content.decode()
    assert "Jana" not in page.content.decode()
    record.refresh_from_db()
    assert record.expires_on == soon
    response = client.post(_renew(record.token))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.expires_on > soon
    assert "Ihr Gesuch wurde verlängert" in client.get(response["Location"]).content.decode()


def test_an_erased_request_is_not_renewed(client):
    record = SpaceRequestFactory(personal_data_erased_at=timezone.now(), contact_email="")
    page = client.get(_renew(record.token)).content.decode()
    assert "wurde gelöscht" in page and 'method="post"' not in page
    response = client.post(_renew(record.token))
    assert response.status_code == 400
    assert "kann nicht verlängert werden" in response.content.decode()


def test_opening_the_withdraw_link_changes_nothing_the_button_withdraws(client):
    record = SpaceRequestFactory()
    assert client.get(_withdraw(record.token)).status_code == 200
    client.head(_withdraw(record.token))
    record.refresh_from_db()
    assert record.status == "open"
    response = client.post(_withdraw(record.token))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "withdrawn"
    assert "wurde zurückgezogen" in client.get(response["Location"]).content.decode()


def test_unknown_tokens_are_not_found(client):
    token = "00000000-0000-0000-0000-000000000000"
    assert client.get(_renew(token)).status_code == 404
    assert client.post(_withdraw(token)).status_code == 404
    assert client.get("/flaechen/gesuch/kein-token/verlaengern/").status_code == 404
