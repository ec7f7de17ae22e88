import pytest
from django.core.management import call_command

from measures.models import Measure, ThematicField

pytestmark = pytest.mark.django_db

L, M, H = 1, 2, 3  # low/medium/high (Tabelle 3); short/medium/long (Tabelle 4)

# code: (personnel min, max), (material min, max), (time min, max) as printed in the seed,
# None where the seed gives no level.
SEED_RATINGS = {
    "4.1.1": ((M, H), None, (M, H)),
    "4.1.2": ((M, M), (M, M), (L, M)),
    "4.1.3": ((M, M), (M, M), (L, M)),
    "4.2.1": ((M, M), (M, M), (M, H)),
    "4.2.2": ((M, M), (M, H), (M, H)),
    "4.3.1": ((M, M), (L, L), (M, M)),
    "4.3.2": ((M, M), (L, M), (M, H)),
    "4.4.1": ((M, M), None, (M, H)),
    "4.4.2": ((M, M), None, (M, H)),
    "4.4.3": ((M, M), (M, M), (M, H)),
    "4.4.4": ((M, M), None, (L, M)),
    "4.5.1": ((L, L), None, (M, M)),
    "4.5.2": ((M, M), None, (M, M)),
    "4.6.1": ((L, L), None, (L, M)),
    "4.6.2": ((M, M), (L, L), (L, M)),
    "4.6.3": ((L, L), None, (L, M)),
    "4.6.4": ((L, M), (L, L), (L, L)),
    "4.6.5": ((L, L), (L, L), (L, M)),
    "4.7.1": ((L, M), None, (L, M)),
    "4.7.2": ((L, L), None, (L, M)),
    "4.8.1": ((L, L), (L, L), (M, M)),
    "4.8.2": ((L, L), (L, L), (L, L)),
    "4.8.3": ((L, L), None, (L, M)),
    "4.9.1": ((M, H), (H, H), (M, M)),
    "4.10.1": ((L, L), (M, M), (M, M)),
}


def _pair(low, high):
    return None if low is None else (low, high)


def test_all_25_measures_are_loaded_with_the_seeds_ratings(bochum_data):
    measures = {m.code: m for m in Measure.objects.all()}
    assert set(measures) == set(SEED_RATINGS)
    for code, (personnel, material, horizon) in SEED_RATINGS.items():
        m = measures[code]
        assert _pair(m.personnel_cost_min, m.personnel_cost_max) == personnel, code
        assert _pair(m.material_cost_min, m.material_cost_max) == material, code
        assert _pair(m.time_horizon_min, m.time_horizon_max) == horizon, code


def test_the_seeds_remarks_are_kept_with_the_ratings(bochum_data):
    remarks = {
        m.code: (m.personnel_cost_remark, m.material_cost_remark, m.time_horizon_remark)
        for m in Measure.objects.all()
    }
    assert remarks["4.1.1"] == ("", "keine, über Fördermittel gedeckt", "")
    assert remarks["4.4.4"][1] == "je nach Vorhaben"
    assert remarks["4.4.3"][1] == "je nach Maßnahme"
    assert remarks["4.9.1"][1] == "je nach Maßnahme"
    assert remarks["4.6.1"][2] == "regelmäßig"
    assert remarks["4.4.2"][0] == "Aktualisierung nach festgelegtem Turnus"


def test_profiles_keep_the_printed_wording(bochum_data):
    m = Measure.objects.get(code="4.1.1")
    assert m.costs_as_printed == (
        "Personal (mittel bis hoch), Sachkosten (keine, über Fördermittel gedeckt)"
    )
    assert m.time_horizon_as_printed == "Mittel- bis langfristig"
    assert m.problem.startswith("Mit dem Auslaufen des Forschungsprojekts")
    problem = Measure.objects.get(code="4.1.3").problem
    # "Kosten" inside a sentence is text, not the start of the costs field
    assert problem.endswith("(Konzepts- & Businessplanerstellung, Kosten, Vernetzung & Marketing)")


