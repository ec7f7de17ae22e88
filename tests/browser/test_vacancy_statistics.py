"""The vacancy statistics in a real browser: the staff page and the public summary."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import GEOSGeometry
from django.utils import timezone

from fabtown.roles import VIEWERS, ensure_staff_groups
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_login, save_screenshot
from tests.conftest import ARTIFACTS
from tests.factories import InterimUseFactory, SearchAreaFactory, StaffFactory
from tests.vacancies.test_statistics import EAST, IN_BOTH, ONLY_WEST, WEST, _proposal, _request
from tests.vacancies.test_statistics import site_with_history as history
from vacancies.models import LostReason, ProposalStage, SiteStatus, UnitCount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS  # test-artifacts/ (ignored by git): the pictures of the closing note
CHARTS_DRAWN = "n => [...document.querySelectorAll('canvas[data-chart]')]" \
    ".filter(c => window.Chart && Chart.getChart(c)).length === n"  # fmt: skip


@pytest.fixture
def statistics_data():
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    west = SearchAreaFactory(name="Innenstadt", slug="innenstadt", area=GEOSGeometry(WEST))
    east = SearchAreaFactory(name="Gerberviertel", slug="gerberviertel", area=GEOSGeometry(EAST))
    UnitCount.objects.create(search_area=west, units=60, counted_on=ago(300), source="Zählung")
    UnitCount.objects.create(search_area=east, units=150, counted_on=ago(300), source="Zählung")
    UnitCount.objects.create(search_area=None, units=2400, counted_on=ago(300), source="Zählung")
    for start in (330, 250, 120):
        history((ago(start), SiteStatus.VACANT), location=ONLY_WEST)
    history((ago(340), SiteStatus.VACANT), (ago(200), SiteStatus.RESERVED),
            (ago(150), SiteStatus.LET), location=IN_BOTH)  # fmt: skip
    history((ago(320), SiteStatus.VACANT), (ago(90), SiteStatus.INTERIM_USE), location=IN_BOTH)
    history((ago(280), SiteStatus.LET), location=IN_BOTH)
    InterimUseFactory(starts_on=ago(90), ends_on=None)
    request = _request(ago(100))
    _proposal(request, on=ago(95), stage=ProposalStage.VIEWING, viewing_on=ago(90))
    _proposal(request, on=ago(95), stage=ProposalStage.LOST, lost_on=ago(80),
              lost_reason=LostReason.RENT)  # fmt: skip
    _proposal(_request(ago(60)), on=ago(50), stage=ProposalStage.LET, let_on=ago(20))


def test_staff_read_the_statistics_page_with_charts_and_tables(page, live_server, statistics_data):
    ensure_staff_groups()
    StaffFactory(username="lesezugriff", groups=[Group.objects.get(name=VIEWERS)])
    admin_login(page, live_server.url, "lesezugriff")
    page.goto(f"{live_server.url}/admin/vacancies/")
    page.get_by_role("link", name="Leerstandsstatistik").click()
    page.wait_for_function(CHARTS_DRAWN, arg=4)
    assert page.get_by_role("heading", name="Leerstandsquote gegenüber der Reserve von 3 %").count()
    row = page.locator(".vacancy-table tr", has_text="Innenstadt")
    assert "5,0\xa0%" in row.inner_text() and "über der Reserve" in row.inner_text()
    assert axe_violations(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "statistics.png", full_page=True)
    save_screenshot(page, "vacancy-statistics-staff")

    # an earlier date through the picker: the table follows
    page.get_by_label("Stand", exact=True).fill(
        (timezone.localdate() - datetime.timedelta(days=310)).isoformat()
    )
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url("**on=*")
    page.wait_for_function(CHARTS_DRAWN, arg=4)
    assert "noch keine Zählung" in page.locator(".vacancy-table").inner_text()


def test_the_public_statistics_page_reads_well_on_a_small_phone(
    new_context, live_server, statistics_data
):
    page = new_context(viewport={"width": 320, "height": 700}).new_page()
    page.goto(f"{live_server.url}/flaechen/")
    page.get_by_role("link", name="Leerstandsstatistik").click()
    page.wait_for_url("**/flaechen/statistik/")
    page.wait_for_function(CHARTS_DRAWN, arg=1)
    assert "Stadtweit stehen 3 von 2.400 Gewerbeeinheiten leer" in page.content()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body, body *')].filter(e => e.scrollWidth > e.clientWidth"
        " + 1).map(e => e.tagName + '.' + e.className + ':' + e.scrollWidth + '/' + e.clientWidth)"
    )
    assert overflow <= 0, f"no horizontal scrolling: {wide}"
    assert axe_violations(page) == []
    save_screenshot(page, "vacancy-statistics-public-320")
