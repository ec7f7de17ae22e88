"""The catalogue as the concept prints it: the printed wording of actors and target groups, the
concept's order of every list (pages and API), the reconstructed cross-references and the
initial priorities of chapter 6.1."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from measures.models import Measure, MeasureInteraction, Priority

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "001_063de2aad27369d7.txt"
CATALOGUE = Path(settings.BASE_DIR) / "measures" / "data" / "catalogue.json"
BROKEN_REFERENCE = "Fehler! Verweisquelle konnte nicht gefunden werden."


def _seed_text() -> str:
    if not SEED.exists():
        pytest.skip("the concept's text is not beside the project")
    return " ".join(SEED.read_text(encoding="utf-8").split())


def _catalogue() -> dict:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


def test_the_printed_lists_are_kept_word_for_word_as_the_concept_prints_them(bochum_data):
    seed = _seed_text()
    for measure in Measure.objects.all():
        for printed in (measure.actors_as_printed, measure.target_groups_as_printed):
            assert printed, measure.code
            assert " ".join(printed.split()) in seed, (measure.code, printed)
    assert Measure.objects.get(code="4.3.1").actors_as_printed.count("BoWE (Social Media)") == 1
    assert "nach Projektende: Stadt, BoWE, BoMa" in (
        Measure.objects.get(code="4.6.1").actors_as_printed
    )


def test_actors_and_target_groups_keep_the_concepts_order_with_the_first_actor_as_lead(
    bochum_data,
):
    entries = {entry["code"]: entry for entry in _catalogue()["measures"]}
    for measure in Measure.objects.with_profile():
        actors = [link.actor.name_de for link in measure.actor_links.all()]
        groups = [link.target_group.name_de for link in measure.target_group_links.all()]
        assert actors == entries[measure.code]["actors"], measure.code
        assert groups == entries[measure.code]["target_groups"], measure.code
        leads = [link.actor.name_de for link in measure.actor_links.all() if link.is_lead]
        assert leads == actors[:1], measure.code
    # The order is the concept's, not the alphabet's.
    first = Measure.objects.get(code="4.1.1")
    assert [link.actor.name_de for link in first.actor_links.all()] == [
        "Stadtplanung",
        "Wirtschaftsförderung",
        "Quartiers- / Citymanagement",
    ]


def test_each_broken_cross_reference_of_the_concept_is_restored_as_a_marked_link_to_4_1_1(
    bochum_data,
):
    printed_broken_in_profiles = _seed_text().count(f"• {BROKEN_REFERENCE}")
    reconstructed = MeasureInteraction.objects.filter(reconstructed=True)
    assert reconstructed.count() == printed_broken_in_profiles == 11
    assert set(reconstructed.values_list("to_measure__code", flat=True)) == {"4.1.1"}
    # Where the concept printed it: the first bullet of "Wechselwirkung mit anderen Maßnahmen".
    assert set(reconstructed.values_list("position", flat=True)) == {0}
    assert set(reconstructed.values_list("from_measure__code", flat=True)) == {
        *("4.2.1", "4.2.2", "4.3.1", "4.3.2", "4.4.1", "4.4.2", "4.4.3"),
        *("4.5.2", "4.6.1", "4.6.2", "4.6.3"),
    }


def test_interactions_keep_the_printed_order_after_the_reconstructed_link(bochum_data):
    entry = next(e for e in _catalogue()["measures"] if e["code"] == "4.6.2")
    measure = Measure.objects.get(code="4.6.2")
    codes = [link.to_measure.code for link in measure.interaction_links.all()]
    assert codes == ["4.1.1", *entry["interactions"]]
    assert codes[-2:] == ["4.8.3", "4.8.2"]  # printed so, not sorted


def test_steering_structures_and_funding_are_high_priority_citing_chapter_6_1(bochum_data):
    priorities = dict(Measure.objects.values_list("code", "priority"))
    high = {code for code, priority in priorities.items() if priority == Priority.HIGH}
    assert high == {"4.1.1", "4.1.2", "4.1.3", "4.4.1", "4.4.2", "4.4.3", "4.4.4"}
    assert {priorities[code] for code in set(priorities) - high} == {None}
    for measure in Measure.objects.filter(code__in=high):
        assert "6.1" in measure.priority_reason_de and "Steuerungsstrukturen" in (
            measure.priority_reason_de
        )
        assert "6.1" in measure.priority_reason_en


def test_a_staff_priority_removed_is_not_brought_back_by_the_next_load(bochum_data):
    from django.core.management import call_command

    measure = Measure.objects.get(code="4.1.2")
    measure.priority, measure.priority_reason_de = None, ""
    measure.save()
    call_command("load_bochum_data", verbosity=0)
    measure.refresh_from_db()
    assert measure.priority is None


def test_the_api_lists_actors_target_groups_and_interactions_in_the_concepts_order(
    bochum_data, client
):
    answer = client.get("/api/v1/measures/4.3.1/").json()
    assert answer["actors"] == [
        "Bochum Marketing",
        "UrbaneProduktion.Ruhr",
        "Bochum Wirtschaftsentwicklung",
        "Stadtverwaltung",
    ]
    assert answer["actors_as_printed"].startswith("BoMA, UrbaneProduktion.Ruhr, BoWE (Social")
    assert answer["lead_actor"] == "Bochum Marketing"
    assert answer["interactions"][0] == "4.1.1"
    assert answer["interactions_reconstructed"] == ["4.1.1"]
    assert answer["priority"] is None
    assert client.get("/api/v1/measures/4.4.1/").json()["priority"] == "high"


def test_the_measure_page_shows_the_printed_lists_the_lead_and_the_reconstruction(
    bochum_data, client
):
    with translation.override("de"):
        url = reverse("measures:detail", args=["4.6.1"])
    html = client.get(url).content.decode()
    assert "„UrbaneProduktion.Ruhr; nach Projektende: Stadt, BoWE, BoMa“" in html
    assert "<strong>UrbaneProduktion.Ruhr</strong> (federführend)" in html
    assert "rekonstruiert" in html
    assert "Verweisquelle" in html
