import pytest

from measures.candidates import Candidate, candidate_places
from measures.models import CostLevel, Measure, Priority, TimeHorizon
from measures.selectors import fits_limit, measures_within_limits, within_limit_q
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

STEPS = "/massnahmen/schritte/"


def _codes(response):
    return [row.measure.code for row in response.context["results"]]


# --- Range semantics ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "limit", "fits"),
    [
        (CostLevel.MEDIUM, CostLevel.MEDIUM, True),  # "low to medium" in a "medium" budget
        (CostLevel.HIGH, CostLevel.MEDIUM, False),  # "medium to high" is not
        (CostLevel.LOW, CostLevel.HIGH, True),
        (CostLevel.MEDIUM, CostLevel.LOW, False),
        (None, CostLevel.LOW, True),  # no rating: included, never read as "low"
        (CostLevel.HIGH, None, True),  # no limit
    ],
)
def test_a_rating_fits_when_its_upper_end_is_within_the_limit(maximum, limit, fits):
    assert fits_limit(maximum=maximum, limit=limit) is fits


def test_the_database_applies_the_same_rule_as_python():
    low_to_medium = MeasureFactory(personnel_cost_min=1, personnel_cost_max=2)
    medium_to_high = MeasureFactory(personnel_cost_min=2, personnel_cost_max=3)
    unrated = MeasureFactory(personnel_cost_min=None, personnel_cost_max=None)
    for limit in CostLevel:
        found = set(measures_within_limits(Measure.objects.all(), max_personnel_cost=limit))
        expected = {
            m
            for m in (low_to_medium, medium_to_high, unrated)
            if fits_limit(maximum=m.personnel_cost_max, limit=limit)
        }
        assert found == expected
    assert unrated in found


def test_an_unknown_rating_is_refused():
    with pytest.raises(ValueError):
        within_limit_q(rating="colour", limit=1)


def test_the_seeded_catalogue_fits_the_printed_ranges(bochum_data):
    medium = measures_within_limits(Measure.objects.all(), max_personnel_cost=CostLevel.MEDIUM)
    codes = set(medium.values_list("code", flat=True))
    # 4.1.1 and 4.9.1 are "mittel bis hoch": not within a medium budget; 4.6.4 "gering bis
    # mittel" is.
    assert "4.1.1" not in codes and "4.9.1" not in codes and "4.6.4" in codes
    # 4.1.1's material cost is "keine, über Fördermittel gedeckt": no level, so included.
    assert "4.1.1" in set(
        measures_within_limits(Measure.objects.all(), max_material_cost=CostLevel.LOW).values_list(
            "code", flat=True
        )
    )
    short = measures_within_limits(Measure.objects.all(), max_time_horizon=TimeHorizon.SHORT)
    assert set(short.values_list("code", flat=True)) == {"4.6.4", "4.8.2"}


# --- The page ----------------------------------------------------------------------------------


def test_the_steps_show_every_measure_in_priority_order_without_a_choice(client, bochum_data):
    response = client.get(STEPS)
    assert response.status_code == 200
    codes = _codes(response)
    assert len(codes) == 25
    # 4.1 and 4.4 are high priority (chapter 6.1, step 3): they come first.
    assert codes[:7] == ["4.1.1", "4.1.2", "4.1.3", "4.4.1", "4.4.2", "4.4.3", "4.4.4"]
    page = response.content.decode()
    for number in range(1, 8):
        assert f'id="step-{number}"' in page
    assert "Welche Maßnahmen betreffen meinen (Vorstands-)Bereich bzw. mein Referat?" in page
    assert "Keine Auswahl getroffen" in page
    assert page.count("nicht festgelegt") == 25 - 7


def test_the_english_page_has_its_own_address(client, bochum_data):
    page = client.get("/en/measures/steps/").content.decode()
    assert "Urban production in seven steps" in page
    assert "Step 7: Costs" in page


def test_the_form_rerenders_the_choices_of_the_url(client, bochum_data):
    actor = Measure.objects.get(code="4.9.1").actors.get(name="Verkehrsplanung")
    params = {
        "actor": actor.pk,
        "field": "4.9",
        "min_priority": "",
        "max_time_horizon": "medium",
        "max_personnel_cost": "high",
        "max_material_cost": "high",
    }
    response = client.get(STEPS, params)
    assert _codes(response) == ["4.9.1"]
    page = response.content.decode()
    assert f'<option value="{actor.pk}" selected>Verkehrsplanung</option>' in page
    assert '<option value="4.9" selected>' in page
    assert '<option value="medium" selected>' in page
    assert page.count('<option value="high" selected>') == 2
    # The printed summary line names the choices.
    assert "Ihre Auswahl: " in page
    assert "mein Amt oder meine Organisation: Verkehrsplanung" in page


def test_the_limits_keep_ranges_that_fit_and_drop_those_that_reach_beyond(client, bochum_data):
    codes = _codes(client.get(STEPS, {"max_personnel_cost": "medium"}))
    assert "4.6.4" in codes  # low to medium
    assert "4.1.1" not in codes and "4.9.1" not in codes  # medium to high
    assert len(codes) == 23


