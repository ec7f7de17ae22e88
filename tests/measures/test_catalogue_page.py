import pytest

from measures.models import Actor, Measure, TargetGroup
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def _codes(response):
    return [m.code for m in response.context["measures"]]


def test_the_catalogue_shows_all_25_measures_by_thematic_field(client, bochum_data):
    response = client.get("/massnahmen/")
    assert len(_codes(response)) == 25
    page = response.content.decode()
    assert page.index("4.1 Fördermittel und Förderprogramme") < page.index("4.10 Urbane Gärten")


def test_quick_wins_are_short_term_and_low_cost(client, bochum_data):
    codes = _codes(client.get("/massnahmen/", {"quick_wins": "true"}))
    assert codes == ["4.6.1", "4.6.3", "4.6.5", "4.7.2", "4.8.2", "4.8.3"]


def test_a_level_matches_measures_whose_range_includes_it(client, bochum_data):
    # "mittel bis hoch" personnel cost: 4.1.1 and 4.9.1
    assert _codes(client.get("/massnahmen/", {"personnel": "3"})) == ["4.1.1", "4.9.1"]
    long_term = _codes(client.get("/massnahmen/", {"time": "3"}))
    assert "4.4.2" in long_term and "4.6.4" not in long_term


def test_actor_and_target_group_filters(client, bochum_data):
    actor = Measure.objects.get(code="4.9.1").actors.get(name="Verkehrsplanung")
    assert _codes(client.get("/massnahmen/", {"actor": actor.pk})) == ["4.9.1"]


@pytest.mark.parametrize(
    "params", [{"personnel": "4"}, {"actor": "999999"}, {"quick_wins": "vielleicht"}]
)
def test_bad_filters_are_answered_with_400(client, bochum_data, params):
    assert client.get("/massnahmen/", params).status_code == 400


def test_the_level_definitions_of_the_seed_are_shown(client, bochum_data):
    page = client.get("/massnahmen/").content.decode()
    for text in ("1–5 Wochenstunden", "bis etwa 10.000 €", "länger als 1 Jahr"):
        assert text in page


def test_a_measure_profile_links_its_interactions(client, bochum_data):
    page = client.get("/massnahmen/4.1.2/").content.decode()
    assert 'href="/massnahmen/4.2.1/"' in page and 'href="/massnahmen/4.5.1/"' in page
    assert "Personal (mittel), Sachkosten (mittel)" in page
    assert "Sofortprogramm Innenstadt in Bottrop" in page
    assert client.get("/massnahmen/9.9.9/").status_code == 404


def test_catalogue_pages_take_a_constant_number_of_queries(
    client, bochum_data, django_assert_num_queries
):
    """Reason for 3: the actors and the target groups (the filter form's choices, read once
    however often the form is rendered), and the measures with their thematic fields, counted
    and grouped from the same list. The profile: the measure with its field, and its target
    groups, actors, interactions, best practices, timeline and outcome links prefetched (7; the
    outcomes' records one query per kind linked, none here)."""
    with django_assert_num_queries(3):
        client.get("/massnahmen/")
    with django_assert_num_queries(7):
        client.get("/massnahmen/4.4.2/")


def test_the_catalogue_takes_as_many_queries_for_a_few_measures_as_for_many(
    client, django_assert_num_queries
):
    """Reason for 3: as above; the number of measures does not change it."""
    MeasureFactory.create_batch(3)
    with django_assert_num_queries(3):
        few = client.get("/massnahmen/")
    MeasureFactory.create_batch(30)
    with django_assert_num_queries(3):
        many = client.get("/massnahmen/")
    assert len(many.context["measures"]) == len(few.context["measures"]) + 30


def test_the_filter_form_offers_every_actor_and_keeps_the_choice(client, bochum_data):
    actor = Measure.objects.get(code="4.9.1").actors.get(name="Verkehrsplanung")
    page = client.get("/massnahmen/", {"actor": actor.pk}).content.decode()
    assert f'<option value="{actor.pk}" selected>Verkehrsplanung</option>' in page
    assert page.count("<option") >= Actor.objects.count() + TargetGroup.objects.count()


def test_quick_wins_false_shows_the_whole_catalogue(client, bochum_data):
    assert len(_codes(client.get("/massnahmen/", {"quick_wins": "false"}))) == 25
