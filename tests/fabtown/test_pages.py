import pytest

from fabtown.models import AccessibilityFeedback
from tests.factories import MembershipFactory, ProducerFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_figures_and_newest_members(client):
    ProducerFactory.create_batch(3)
    MembershipFactory(
        producer=ProducerFactory(name="Neu im Label"), valid_from="2026-01-01", valid_until=None
    )
    SiteFactory()
    response = client.get("/")
    assert response.context["figures"]["producers"] == 4
    assert response.context["figures"]["label_members"] == 1
    assert response.context["figures"]["sites"] == 1
    assert "Neu im Label" in response.content.decode()


@pytest.mark.parametrize("producers", [3, 30])
def test_the_home_page_takes_two_queries_however_many_records(
    client, django_assert_num_queries, producers
):
    """Reason for 2: one statement counts every figure (scalar subqueries), one reads the
    newest label members with their producers."""
    for producer in ProducerFactory.create_batch(producers):
        MembershipFactory(producer=producer, valid_from="2026-01-01", valid_until=None)
    SiteFactory.create_batch(3)
    with django_assert_num_queries(2):
        response = client.get("/")
    assert response.context["figures"]["label_members"] == producers


def test_the_home_page_counts_measures_in_progress(client):
    from measures.models import ImplementationStatus, Measure

    figures = client.get("/").context["figures"]
    assert figures["measures"] == Measure.objects.count()
    assert figures["measures_in_progress"] == (
        Measure.objects.filter(implementation_status=ImplementationStatus.IN_PROGRESS).count()
    )


@pytest.mark.parametrize(
    "url", ["/impressum/", "/datenschutz/", "/barrierefreiheit/", "/en/imprint/"]
)
def test_the_legal_pages_are_there(client, url):
    assert client.get(url).status_code == 200


def test_accessibility_feedback_is_kept_and_passed_on(client, mailoutbox, settings):
    settings.FEEDBACK_EMAIL = "barrierefreiheit@example.org"
    response = client.post(
        "/barrierefreiheit/",
        {"message": "Die Karte ist per Tastatur schwer zu bedienen.", "page": "/produzenten/",
         "email": "melderin@example.org"},
    )  # fmt: skip
    assert response.status_code == 302
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.page == "/produzenten/"
    (mail,) = mailoutbox
    assert mail.to == ["barrierefreiheit@example.org"]
    assert "melderin@example.org" not in mail.body  # the address stays in the admin


@pytest.mark.parametrize(
    "data",
    [{"message": ""}, {"message": "kurz"}, {"message": "Lang genug, aber", "email": "keine-mail"}],
)
def test_bad_feedback_re_renders_with_messages_and_saves_nothing(client, data):
    response = client.post("/barrierefreiheit/", data)
    assert response.status_code == 400
    assert "Bitte korrigieren Sie die markierten Felder." in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()
