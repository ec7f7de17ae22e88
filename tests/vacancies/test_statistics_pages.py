"""The vacancy statistics' doors: the API answer, the staff page with its CSV, the public page."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from fabtown.roles import LABEL_BOARD, VIEWERS, ensure_staff_groups
from tests.factories import SearchAreaFactory, StaffFactory, UserFactory
from tests.vacancies.test_statistics import (
    EAST,
    IN_BOTH,
    WEST,
    D,
    _proposal,
    _request,
    site_with_history,
)
from vacancies.models import LostReason, ProposalStage, SiteStatus, UnitCount

pytestmark = pytest.mark.django_db

API = "/api/v1/statistics/vacancy/"
STAFF_PAGE = "/admin/vacancies/statistics/"
PUBLIC_PAGE = "/flaechen/statistik/"
SECRETS = ["Erika Mustereigentümerin", "erika.eigentuemerin@example.org", "0234 999999",
           "Max Muster", "max.muster@example.org", "Geheimnotiz"]  # fmt: skip


def _world(sites: int = 2, areas: int = 2):
    """Areas with counts, vacant sites in both areas, a request with proposals: every number
    the outputs show has something to count, and the secrets are in the database."""
    today = timezone.localdate()
    made = [
        SearchAreaFactory(name=f"Gebiet {i}", slug=f"gebiet-{i}", area=GEOSGeometry(polygon))
        for i, polygon in zip(range(areas), [WEST, EAST] * areas, strict=False)
    ]
    for area in made:
        UnitCount.objects.create(search_area=area, units=40, counted_on=D(2020, 1, 1))
    UnitCount.objects.create(search_area=None, units=2000, counted_on=D(2020, 1, 1))
    for _ in range(sites):
        site = site_with_history((D(2023, 1, 1), SiteStatus.VACANT), location=IN_BOTH)
        site.internal_notes = "Geheimnotiz"
        site.save()
    request = _request(today, title="Werkstatt gesucht")
    request.contact_email = "max.muster@example.org"
    request.save()
    _proposal(request, on=today, stage=ProposalStage.LOST, lost_on=today,
              lost_reason=LostReason.RENT)  # fmt: skip
    return made


def _staff(group: str):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group)])


def test_the_api_answers_exactly_the_contract():
    _world(sites=2, areas=2)
    answer = APIClient().get(API, {"on": "2024-06-30"})
    assert answer.status_code == 200
    body = answer.json()
    assert {"reserve", "city", "areas"} <= set(body)
    assert body["reserve"] == 0.03
    assert {"units", "vacant", "rate"} <= set(body["city"])
    assert body["city"] == {"units": 2000, "vacant": 2, "rate": 0.001, "above_reserve": False,
                            "counted_on": "2020-01-01"}  # fmt: skip
    assert [a["slug"] for a in body["areas"]] == ["gebiet-0", "gebiet-1"]
    for area in body["areas"]:
        assert {"slug", "name", "units", "vacant", "rate"} <= set(area)
        assert (area["units"], area["vacant"], area["rate"], area["above_reserve"]) == (
            40, 2, 0.05, True,
        )  # fmt: skip
        assert isinstance(area["rate"], float) and isinstance(area["units"], int)


def test_the_api_gives_a_null_rate_without_a_count():
    SearchAreaFactory(slug="leer")
    body = APIClient().get(API).json()
    assert body["city"]["units"] is None and body["city"]["rate"] is None
    assert body["areas"][0]["rate"] is None


def test_the_api_refuses_a_date_it_cannot_read():
    assert APIClient().get(API, {"on": "30.06.2024"}).status_code == 400


def test_the_api_is_in_the_openapi_schema():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/statistics/vacancy/"]["get"]
    assert operation["parameters"][0]["name"] == "on"


@pytest.mark.parametrize("sites, areas", [(1, 1), (6, 4)])
def test_the_api_costs_the_same_queries_for_any_number_of_sites_and_areas(
    sites, areas, django_assert_num_queries
):
    _world(sites=sites, areas=areas)
    # the throttle's counter (1), the overview with all areas and the city (1), the surveys (1)
    with django_assert_num_queries(3):
        assert APIClient().get(API).status_code == 200


@pytest.mark.parametrize("sites, areas", [(1, 1), (6, 4)])
def test_the_public_page_costs_the_same_queries_for_any_number_of_sites_and_areas(
    client, sites, areas, django_assert_num_queries
):
    _world(sites=sites, areas=areas)
    # the overview with all areas and the city (1), the surveys (1)
    with django_assert_num_queries(2):
        assert client.get(PUBLIC_PAGE).status_code == 200


@pytest.mark.parametrize("sites, areas", [(1, 1), (6, 4)])
def test_the_staff_page_costs_the_same_queries_for_any_number_of_sites_and_areas(
    client, sites, areas
):
    _world(sites=sites, areas=areas)
    client.force_login(_staff(VIEWERS))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STAFF_PAGE).status_code == 200
    # session and user (2), the user's permissions (2), the report (9): overview, status mix,
    # durations, interim uses, funnel (4: proposals, requests, lost reasons, re-lets), surveys
    assert len(queries) == 13


def test_no_owner_or_requester_data_in_any_output(client):
    _world()
    outputs = [APIClient().get(API).content.decode(), client.get(PUBLIC_PAGE).content.decode()]
    client.force_login(_staff(VIEWERS))
    outputs.append(client.get(STAFF_PAGE).content.decode())
    outputs.append(client.get(STAFF_PAGE, {"format": "csv"}).content.decode())
    for output in outputs:
        for secret in [*SECRETS, "Werkstatt gesucht"]:
            assert secret not in output


def test_staff_who_view_sites_see_the_page_and_its_csv(client):
    _world()
    client.force_login(_staff(VIEWERS))
    page = client.get(STAFF_PAGE, {"on": "2024-06-30", "start": "2024-01-01", "end": "2024-06-30"})
    assert page.status_code == 200
    assert "Leerstandsquote" in page.content.decode()
    download = client.get(STAFF_PAGE, {"format": "csv"})  # today: the proposal is in it
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Abschnitt;Posten;Größe;Wert"
    assert "vacancy;gebiet-0;Leerstandsquote (%);5,00" in lines
    assert "vacancy;bochum;Gewerbeeinheiten;2.000" in lines
    assert f"lost_reasons;{LostReason.RENT.label};Anzahl;1" in lines


def test_other_staff_roles_without_the_sites_permission_are_refused(client):
    ensure_staff_groups()
    client.force_login(StaffFactory())  # staff, but in no group
    assert client.get(STAFF_PAGE).status_code == 403
    assert client.get(STAFF_PAGE, {"format": "csv"}).status_code == 403


def test_the_label_board_may_read_the_statistics_like_every_role_that_views_sites(client):
    client.force_login(_staff(LABEL_BOARD))
    assert client.get(STAFF_PAGE).status_code == 200


def test_a_stranger_is_sent_to_the_admin_login(client):
    client.force_login(UserFactory())
    answer = client.get(STAFF_PAGE)
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    assert client.get(STAFF_PAGE, {"format": "csv"}).status_code == 302


def test_the_public_page_says_when_there_is_no_count_yet(client):
    SearchAreaFactory(name="Gleisdreieck")
    page = client.get(PUBLIC_PAGE).content.decode()
    assert "noch keine Zählung" in page
    assert "Noch keine Zählung aller Gewerbeeinheiten" in page


def test_the_public_page_shows_the_rate_against_the_reserve_and_the_count_date(client):
    _world()
    page = client.get(PUBLIC_PAGE).content.decode()
    assert "5,0&nbsp;%" in page and "über der Reserve" in page
    assert "Stadtweit stehen 2 von 2.000 Gewerbeeinheiten leer (0,1\xa0%)." in page
    assert "01.01.2020" in page


def test_the_public_page_says_1_vacant_unit_and_1_vacancy_in_the_singular(client):
    from vacancies.models import VacancySurvey

    _world(sites=1)
    VacancySurvey.objects.create(territory="Innenstadt", vacant=1, surveyed_on=D(2019, 5, 1),
                                 source="Zählung")  # fmt: skip
    VacancySurvey.objects.create(territory="Innenstadt", vacant=2, surveyed_on=D(2018, 5, 1),
                                 source="Zählung")  # fmt: skip
    page = client.get(PUBLIC_PAGE).content.decode()
    assert "Stadtweit steht 1 von 2.000 Gewerbeeinheiten leer" in page
    assert "Innenstadt: 1 Leerstand (Zählung)" in page
    assert "Innenstadt: 2 Leerstände (Zählung)" in page
    english = client.get("/en/sites/statistics/").content.decode()
    assert "City-wide: 1 of 2,000 commercial units is vacant" in english
    assert "Innenstadt: 1 vacancy (Zählung)" in english


def test_the_public_page_exists_in_english(client):
    _world()
    assert client.get("/en/sites/statistics/").status_code == 200


def test_the_sites_list_links_the_public_page(client):
    assert PUBLIC_PAGE in client.get("/flaechen/").content.decode()


def test_the_concepts_count_of_may_2020_is_loaded_without_a_unit_count(bochum_data, client):
    from vacancies.models import VacancySurvey

    survey = VacancySurvey.objects.get()
    assert (survey.vacant, survey.is_minimum, survey.surveyed_on) == (86, True, D(2020, 5, 1))
    assert not UnitCount.objects.exists()  # the concept prints no number of units
    page = client.get(PUBLIC_PAGE).content.decode()
    assert "Mai 2020" in page and "über 86 Leerstände" in page


def test_the_admin_links_the_statistics_page_from_the_cadastre_and_the_unit_counts(client):
    client.force_login(_staff(VIEWERS))
    for page in ("/admin/vacancies/", "/admin/vacancies/unitcount/"):
        assert STAFF_PAGE in client.get(page).content.decode(), page


def test_staff_record_a_city_wide_unit_count_in_the_admin(client):
    from fabtown.roles import EDITORS

    client.force_login(_staff(EDITORS))
    answer = client.post(
        "/admin/vacancies/unitcount/add/",
        {"search_area": "", "units": "1200", "counted_on": "2025-03-01", "source": "Zählung"},
    )
    assert answer.status_code == 302
    count = UnitCount.objects.get()
    assert (count.search_area, count.units) == (None, 1200)
    assert "Bochum (ganze Stadt)" in client.get("/admin/vacancies/unitcount/").content.decode()


def _queries(client, url, **params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return len(captured.captured_queries), response


@pytest.mark.parametrize("url", [API, PUBLIC_PAGE])
def test_anonymous_answers_come_from_the_cache_until_a_count_changes(url):
    area = _world(sites=1, areas=1)[0]
    client = APIClient()
    first, response = _queries(client, url)
    again, cached = _queries(client, url)
    assert again < first and cached.content == response.content
    UnitCount.objects.create(search_area=area, units=10, counted_on=timezone.localdate())
    _after, changed = _queries(client, url)
    assert changed.content != response.content  # the new count, on the next request


def test_a_visitor_asking_for_another_date_gets_that_dates_answer():
    _world(sites=1, areas=1)
    assert APIClient().get(API, {"on": "2022-12-31"}).json()["city"]["vacant"] == 0
    assert APIClient().get(API, {"on": "2023-01-01"}).json()["city"]["vacant"] == 1


def test_an_empty_date_means_today_as_elsewhere_in_the_api():
    _world(sites=1, areas=1)
    body = APIClient().get(API, {"on": ""}).json()
    assert body["on"] == timezone.localdate().isoformat() and body["city"]["vacant"] == 1