def test_a_missing_rating_is_shown_as_no_rating_given_not_as_low(client, bochum_data):
    response = client.get(STEPS, {"max_material_cost": "low", "field": "4.1"})
    rows = {row.measure.code: row for row in response.context["results"]}
    assert "4.1.1" in rows  # "Sachkosten (keine, über Fördermittel gedeckt)": no level
    material = next(r for r in rows["4.1.1"].ratings if str(r.label) == "Sachkosten")
    assert material.value == ""
    assert "keine Angabe im Konzept" in response.content.decode()


def test_minimum_priority_leaves_out_measures_without_one(client, bochum_data):
    codes = _codes(client.get(STEPS, {"min_priority": "medium"}))
    assert codes == ["4.1.1", "4.1.2", "4.1.3", "4.4.1", "4.4.2", "4.4.3", "4.4.4"]
    measure = Measure.objects.get(code="4.6.2")
    measure.priority, measure.priority_reason = Priority.MEDIUM, "Ein Grund"
    measure.save()
    assert _codes(client.get(STEPS, {"min_priority": "medium"}))[-1] == "4.6.2"
    assert "4.6.2" not in _codes(client.get(STEPS, {"min_priority": "high"}))


def test_the_other_actors_exclude_the_chosen_one_and_mark_the_lead(client, bochum_data):
    measure = Measure.objects.get(code="4.9.1")
    links = list(measure.actor_links.select_related("actor"))
    chosen = links[1].actor
    response = client.get(STEPS, {"actor": chosen.pk, "field": "4.9"})
    (row,) = response.context["results"]
    assert [name for name, _ in row.other_actors] == [
        link.actor.name for link in links if link.actor != chosen
    ]
    assert row.other_actors[0] == (links[0].actor.name, True)
    assert row.chosen_actor_leads is False
    assert "ist beteiligt" in response.content.decode()


def test_measures_that_need_space_get_candidate_places_and_funding_is_linked(client, bochum_data):
    response = client.get(STEPS, {"field": "4.3"})
    page = response.content.decode()
    assert 'id="candidates"' in page
    places = response.context["candidates"]
    assert places and {place.kind for place in places} == {"site", "search_area"}
    assert all(place.url.startswith("/flaechen/") for place in places)
    for code in ("4.1.1", "4.1.2", "4.1.3"):
        assert f'href="/massnahmen/{code}/"' in page
    # A field without a measure that needs space lists no places.
    no_space = client.get(STEPS, {"field": "4.6"})
    assert (
        no_space.context["candidates"] == [] and 'id="candidates"' not in no_space.content.decode()
    )


def test_candidate_places_come_from_the_registered_sources_only_for_measures_needing_space():
    calls = []

    def source(measures):
        calls.append([m.code for m in measures])
        return [Candidate(label="x", url="/x/", kind="site")]

    from measures import candidates

    candidates.register_candidate_source(source)
    try:
        space = MeasureFactory(needs_space=True)
        other = MeasureFactory(needs_space=False)
        places = candidate_places(measures=[space, other])
        assert Candidate(label="x", url="/x/", kind="site") in places
        assert calls == [[space.code]]
        assert candidate_places(measures=[other]) == []
    finally:
        candidates._sources.remove(source)


@pytest.mark.parametrize(
    "params",
    [
        {"max_personnel_cost": "cheap"},
        {"max_time_horizon": "3"},
        {"actor": "999999"},
        {"min_priority": "none"},
        {"field": "4.99"},
    ],
)
def test_invalid_choices_are_answered_with_400_and_an_error_summary(client, bochum_data, params):
    response = client.get(STEPS, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert response.context["results"] == []


def test_the_page_takes_as_many_queries_whatever_the_choice(
    client, bochum_data, django_assert_num_queries
):
    """Reason: the actors and the thematic fields (the choices, read once for the form, its
    validation and the summary line), the fitting measures with their fields, their actors in
    the concept's order (prefetched), the funding measures of 4.1, and – only when a fitting
    measure needs space – the cadastre's sites on offer and search areas (step 4): 7. No space
    needed: 5; nothing fits: 4 (no actors to prefetch). Never a query per measure."""
    actor = Measure.objects.get(code="4.3.1").actor_links.get(is_lead=True).actor
    choices = [
        ({}, 7),
        ({"field": "4.3", "actor": actor.pk, "max_material_cost": "medium"}, 7),
        ({"max_personnel_cost": "low", "max_time_horizon": "short"}, 5),  # 4.8.2 only
        ({"min_priority": "high", "field": "4.3"}, 4),
    ]
    for params, queries in choices:
        with django_assert_num_queries(queries):
            client.get(STEPS, params)


def test_the_page_takes_as_many_queries_for_a_few_measures_as_for_many(
    client, django_assert_num_queries
):
    """Reason for 7: as above, whatever the number of measures."""
    for number in range(100, 103):
        MeasureFactory(code=f"4.6.{number}", needs_space=True)
    with django_assert_num_queries(7):
        few = client.get(STEPS)
    for number in range(103, 133):
        MeasureFactory(code=f"4.6.{number}", needs_space=True)
    with django_assert_num_queries(7):
        many = client.get(STEPS)
    assert len(many.context["results"]) == len(few.context["results"]) + 30


def test_the_catalogue_links_the_steps(client, bochum_data):
    assert f'href="{STEPS}"' in client.get("/massnahmen/").content.decode()
