import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from label.models import LabelSettings
from measures.models import MeasureOutcome
from measures.outcomes import attach_public_outcomes, content_type_choices, is_registered
from measures.services import measure_outcome_add, measure_outcome_delete
from producers.models import Producer
from tests.factories import (
    InterimUseFactory,
    MeasureFactory,
    MembershipFactory,
    ProducerFactory,
    SiteFactory,
)
from vacancies.models import InterimUse, Site

pytestmark = pytest.mark.django_db


def _page(client, measure) -> str:
    return client.get(f"/massnahmen/{measure.code}/").content.decode()


def test_the_apps_register_their_records_without_measures_knowing_them():
    for model in (Site, InterimUse, Producer, LabelSettings):
        assert is_registered(model)
    assert not is_registered(get_user_model())


def test_only_registered_kinds_of_record_can_be_linked():
    user = get_user_model().objects.create(username="someone")
    with pytest.raises(ValidationError) as error:
        measure_outcome_add(measure=MeasureFactory(), by=None, record=user)
    assert "content_type" in error.value.message_dict
    from django.contrib.contenttypes.models import ContentType

    allowed = ContentType.objects.filter(content_type_choices())
    assert ContentType.objects.get_for_model(Site) in allowed
    assert ContentType.objects.get_for_model(get_user_model()) not in allowed


def test_public_records_appear_on_the_measure_page_by_name_only(client):
    measure = MeasureFactory(code="4.3.1")
    site = SiteFactory(name="Ladenlokal Kortumstraße", status="vacant")
    producer = ProducerFactory(name="Grubenholz")
    measure_outcome_add(measure=measure, by=None, record=site, note="Pop-up im Sommer")
    measure_outcome_add(measure=measure, by=None, record=producer, position=1)
    page = _page(client, measure)
    assert "Was die Maßnahme hervorgebracht hat" in page
    assert f'href="/flaechen/{site.pk}/"' in page
    assert "Ladenlokal Kortumstraße" in page and "Pop-up im Sommer" in page
    assert f'href="/produzenten/{producer.slug}/"' in page
    # the site's owner stays private
    assert "Mustereigentümerin" not in page and "eigentuemerin@example.org" not in page


def test_records_that_are_not_public_are_hidden(client):
    measure = MeasureFactory()
    hidden_site = SiteFactory(name="Nicht veröffentlicht", is_published=False)
    withdrawn = ProducerFactory(name="Zurückgezogen GmbH", is_published=False)
    use_of_hidden_site = InterimUseFactory(site=hidden_site, title="Verborgener Pop-up")
    for record in (hidden_site, withdrawn, use_of_hidden_site):
        measure_outcome_add(measure=measure, by=None, record=record)
    page = _page(client, measure)
    for name in ("Nicht veröffentlicht", "Zurückgezogen GmbH", "Verborgener Pop-up"):
        assert name not in page
    assert "Was die Maßnahme hervorgebracht hat" not in page  # the empty part is hidden
    api = APIClient().get(f"/api/v1/measures/{measure.code}/").json()
    assert api["outcomes"] == []


def test_a_let_site_is_named_without_a_link_to_a_page_it_does_not_have():
    measure = MeasureFactory()
    site = SiteFactory(name="Vermietet", status="let")
    measure_outcome_add(measure=measure, by=None, record=site)
    attach_public_outcomes([measure])
    (outcome,) = measure.public_outcomes
    assert outcome.label == "Vermietet" and outcome.url == ""


def test_the_label_appears_with_the_number_of_producers_carrying_it():
    measure = MeasureFactory(code="4.6.2")
    MembershipFactory()
    MembershipFactory()
    MembershipFactory(kind="supporting")  # a supporting member carries no label
    measure_outcome_add(measure=measure, by=None, record=LabelSettings.load())
    body = APIClient().get("/api/v1/measures/4.6.2/").json()
    (outcome,) = body["outcomes"]
    assert outcome["kind"] == "Label"
    assert outcome["label"] == "Label „Made by Bochum“ – geführt von 2 Produzierenden"
    assert outcome["url"].endswith("/label/")


def test_an_interim_use_of_a_published_site_is_shown_with_its_site():
    measure = MeasureFactory()
    use = InterimUseFactory(title="Pop-up Grubenholz", site=SiteFactory(name="Kortumstraße 5"))
    measure_outcome_add(measure=measure, by=None, record=use)
    attach_public_outcomes([measure])
    assert [o.label for o in measure.public_outcomes] == ["Pop-up Grubenholz (Kortumstraße 5)"]


def test_outcome_links_have_a_history_and_touch_the_tracking():
    measure = MeasureFactory()
    outcome = measure_outcome_add(measure=measure, by=None, record=ProducerFactory())
    measure.refresh_from_db()
    assert measure.tracking_updated_at is not None
    outcome_id = outcome.pk
    measure_outcome_delete(outcome=outcome, by=None)
    assert MeasureOutcome.history.filter(id=outcome_id).count() == 2


def test_the_api_list_reads_outcomes_in_constant_queries(django_assert_num_queries):
    """Reason for 11: the count, the measures, target groups, actors, interactions, best
    practices, timelines and outcome links (one each for the whole page), one per kind of
    record linked (sites, producers) and the throttle's counter; the same for 2 measures as
    for 6."""
    for _ in range(2):
        measure = MeasureFactory()
        measure_outcome_add(measure=measure, by=None, record=SiteFactory())
        measure_outcome_add(measure=measure, by=None, record=ProducerFactory())
    api = APIClient()
    with django_assert_num_queries(11):
        few = api.get("/api/v1/measures/").json()
    for _ in range(4):
        measure = MeasureFactory()
        measure_outcome_add(measure=measure, by=None, record=SiteFactory())
        measure_outcome_add(measure=measure, by=None, record=ProducerFactory())
    with django_assert_num_queries(11):
        many = api.get("/api/v1/measures/").json()
    assert many["count"] == few["count"] + 4
    assert all(len(m["outcomes"]) == 2 for m in many["results"])
