"""The English content files (issue 12) against the German data they translate.

Keys are German identifiers, so a renamed or removed German entry would silently leave an
English text nobody sees, and a new German entry would stay untranslated. Whether every
measure has an English version is the loader's "missing" report; here each file must be
well-formed and complete for what it covers.
"""

import json
from pathlib import Path

from label.seed import DEFAULT_FEE_TIERS
from measures.ratings import parse_costs, parse_time_horizon

ROOT = Path(__file__).resolve().parents[2]
MEASURE_TEXTS = (
    "title",
    "description",
    "problem",
    "solution",
    "impact",
    "challenges",
    "interactions_note",
)
REMARKS = ("personnel_cost_remark", "material_cost_remark", "time_horizon_remark")


def _read(relative: str) -> dict:
    return json.loads((ROOT / relative).read_text(encoding="utf-8"))


def _catalogue_parts() -> dict[str, dict]:
    folder = ROOT / "measures" / "data" / "catalogue.en"
    return {
        path.name: json.loads(path.read_text(encoding="utf-8")) for path in folder.glob("*.json")
    }


def _german_catalogue() -> dict:
    return _read("measures/data/catalogue.json")


def _german_measure_texts(measure: dict) -> dict[str, str]:
    costs = parse_costs(measure["costs_as_printed"])
    texts = {field: measure[field] for field in MEASURE_TEXTS}
    texts["personnel_cost_remark"] = costs.personnel.remark
    texts["material_cost_remark"] = costs.material.remark
    texts["time_horizon_remark"] = parse_time_horizon(measure["time_horizon_as_printed"]).remark
    return texts


def _assert_no_gender_star(value: str) -> None:
    # the German gender star ("Produzent*innen") becomes gender-neutral English
    assert "*in" not in value, value


def test_taxonomy_has_an_english_name_for_every_form_and_category():
    german = _read("producers/data/taxonomy.json")
    english = _read("producers/data/taxonomy.en.json")
    forms = {form["code"]: form for form in german["production_forms"]}
    categories = {}
    for parent in german["product_categories"]:
        categories[parent["slug"]] = parent
        categories.update({child["slug"]: child for child in parent.get("children", [])})

    assert english["production_forms"].keys() == forms.keys()
    assert english["product_categories"].keys() == categories.keys()
    for kind, originals in (("production_forms", forms), ("product_categories", categories)):
        for key, texts in english[kind].items():
            assert texts["name"].strip(), key
            assert bool(texts["description"].strip()) == bool(originals[key].get("description"))


def test_search_areas_are_translated_field_by_field():
    german = {area["name"]: area for area in _read("vacancies/data/sites.json")["search_areas"]}
    english = _read("vacancies/data/search_areas.en.json")

    assert english.keys() == german.keys()
    for name, texts in english.items():
        assert set(texts) == {"name", "production_type", "concretisation"}
        for field, value in texts.items():
            assert bool(value.strip()) == bool(german[name][field]), (name, field)


def test_every_fee_tier_has_an_english_name():
    english = _read("label/data/fee_tiers.en.json")

    assert english.keys() == {name for name, *_ in DEFAULT_FEE_TIERS}
    assert all(value.strip() for value in english.values())


def test_catalogue_parts_only_translate_what_the_german_catalogue_has():
    german = _german_catalogue()
    fields = {field["code"]: field for field in german["thematic_fields"]}
    measures = {measure["code"]: measure for measure in german["measures"]}
    actors = {actor for measure in german["measures"] for actor in measure["actors"]}
    groups = {group for measure in german["measures"] for group in measure["target_groups"]}
    parts = _catalogue_parts()
    assert parts

    for part in parts.values():
        assert set(part) <= {"thematic_fields", "measures", "actors", "target_groups"}
        assert part.get("thematic_fields", {}).keys() <= fields.keys()
        assert part.get("measures", {}).keys() <= measures.keys()
        assert part.get("actors", {}).keys() <= actors
        assert part.get("target_groups", {}).keys() <= groups
        for code, texts in part.get("thematic_fields", {}).items():
            assert set(texts) == {"title", "introduction"}, code
            assert all(value.strip() for value in texts.values()), code
        for name, value in {**part.get("actors", {}), **part.get("target_groups", {})}.items():
            assert value.strip(), name
            _assert_no_gender_star(value)


def test_each_translated_measure_has_every_text_the_german_one_has():
    german = {measure["code"]: measure for measure in _german_catalogue()["measures"]}
    for part_name, part in _catalogue_parts().items():
        for code, texts in part.get("measures", {}).items():
            originals = _german_measure_texts(german[code])
            expected = {key for key, value in originals.items() if value.strip()}
            assert set(texts) == expected, (part_name, code)
            for key, value in texts.items():
                assert value.strip(), (part_name, code, key)
                _assert_no_gender_star(value)
                # paragraphs stay as printed, so the page shows the same structure in both
                assert value.count("\n\n") == originals[key].count("\n\n"), (code, key)


def test_parts_that_translate_the_same_entry_agree():
    seen: dict[tuple[str, str], tuple[str, object]] = {}
    for part_name, part in sorted(_catalogue_parts().items()):
        for section, entries in part.items():
            for key, value in entries.items():
                earlier = seen.setdefault((section, key), (part_name, value))
                assert earlier[1] == value, (section, key, earlier[0], part_name)
