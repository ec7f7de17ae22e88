"""The match pages in the admin, the button that proposes a site, and the proposals' admin."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import MatchingSpaceRequestFactory, SiteFactory, StaffFactory, SuperuserFactory
from vacancies.models import SiteProposal

pytestmark = pytest.mark.django_db


def _staff(*codenames):
    user = StaffFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


VIEW_BOTH = ("view_site", "view_spacerequest")


@pytest.fixture
def pair():
    wanted = MatchingSpaceRequestFactory(
        floor_area_min_m2=60, floor_area_max_m2=100, needs_ground_floor=True
    )
    fits = SiteFactory(name="Passt genau", floor_area_m2=80, is_published=False)
    upstairs = SiteFactory(name="Oben", floor_area_m2=80, is_ground_floor=False)
    return wanted, fits, upstairs


def test_a_requests_page_ranks_sites_explains_and_shows_near_misses(client, pair):
    wanted, _fits, _upstairs = pair
    client.force_login(SuperuserFactory())
    page = client.get(f"/admin/vacancies/siteproposal/spacerequest/{wanted.pk}/").content.decode()
    assert "Passt genau" in page and "nicht veröffentlicht" in page
    assert "Fläche 80 m² liegt im Wunsch 60–100 m²" in page
    assert "passt bis auf: kein Erdgeschoss" in page
    assert page.index("Passt genau") < page.index("Oben")


def test_the_button_proposes_the_site_once(client, pair):
    wanted, fits, _upstairs = pair
    user = SuperuserFactory()
    client.force_login(user)
    url = f"/admin/vacancies/siteproposal/spacerequest/{wanted.pk}/"
    response = client.post(url, {"site": fits.pk, "score": "100"})
    assert response.status_code == 302
    proposal = SiteProposal.objects.get()
    assert (proposal.site, proposal.space_request, proposal.score, proposal.recorded_by) == (
        fits, wanted, 100, user,
    )  # fmt: skip
    assert "vorgeschlagen" in client.get(url).content.decode()
    client.post(url, {"site": fits.pk, "score": "100"})
    assert SiteProposal.objects.count() == 1


def test_a_sites_page_shows_requesters_contact_only_with_the_permission(client, pair):
    wanted, fits, _upstairs = pair
    url = f"/admin/vacancies/siteproposal/site/{fits.pk}/"
    client.force_login(_staff(*VIEW_BOTH))
    page = client.get(url).content.decode()
    assert wanted.title in page
    for secret in ("Max Suchender", wanted.contact_email, "0234 123456", "Rösterei Suchender"):
        assert secret not in page
    client.force_login(_staff(*VIEW_BOTH, "view_requester_data"))
    assert wanted.contact_email in client.get(url).content.decode()


def test_staff_of_another_role_and_strangers_get_no_match_page(client, pair):
    wanted, fits, _upstairs = pair
    url = f"/admin/vacancies/siteproposal/site/{fits.pk}/"
    client.force_login(_staff("view_producer"))
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory(is_staff=False))
    assert client.get(url).status_code == 302  # to the admin's login
    client.force_login(_staff(*VIEW_BOTH))  # may view but not propose
    assert client.post(url, {"space_request": wanted.pk}).status_code == 403


def test_the_match_page_costs_the_same_queries_for_many_sites(
    client, pair, django_assert_num_queries
):
    wanted, *_sites = pair
    client.force_login(SuperuserFactory())
    url = f"/admin/vacancies/siteproposal/spacerequest/{wanted.pk}/"
    client.get(url)
    # session and user, the request, its proposals, the matches, the near misses
    with django_assert_num_queries(6):
        client.get(url)
    SiteFactory.create_batch(5, floor_area_m2=70)
    with django_assert_num_queries(6):
        client.get(url)


def test_a_proposal_is_moved_on_in_its_admin(client, pair):
    wanted, fits, _upstairs = pair
    client.force_login(SuperuserFactory())
    client.post(f"/admin/vacancies/siteproposal/spacerequest/{wanted.pk}/", {"site": fits.pk})
    proposal = SiteProposal.objects.get()
    url = f"/admin/vacancies/siteproposal/{proposal.pk}/change/"
    response = client.post(
        url, {"stage": "viewing", "on": proposal.proposed_on.strftime("%d.%m.%Y"), "note": ""}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.viewing_on) == ("viewing", proposal.proposed_on)
