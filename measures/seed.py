from collections import Counter
from pathlib import Path

from fabtown.seeding import create_missing, fill_missing_english, read_json, read_json_parts
from measures.models import Actor, BestPractice, Measure, TargetGroup, ThematicField
from measures.ratings import parse_costs, parse_time_horizon

DATA = Path(__file__).resolve().parent / "data"
_TEXT_FIELDS = [
    "title",
    "description",
    "costs_as_printed",
    "time_horizon_as_printed",
    "problem",
    "solution",
    "impact",
    "challenges",
    "interactions_note",
]


def _rating_fields(entry: dict) -> dict:
    costs = parse_costs(entry["costs_as_printed"])
    horizon = parse_time_horizon(entry["time_horizon_as_printed"])
    return {
        "personnel_cost_min": costs.personnel.min,
        "personnel_cost_max": costs.personnel.max,
        "personnel_cost_remark": costs.personnel.remark,
        "material_cost_min": costs.material.min,
        "material_cost_max": costs.material.max,
        "material_cost_remark": costs.material.remark,
        "time_horizon_min": horizon.min,
        "time_horizon_max": horizon.max,
        "time_horizon_remark": horizon.remark,
    }


def _by_german_name(model: type[Actor | TargetGroup], name: str) -> Actor | TargetGroup:
    instance = model.objects.filter(name_de=name).first()
    return instance or model.objects.create(name_de=name)


def load_catalogue(report: Counter) -> None:
    data = read_json(DATA / "catalogue.json")
    # English texts by code and German name (measures/data/catalogue.en/*.json, merged)
    english = read_json_parts(DATA / "catalogue.en")
    english_fields = english.get("thematic_fields", {})
    english_measures = english.get("measures", {})
    fields = {}
    for position, entry in enumerate(data["thematic_fields"]):
        fields[entry["code"]], _ = create_missing(
            report,
            ThematicField,
            {"code": entry["code"]},
            {
                "title": entry["title"],
                "group": entry["group"],
                "introduction": entry["introduction"],
                "position": position,
            },
            english=english_fields.get(entry["code"]),
        )

    created_measures: dict[str, Measure] = {}
    for position, entry in enumerate(data["measures"]):
        field_code = entry["code"].rsplit(".", 1)[0]
        values = {name: entry[name] for name in _TEXT_FIELDS}
        values.update(_rating_fields(entry), thematic_field=fields[field_code], position=position)
        measure, created = create_missing(
            report,
            Measure,
            {"code": entry["code"]},
            values,
            english=english_measures.get(entry["code"]),
        )
        if not created:
            continue
        created_measures[entry["code"]] = measure
        measure.target_groups.set(
            [_by_german_name(TargetGroup, name) for name in entry["target_groups"]]
        )
        measure.actors.set([_by_german_name(Actor, name) for name in entry["actors"]])
        for bp_position, practice in enumerate(entry["best_practices"]):
            best_practice = BestPractice(
                measure=measure,
                title=practice["title"],
                description=practice["description"],
                url=practice["url"],
                group=practice["group"],
                position=bp_position,
            )
            best_practice.full_clean()
            best_practice.save()

    # Interactions name other measures, so they are linked once all measures exist.
    by_code = {m.code: m for m in Measure.objects.all()}
    for entry in data["measures"]:
        if entry["code"] in created_measures:
            created_measures[entry["code"]].interactions.set(
                [by_code[code] for code in entry["interactions"]]
            )

    # Actors and target groups exist once a measure names them; their English names are
    # filled on every load, also for measures loaded before the English files existed.
    for model, section in ((Actor, "actors"), (TargetGroup, "target_groups")):
        for name, english_name in english.get(section, {}).items():
            instance = model.objects.filter(name_de=name).first()
            if instance is not None:
                fill_missing_english(report, instance, {"name": english_name})
