"""The pages of the update cycle: the public report form ("Ist diese Fläche nicht mehr frei?")
and the office's dashboard in the admin, with the three standard users."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabtown.roles import EDITORS, VIEWERS, ensure_staff_groups
from tests.factories import ApplicantFactory, SiteFactory, StaffFactory
from vacancies.models import Site, SiteReport, SiteReportStatus, SiteStatus
from vacancies.services.verification import VERIFIED, site_report_create

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/vacancies/dashboard/"


def _overdue_site(days: int = 200, **fields) -> Site:
    checked = timezone.localdate() - datetime.timedelta(days=days)
    return SiteFactory(last_verified=checked, **fields)


# --- The public report form ------------------------------------------------------------------


def test_every_published_site_s_page_links_to_the_report_form_in_both_languages(client):
    site = SiteFactory()

    german = client.get(reverse("vacancies:detail", args=[site.pk])).content.decode()
    english = client.get(f"/en/sites/{site.pk}/").content.decode()

    assert f'href="/flaechen/{site.pk}/melden/">Ist diese Fläche nicht mehr frei?</a>' in german
    assert f'href="/en/sites/{site.pk}/report/">Is this space no longer available?</a>' in english


def test_reading_the_form_changes_nothing_and_sending_it_files_a_report(client):
    site = SiteFactory(name="Ladenlokal Kortumstraße")
    url = f"/flaechen/{site.pk}/melden/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Ladenlokal Kortumstraße" in page.content.decode()
    assert "persönliche Daten brauchen wir nicht" in page.content.decode()
    assert not SiteReport.objects.exists()

    sent = client.post(url, {"message": "Seit Mai ein Friseur"})

    assert sent.status_code == 302 and sent["Location"] == f"/flaechen/{site.pk}/melden/danke/"
    report = SiteReport.objects.get()
    assert (report.site, report.message, report.status) == (site, "Seit Mai ein Friseur", "open")
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200 and "Danke für Ihre Meldung" in thanks.content.decode()


def test_a_report_needs_no_message(client):
    site = SiteFactory()
    assert client.post(f"/en/sites/{site.pk}/report/", {"message": ""}).status_code == 302
    assert SiteReport.objects.get().message == ""


@pytest.mark.parametrize(
    "fields", [{"is_published": False}, {"status": SiteStatus.WITHDRAWN}], ids=["unpub", "gone"]
)
def test_a_site_that_is_not_public_has_no_report_form(client, fields):
    site = SiteFactory(**fields)
    url = f"/flaechen/{site.pk}/melden/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"message": "x"}).status_code == 404
    assert client.get("/flaechen/999999/melden/").status_code == 404
    assert not SiteReport.objects.exists()


def test_a_message_too_long_is_refused_and_kept_in_the_form(client):
    site = SiteFactory()

    response = client.post(f"/flaechen/{site.pk}/melden/", {"message": "Lang " * 500})

    assert response.status_code == 400
    assert "Bitte korrigieren Sie die markierten Felder." in response.content.decode()
    assert "Lang Lang" in response.content.decode()
    assert not SiteReport.objects.exists()


def test_reports_beyond_the_limit_get_a_429_page_that_keeps_the_text(client, settings):
    settings.SITE_REPORT_RATE = (2, 3600)
    site = SiteFactory()
    url = f"/flaechen/{site.pk}/melden/"
    for _sent in range(2):
        assert client.post(url, {"message": "frei?"}).status_code == 302

    refused = client.post(url, {"message": "Dritte Meldung"})

    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    body = refused.content.decode()
    assert "mehrere Meldungen" in body and "Dritte Meldung" in body
    assert SiteReport.objects.count() == 2


def test_the_report_form_needs_its_csrf_token():
    site = SiteFactory()
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(f"/flaechen/{site.pk}/melden/", {"message": ""}).status_code == 403
    assert not SiteReport.objects.exists()


def test_the_report_form_renders_in_a_constant_number_of_queries(client, django_assert_num_queries):
    site = SiteFactory()
    # 1: the site (on offer, only its id and name); the form itself reads nothing.
    with django_assert_num_queries(1):
        assert client.get(f"/flaechen/{site.pk}/melden/").status_code == 200


# --- The dashboard: who may use it ----------------------------------------------------------


def _staff(group: str):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group)])


@pytest.fixture
def editor():
    return _staff(EDITORS)


@pytest.fixture
def viewer():
    return _staff(VIEWERS)


@pytest.fixture
def stranger():
    return ApplicantFactory()


def test_the_dashboard_is_for_staff_who_may_change_sites(client, editor, viewer, stranger):
    assert client.get(DASHBOARD).status_code == 302
    assert client.get(DASHBOARD)["Location"].startswith("/admin/login/")

    client.force_login(stranger)  # a producer's account: the admin does not let it in
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    client.force_login(viewer)  # staff, but may only read sites
    assert client.get(DASHBOARD).status_code == 403

    client.force_login(editor)
    assert client.get(DASHBOARD).status_code == 200


def test_staff_who_may_not_change_sites_cannot_verify_or_handle_reports(client, viewer, stranger):
    site = _overdue_site()
    report = site_report_create(site=site, message="", client_key="a")
    for user, status in ((viewer, 403), (stranger, 302)):
        client.force_login(user)
        assert client.post(DASHBOARD, {"action": "verify", "site": site.pk}).status_code == status
        data = {"action": "confirm", "report": report.pk, "status": "let"}
        assert client.post(DASHBOARD, data).status_code == status
    site.refresh_from_db()
    report.refresh_from_db()
    assert site.status == SiteStatus.VACANT and site.last_verified != timezone.localdate()
    assert report.status == SiteReportStatus.OPEN


def test_the_admin_index_and_the_site_list_link_to_the_dashboard_for_editors_only(
    client, editor, viewer
):
    client.force_login(editor)
    assert f'href="{DASHBOARD}"' in client.get("/admin/").content.decode()
    assert f'href="{DASHBOARD}"' in client.get("/admin/vacancies/site/").content.decode()

    client.force_login(viewer)
    assert DASHBOARD not in client.get("/admin/").content.decode()
    assert DASHBOARD not in client.get("/admin/vacancies/site/").content.decode()


# --- The dashboard: what it shows and does ---------------------------------------------------


def test_the_dashboard_lists_overdue_sites_by_age_and_open_reports(client, editor):
    _overdue_site(100, name="Ladenlokal Brückstraße")
    _overdue_site(400, name="Werkstatt Alleestraße", is_published=False)
    SiteFactory(name="Frisch geprüft", last_verified=timezone.localdate())
    reported = SiteFactory(name="Café Husemannplatz", last_verified=timezone.localdate())
    site_report_create(site=reported, message="Jetzt ein Friseur", client_key="a")
    client.force_login(editor)

    body = client.get(DASHBOARD).content.decode()

    assert body.index("Werkstatt Alleestraße") < body.index("Ladenlokal Brückstraße")
    assert "Frisch geprüft" not in body
    assert '<td class="days-overdue">310</td>' in body
    assert "Jetzt ein Friseur" in body and "Café Husemannplatz" in body
    assert "<strong>2</strong> Einträge zur Überprüfung fällig" in body
    assert "<strong>1</strong> offene Meldung von der Straße" in body  # a real singular
    assert "Erika" not in body  # no owner data on the working list


def test_verified_now_records_the_check_and_takes_the_site_off_the_list(client, editor):
    site = _overdue_site(name="Ladenlokal Brückstraße")
    client.force_login(editor)

    response = client.post(DASHBOARD, {"action": "verify", "site": site.pk}, follow=True)

    assert response.redirect_chain[-1][0] == DASHBOARD
    assert "„Ladenlokal Brückstraße“ ist mit heutigem Datum überprüft." in response.content.decode()
    site.refresh_from_db()
    assert site.last_verified == timezone.localdate()
    latest = site.history.first()
    assert (latest.history_user, latest.history_change_reason) == (editor, f"{VERIFIED}: dashboard")
    assert "Einträge zur Überprüfung fällig" in response.content.decode()
    assert "Alle Einträge sind rechtzeitig überprüft." in response.content.decode()


def test_a_report_is_confirmed_with_a_new_status_or_dismissed_on_the_dashboard(client, editor):
    let = SiteFactory(name="Jetzt vermietet")
    free = SiteFactory(name="Noch frei")
    confirm = site_report_create(site=let, message="", client_key="a")
    dismiss = site_report_create(site=free, message="", client_key="b")
    client.force_login(editor)

    data = {"action": "confirm", "report": confirm.pk, "status": SiteStatus.LET}
    confirmed = client.post(DASHBOARD, data, follow=True).content.decode()
    dismissed = client.post(DASHBOARD, {"action": "dismiss", "report": dismiss.pk}, follow=True)

    assert "Meldung zu „Jetzt vermietet“ bestätigt" in confirmed
    assert "Meldung zu „Noch frei“ verworfen" in dismissed.content.decode()
    let.refresh_from_db()
    free.refresh_from_db()
    assert let.status == SiteStatus.LET and let.status_changes.get().changed_by == editor
    assert free.status == SiteStatus.VACANT and free.last_verified == timezone.localdate()
    assert not SiteReport.objects.filter(status=SiteReportStatus.OPEN).exists()


def test_confirming_without_a_status_says_so_and_changes_nothing(client, editor):
    report = site_report_create(site=SiteFactory(), message="", client_key="a")
    client.force_login(editor)

    data = {"action": "confirm", "report": report.pk, "status": ""}
    response = client.post(DASHBOARD, data, follow=True)

    assert "Wählen Sie den neuen Status der Fläche." in response.content.decode()
    report.refresh_from_db()
    assert report.status == SiteReportStatus.OPEN


def test_the_dashboard_costs_the_same_queries_for_few_and_many_sites(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    # session, user, the user's own and its groups' permissions (has_perm, the admin's sidebar),
    # the count and the page of overdue sites, the page of open reports with their sites (its
    # count is the page's length while it holds fewer rows than a page).
    expected = 7
    for batch, how_many in enumerate((3, 30)):
        for number in range(how_many):
            site = _overdue_site(100 + number)
            site_report_create(site=site, message="", client_key=f"{batch}-{number}")
        with django_assert_num_queries(expected):
            assert client.get(DASHBOARD).status_code == 200


def test_the_site_list_filters_the_due_sites_and_marks_them_verified(client, editor):
    due = _overdue_site(name="Überfällig")
    SiteFactory(name="Aktuell", last_verified=timezone.localdate())
    client.force_login(editor)

    listed = client.get("/admin/vacancies/site/", {"verification": "due"}).content.decode()
    assert "Überfällig" in listed and "Aktuell" not in listed

    data = {"action": "mark_verified", "_selected_action": [due.pk]}
    response = client.post("/admin/vacancies/site/?verification=due", data, follow=True)

    assert "1 Fläche als heute überprüft markiert." in response.content.decode()
    due.refresh_from_db()
    assert due.last_verified == timezone.localdate()
    assert due.history.first().history_user == editor
