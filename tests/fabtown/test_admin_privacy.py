"""Personal data in the admin: the model's PRIVATE_FIELDS, only for users with its permission.

For each rule three users: the one allowed, another staff role, and a stranger (a producer's
account, which the admin does not let in at all).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from fabtown.roles import EDITORS, LABEL_BOARD, VIEWERS, ensure_staff_groups
from label.models import ApplicationStatus
from label.services import label_application_submit
from tests.factories import (
    ApplicantFactory,
    InterimUseFactory,
    LabelApplicationFactory,
    ProducerFactory,
    SiteFactory,
    StaffFactory,
)
from vacancies.models import Site

pytestmark = pytest.mark.django_db

OWNER = "Erika Mustereigentümerin"
OWNER_CONTACT = "erika.eigentuemerin@example.org"
NOTE = "Geheimnotiz zum Eigentümer"
OWNER_SECRETS = [OWNER, OWNER_CONTACT, "0234 999999", NOTE]

APPLICANT_USERNAME = "max.antragsteller"
APPLICANT_SECRETS = [
    "Max Antragsteller",
    "max.antragsteller@example.org",
    "0234 123456",
    APPLICANT_USERNAME,
    "Privatweg 7",
]


def _staff(group_name: str):
    ensure_staff_groups()
    return StaffFactory(groups=[Group.objects.get(name=group_name)])


@pytest.fixture
def editor():
    return _staff(EDITORS)


@pytest.fixture
def viewer():
    return _staff(VIEWERS)


@pytest.fixture
def board():
    return _staff(LABEL_BOARD)


def _body(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _leaks(body: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in body]


@pytest.fixture
def site():
    site = SiteFactory(owner_name=OWNER, internal_notes=NOTE)
    site.owner_contact = f"{OWNER_CONTACT}, 0234 999999 (neu)"
    site._history_user = StaffFactory()
    site.save()  # a second history entry, so that the history shows a diff
    return site


# --- Site owners ------------------------------------------------------------------------------


def _site_urls(site) -> list[str]:
    history = site.history.order_by("history_date")
    return [
        reverse("admin:vacancies_site_change", args=[site.pk]),
        reverse("admin:vacancies_site_history", args=[site.pk]),
        *(reverse("admin:vacancies_site_simple_history", args=[site.pk, h.pk]) for h in history),
        reverse("admin:vacancies_site_changelist"),
    ]


def test_editors_see_owner_data_on_every_admin_page_of_a_site(client, editor, site):
    body = "".join(_body(client, editor, url) for url in _site_urls(site))
    assert OWNER in body and OWNER_CONTACT in body and NOTE in body


@pytest.mark.parametrize("role", ["viewer", "board"])
def test_viewer_never_sees_owner_contact_in_admin_change_or_history(client, site, role, request):
    user = request.getfixturevalue(role)
    for url in _site_urls(site):
        assert _leaks(_body(client, user, url), OWNER_SECRETS) == [], (role, url)


@pytest.mark.parametrize("role", ["viewer", "board"])
def test_viewer_never_sees_owner_contact_in_admin_history_of_a_deleted_site(
    client, site, role, request
):
    history_url = reverse("admin:vacancies_site_history", args=[site.pk])
    versions = [
        reverse("admin:vacancies_site_simple_history", args=[site.pk, h.pk])
        for h in site.history.all()
    ]
    site._history_user = StaffFactory()
    site.delete()
    user = request.getfixturevalue(role)
    for url in [history_url, *versions]:
        assert _leaks(_body(client, user, url), OWNER_SECRETS) == [], (role, url)


def test_only_editors_find_a_site_by_its_owners_name(client, editor, viewer, board, site):
    url = reverse("admin:vacancies_site_changelist")
    found = {}
    for name, user in {"editor": editor, "viewer": viewer, "board": board}.items():
        client.force_login(user)
        found[name] = client.get(url, {"q": "Mustereigentümerin"}).context["cl"].result_count
    assert found == {"editor": 1, "viewer": 0, "board": 0}


@pytest.mark.parametrize("role", ["viewer", "board"])
def test_owner_fields_cannot_be_probed_through_the_address_of_the_list(client, site, role, request):
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:vacancies_site_changelist")
    assert client.get(url, {"owner_name__startswith": "E"}).status_code == 400


def test_the_site_picker_of_interim_uses_finds_no_site_by_owner_for_a_viewer(client, viewer):
    site = SiteFactory(name="Ladenlokal Kortumstraße", owner_name=OWNER)
    InterimUseFactory(site=site)
    client.force_login(viewer)
    params = {
        "app_label": "vacancies",
        "model_name": "interimuse",
        "field_name": "site",
        "term": "Mustereigentümerin",
    }
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_viewer_cannot_write_owner_data_by_posting_it(client, editor):
    """Editors may change sites; the owner fields are simply not part of a form that hides
    them, so a crafted post changes nothing (shown here with a role that may change sites but
    not see owners: editors without the permission)."""
    from django.contrib.auth.models import Permission

    site = SiteFactory(owner_name=OWNER)
    editor.groups.clear()
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_site", "change_site"])
    )
    client.force_login(editor)
    url = reverse("admin:vacancies_site_change", args=[site.pk])
    form = client.get(url).context["adminform"].form
    assert "owner_name" not in form.fields
    # empty file fields (the photos) are left out: the test client cannot post an empty file
    data = {k: v for k, v in form.initial.items() if v not in (None, False, "")}
    data |= {
        "location": site.location.geojson,
        "owner_name": "Überschrieben",
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
        "interim_uses-TOTAL_FORMS": 0,
        "interim_uses-INITIAL_FORMS": 0,
    }
    data = {k: ("on" if v is True else v) for k, v in data.items() if k != "suitable_forms"}
    assert client.post(url, data).status_code == 302
    assert Site.objects.get(pk=site.pk).owner_name == OWNER


def test_a_stranger_is_not_let_into_the_admin(client, site):
    client.force_login(ApplicantFactory())
    for url in _site_urls(site):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Applicants -------------------------------------------------------------------------------


@pytest.fixture
def application():
    applicant = ApplicantFactory(username=APPLICANT_USERNAME, email="max.antragsteller@example.org")
    application = LabelApplicationFactory(
        applicant=applicant, seat_street="Privatweg 7", stage_finishing=True
    )
    application.products = "Tassen, neu"
    application._history_user = applicant
    application.save()  # the applicant's own edit, in the history
    label_application_submit(application=application, by=applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    return application


def _application_urls(application) -> list[str]:
    return [
        reverse("admin:label_labelapplication_change", args=[application.pk]),
        reverse("admin:label_labelapplication_history", args=[application.pk]),
        *(
            reverse("admin:label_labelapplication_simple_history", args=[application.pk, h.pk])
            for h in application.history.all()
        ),
        reverse("admin:label_labelapplication_changelist"),
    ]


@pytest.mark.parametrize("role", ["editor", "board"])
def test_the_board_and_editors_see_who_applies(client, application, role, request):
    user = request.getfixturevalue(role)
    change = _body(client, user, _application_urls(application)[0])
    history = _body(client, user, _application_urls(application)[1])
    assert "max.antragsteller@example.org" in change and "Privatweg 7" in change
    assert APPLICANT_USERNAME in history  # who changed the draft


def test_viewer_never_sees_the_applicant_in_the_label_admin(client, application, viewer):
    for url in _application_urls(application):
        assert _leaks(_body(client, viewer, url), APPLICANT_SECRETS) == [], url


def test_viewer_never_sees_a_producers_account_in_the_profile_history(client, viewer, editor):
    account = ApplicantFactory(username=APPLICANT_USERNAME)
    producer = ProducerFactory(account=account)
    producer.description = "Neu geschrieben."
    producer._history_user = account
    producer.save()
    urls = [
        reverse("admin:producers_producer_change", args=[producer.pk]),
        reverse("admin:producers_producer_history", args=[producer.pk]),
        *(
            reverse("admin:producers_producer_simple_history", args=[producer.pk, h.pk])
            for h in producer.history.all()
        ),
    ]
    for url in urls:
        assert APPLICANT_USERNAME not in _body(client, viewer, url), url
    assert APPLICANT_USERNAME in _body(client, editor, urls[1])


# --- The history is read-only ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "board", "editor"])
def test_nobody_writes_through_an_old_version_in_the_history(client, site, role, request):
    """simple-history's revert form saved a posted version without asking for the change
    permission: read-only staff renamed sites and rolled back owner data they cannot see."""
    user = request.getfixturevalue(role)
    client.force_login(user)
    old = site.history.order_by("history_date").first()
    url = reverse("admin:vacancies_site_simple_history", args=[site.pk, old.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Übernommen", "kind": site.kind})
    assert response.status_code == 403
    site.refresh_from_db()
    assert site.name != "Übernommen" and OWNER_CONTACT in site.owner_contact


def test_an_old_version_of_a_deleted_site_cannot_be_posted_back(client, site, editor):
    old = site.history.order_by("history_date").first()
    url = reverse("admin:vacancies_site_simple_history", args=[site.pk, old.pk])
    site.delete()
    client.force_login(editor)
    assert client.post(url, {"name": "Wieder da"}).status_code == 403  # was a 500
    assert not Site.objects.filter(pk=old.id).exists()
    assert "Wiederherstellen" not in client.get(url).content.decode()  # no revert button


@pytest.mark.parametrize(
    "path", ["abc/history/", "{pk}/history/abc/", "{pk}/history/1e3/", "{pk}/history/%20/"]
)
def test_a_malformed_id_in_the_history_is_a_404(client, site, editor, path):
    client.force_login(editor)
    url = "/admin/vacancies/site/" + path.format(pk=site.pk)
    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404
