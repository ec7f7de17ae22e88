from collections import Counter
from pathlib import Path

from fabtown.seeding import create_missing, fill_missing_english, read_json, read_json_parts
from measures.models import (
    Actor,
    BestPractice,
    Measure,
    MeasureActor,
    MeasureInteraction,
    MeasureTargetGroup,
    Priority,
    TargetGroup,
    ThematicField,
)
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
    "actors_as_printed",
    "target_groups_as_printed",
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
            _fill_printed_lists(report, measure, entry)
            continue
        created_measures[entry["code"]] = measure
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

    # Interactions name other measures, so they are linked once all measures exist. A measure's
    # lists are written once, in the concept's order: when it is new, or when its links have
    # never been ordered (a database from before the order was kept); staff edits stay.
    by_code = {m.code: m for m in Measure.objects.all()}
    for entry in data["measures"]:
        measure = by_code[entry["code"]]
        if entry["code"] in created_measures or _links_never_ordered(measure):
            _write_links_in_concept_order(report, measure, entry, by_code)
    _fill_initial_priorities(report)
    _fill_needs_space(report)

    # Actors and target groups exist once a measure names them; their English names are
    # filled on every load, also for measures loaded before the English files existed.
    for model, section in ((Actor, "actors"), (TargetGroup, "target_groups")):
        for name, english_name in english.get(section, {}).items():
            instance = model.objects.filter(name_de=name).first()
            if instance is not None:
                fill_missing_english(report, instance, {"name": english_name})


def _links_never_ordered(measure: Measure) -> bool:
    links = [
        *measure.actor_links.all(),
        *measure.target_group_links.all(),
        *measure.interaction_links.all(),
    ]
    return all(link.position == 0 for link in links) and not any(
        getattr(link, "is_lead", False) or getattr(link, "reconstructed", False) for link in links
    )


def _write_links_in_concept_order(
    report: Counter, measure: Measure, entry: dict, by_code: dict[str, Measure]
) -> None:
    """Actors and target groups as the profile names them, the first actor as lead (Abb. 19/20,
    which marked the lead actors, did not survive; the first named is the reconstruction), and
    the interactions with the reconstructed cross-references first, where the concept printed
    them."""
    measure.actor_links.all().delete()
    for position, name in enumerate(entry["actors"]):
        link = MeasureActor(
            measure=measure,
            actor=_by_german_name(Actor, name),
            position=position,
            is_lead=position == 0,
        )
        link.full_clean()
        link.save()
    measure.target_group_links.all().delete()
    for position, name in enumerate(entry["target_groups"]):
        link = MeasureTargetGroup(
            measure=measure, target_group=_by_german_name(TargetGroup, name), position=position
        )
        link.full_clean()
        link.save()
    measure.interaction_links.all().delete()
    reconstructed = entry.get("interactions_reconstructed", [])
    for position, code in enumerate([*reconstructed, *entry["interactions"]]):
        link = MeasureInteraction(
            from_measure=measure,
            to_measure=by_code[code],
            position=position,
            reconstructed=code in reconstructed,
        )
        link.full_clean()
        link.save()
    report["measure links in concept order"] += 1


_PRIORITIES = {"high": Priority.HIGH, "medium": Priority.MEDIUM, "low": Priority.LOW}


def _fill_initial_priorities(report: Counter) -> None:
    """Chapter 6.1, step 3, as initial data: only for a measure whose priority was never set,
    so a priority staff removed is not brought back."""
    data = read_json(DATA / "priorities.json")
    for field_code, entry in data["thematic_fields"].items():
        measures = Measure.objects.filter(thematic_field__code=field_code, priority__isnull=True)
        for measure in measures:
            if measure.history.filter(priority__isnull=False).exists():
                continue
            measure.priority = _PRIORITIES[entry["priority"]]
            measure.priority_reason_de = entry["reason"]
            measure.priority_reason_en = entry["reason_en"]
            measure.full_clean()
            measure.save()
            report["measure priorities from chapter 6.1"] += 1


def _fill_needs_space(report: Counter) -> None:
    """Chapter 6.1, step 4, as initial data (an editorial reading, see the file's note): only
    for a measure that never needed space, so a mark staff removed is not brought back."""
    codes = read_json(DATA / "needs_space.json")["measures"]
    for measure in Measure.objects.filter(code__in=codes, needs_space=False):
        if measure.history.filter(needs_space=True).exists():
            continue
        measure.needs_space = True
        measure.full_clean()
        measure.save()
        report["measures marked as needing space (chapter 6.1)"] += 1


def _fill_printed_lists(report: Counter, measure: Measure, entry: dict) -> None:
    """The printed wording of actors and target groups, for measures loaded before it was kept."""
    empty = [
        name
        for name in ("actors_as_printed", "target_groups_as_printed")
        if not getattr(measure, name)
    ]
    if not empty:
        return
    for name in empty:
        setattr(measure, name, entry[name])
    measure.full_clean()
    measure.save(update_fields=empty)
    report["measures given their printed lists"] += 1