def test_measures_sit_in_their_thematic_fields_and_groups(bochum_data):
    assert ThematicField.objects.count() == 10
    assert Measure.objects.filter(thematic_field__group="settling").count() == 13
    assert Measure.objects.filter(thematic_field__group="supporting").count() == 12
    for m in Measure.objects.select_related("thematic_field"):
        assert m.code.startswith(m.thematic_field.code + ".")


def test_target_groups_and_actors_are_shared_vocabularies(bochum_data):
    m = Measure.objects.get(code="4.3.2")
    assert list(m.target_groups.values_list("name", flat=True)) == sorted(
        ["Bürger*innen", "Schüler*innen", "Studierende"]
    )
    assert m.actors.count() == 10
    # "Industrie und Handelskammer" and "IHK" are one actor
    ihk = Measure.objects.filter(actors__name="Industrie- und Handelskammer").count()
    assert ihk >= 8


def test_interactions_link_the_measures_the_seed_names(bochum_data):
    m = Measure.objects.get(code="4.1.2")
    assert sorted(m.interactions.values_list("code", flat=True)) == [
        "4.2.1", "4.2.2", "4.3.1", "4.4.1", "4.4.2", "4.5.1"
    ]  # fmt: skip
    # 4.5.1 names measures with other words ("Städtebauförderprogramm", "Zwischennutzung")
    other_words = Measure.objects.get(code="4.5.1").interactions.values_list("code", flat=True)
    assert sorted(other_words) == ["4.1.1", "4.3.1", "4.4.2", "4.6.1"]
    assert Measure.objects.get(code="4.1.1").interactions_note.startswith("Je nach Förderprogramm")


def test_unresolvable_references_of_the_pdf_are_left_out(bochum_data):
    for m in Measure.objects.all():
        for text in (m.description, m.interactions_note, m.solution, m.challenges):
            assert "Fehler!" not in text, m.code


def test_every_best_practice_is_loaded(bochum_data):
    counts = {m.code: m.best_practices.count() for m in Measure.objects.all()}
    assert counts == {
        "4.1.1": 1, "4.1.2": 2, "4.1.3": 3, "4.2.1": 6, "4.2.2": 3, "4.3.1": 3, "4.3.2": 5,
        "4.4.1": 2, "4.4.2": 3, "4.4.3": 2, "4.4.4": 1, "4.5.1": 3, "4.5.2": 1, "4.6.1": 5,
        "4.6.2": 2, "4.6.3": 5, "4.6.4": 3, "4.6.5": 2, "4.7.1": 3, "4.7.2": 2, "4.8.1": 2,
        "4.8.2": 2, "4.8.3": 2, "4.9.1": 2, "4.10.1": 2,
    }  # fmt: skip
    practice = Measure.objects.get(code="4.4.2").best_practices.get(title="Immovativ")
    assert practice.url == "https://www.immovativ.de/produkte/digitales-leerstandsmanagement/"


def test_loading_twice_changes_nothing_and_keeps_staff_edits(bochum_data):
    edited = Measure.objects.get(code="4.4.2")
    edited.implementation_status = "in_progress"
    edited.title = "Leerstandskataster (von der Redaktion gekürzt)"
    edited.save()
    counts_before = {model: model.objects.count() for model in _all_seeded_models()}

    call_command("load_bochum_data", verbosity=0)

    assert {model: model.objects.count() for model in _all_seeded_models()} == counts_before
    edited.refresh_from_db()
    assert edited.title == "Leerstandskataster (von der Redaktion gekürzt)"
    assert edited.implementation_status == "in_progress"


def _all_seeded_models():
    from label.models import FeeTier
    from measures.models import Actor, BestPractice, TargetGroup
    from producers.models import Producer, ProductCategory, ProductionForm
    from vacancies.models import InterimUse, SearchArea, Site, SiteStatusChange

    return [
        Measure, ThematicField, Actor, TargetGroup, BestPractice, Producer, ProductCategory,
        ProductionForm, Site, SiteStatusChange, SearchArea, InterimUse, FeeTier,
    ]  # fmt: skip
