"""The overview figures of chapter 4.11 of the concept (Abb. 19–22), rebuilt from the data.

The printed figures did not survive the extraction of the concept; only their titles did:
"Akteursübersicht I/II" (actors per measure) and "Zeit- und Kostenübersicht I/II" (time and
cost per measure), I for the thematic fields 4.1–4.5 and II for 4.6–4.10. The pages keep that
split. The interaction network has no printed figure; it draws the Steckbriefe's
"Wechselwirkung mit anderen Maßnahmen".

The functions here only arrange what measures/selectors.py has read; they do not query.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from measures.models import (
    TIME_HORIZON_SHORT_LABELS,
    Actor,
    CostLevel,
    Measure,
    MeasureGroup,
    ThematicField,
    TimeHorizon,
    range_label,
)

LEAD = "lead"
INVOLVED = "involved"
COST_LABELS = dict(CostLevel.choices)
PART_NUMBERS = {MeasureGroup.SETTLING: "I", MeasureGroup.SUPPORTING: "II"}

# One colour per thematic field (by its position, 4.1 first), each with at least 7:1 contrast
# against white: white labels on the nodes and the legend's swatches stay readable (WCAG 1.4.3,
# 1.4.11). Colour is never the only cue: the node's label is its code, which starts with the
# field's code, and the two groups have different shapes.
FIELD_COLOURS = (
    "#0b4f8a",
    "#1d5c2e",
    "#a4161a",
    "#8a4500",
    "#6a3d9a",
    "#00616b",
    "#4d4d4d",
    "#9c1a6b",
    "#4f5b00",
    "#1f3b8f",
)


def _fields_in_order(measures: list[Measure]) -> list[ThematicField]:
    fields: dict[int, ThematicField] = {}
    for measure in measures:
        fields.setdefault(measure.thematic_field_id, measure.thematic_field)
    return list(fields.values())


def _group(measures: list[Measure], group: str) -> list[Measure]:
    return [m for m in measures if m.thematic_field.group == group]


# --- Akteursübersicht (Abb. 19/20) ---------------------------------------------------------


@dataclass
class MatrixRow:
    measure: Measure
    cells: list[str | None]  # LEAD, INVOLVED or None, one per column (actor)


@dataclass
class MatrixSection:
    thematic_field: ThematicField
    rows: list[MatrixRow]


@dataclass
class ActorMatrix:
    number: str  # "I" or "II", as the concept numbers its figures
    group_label: str
    actors: list[tuple[Actor, int]]  # the columns, with the number of measures of each
    sections: list[MatrixSection] = field(default_factory=list)

    @property
    def column_count(self) -> int:
        return len(self.actors) + 1


def actor_matrices(measures: list[Measure]) -> list[ActorMatrix]:
    """One matrix per group of thematic fields. Columns: the actors of the group's measures,
    the one in most measures first; equal counts keep the order in which the concept first
    names them (reading the profiles from 4.1.1 on). `measures` come from
    `selectors.measures_with_actors()`."""
    matrices = []
    for group, label in MeasureGroup.choices:
        members = _group(measures, group)
        if not members:
            continue
        counts: Counter[int] = Counter()
        first_seen: dict[int, int] = {}
        actors: dict[int, Actor] = {}
        for measure in members:
            for link in measure.actor_links.all():
                counts[link.actor_id] += 1
                first_seen.setdefault(link.actor_id, len(first_seen))
                actors[link.actor_id] = link.actor
        columns = sorted(actors, key=lambda pk: (-counts[pk], first_seen[pk]))
        matrix = ActorMatrix(
            number=PART_NUMBERS[group],
            group_label=str(label),
            actors=[(actors[pk], counts[pk]) for pk in columns],
        )
        for thematic_field in _fields_in_order(members):
            rows = []
            for measure in members:
                if measure.thematic_field_id != thematic_field.pk:
                    continue
                marks = {
                    link.actor_id: LEAD if link.is_lead else INVOLVED
                    for link in measure.actor_links.all()
                }
                rows.append(MatrixRow(measure, [marks.get(pk) for pk in columns]))
            matrix.sections.append(MatrixSection(thematic_field, rows))
        matrices.append(matrix)
    return matrices


# --- Zeit- und Kostenübersicht (Abb. 21/22) -----------------------------------------------


@dataclass
class Placement:
    """A measure on the time axis: from its shortest to its longest time horizon."""

    measure: Measure
    start: int
    end: int

    @property
    def span_class(self) -> str:
        return f"span-{self.start}-{self.end}"

    @property
    def time_label(self) -> str:
        return self.measure.time_horizon_label


@dataclass
class CostBand:
    """One row of a panel: the measures whose cost is rated exactly this range, or (low and
    high None) those the concept gives no rating for."""

    low: int | None
    high: int | None
    label: str
    placements: list[Placement] = field(default_factory=list)
    untimed: list[Measure] = field(default_factory=list)

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.low != self.high


@dataclass
class CostPanel:
    kind: str  # "personnel" or "material"
    title: str
    bands: list[CostBand]


@dataclass
class TimeCostPart:
    number: str
    group_label: str
    panels: list[CostPanel]


def _cost_bands(measures: list[Measure], kind: str) -> list[CostBand]:
    ranges = {(level, level) for level in CostLevel.values}
    ranges |= {
        (getattr(m, f"{kind}_cost_min"), getattr(m, f"{kind}_cost_max"))
        for m in measures
        if getattr(m, f"{kind}_cost_min") is not None
    }
    # low, low–medium, medium, (low–high,) medium–high, high: by the middle of the range
    ordered = sorted(ranges, key=lambda r: (r[0] + r[1], r[1] - r[0]))
    bands = {r: CostBand(r[0], r[1], range_label(*r, COST_LABELS)) for r in ordered}
    unrated = CostBand(None, None, _("no rating given"))
    for measure in measures:
        low, high = getattr(measure, f"{kind}_cost_min"), getattr(measure, f"{kind}_cost_max")
        band = unrated if low is None else bands[(low, high)]
        if measure.time_horizon_min is None:
            band.untimed.append(measure)
        else:
            band.placements.append(
                Placement(measure, measure.time_horizon_min, measure.time_horizon_max)
            )
    return [*bands.values(), unrated]


def time_cost_parts(measures: list[Measure]) -> list[TimeCostPart]:
    """Per group of thematic fields, two panels (personnel cost, material cost); in each, a row
    per cost level or range and the measures drawn across the time horizons they span.
    `measures` come from `selectors.measures_in_concept_order()`."""
    parts = []
    for group, label in MeasureGroup.choices:
        members = _group(measures, group)
        if not members:
            continue
        panels = [
            CostPanel("personnel", _("Personnel cost"), _cost_bands(members, "personnel")),
            CostPanel("material", _("Material cost"), _cost_bands(members, "material")),
        ]
        parts.append(TimeCostPart(PART_NUMBERS[group], str(label), panels))
    return parts


def time_horizon_columns() -> list[str]:
    return [str(TIME_HORIZON_SHORT_LABELS[h]) for h in TimeHorizon]


# --- Wechselwirkungen ----------------------------------------------------------------------


@dataclass
class InteractionTarget:
    measure: Measure
    reconstructed: bool


@dataclass
class NetworkEntry:
    measure: Measure
    colour: str
    targets: list[InteractionTarget]


@dataclass
class InteractionNetwork:
    entries: list[NetworkEntry]
    legend: list[tuple[ThematicField, str]]
    graph: dict  # for json_script: what static/measures/network.js draws

    @property
    def edge_count(self) -> int:
        return len(self.graph["edges"])

    @property
    def reconstructed_count(self) -> int:
        return sum(1 for edge in self.graph["edges"] if edge["reconstructed"])


def interaction_network(measures: list[Measure]) -> InteractionNetwork:
    """Nodes (the measures, coloured by thematic field) and directed edges (each profile's
    interactions, in the printed order). `measures` come from
    `selectors.measures_with_interactions()`."""
    fields = _fields_in_order(measures)
    colours = {f.pk: FIELD_COLOURS[i % len(FIELD_COLOURS)] for i, f in enumerate(fields)}
    by_pk = {m.pk: m for m in measures}
    entries, nodes, edges = [], [], []
    for measure in measures:
        colour = colours[measure.thematic_field_id]
        url = reverse("measures:detail", args=[measure.code])
        nodes.append(
            {
                "id": measure.code,
                "title": measure.title,
                "field": measure.thematic_field.code,
                "group": measure.thematic_field.group,
                "colour": colour,
                "url": url,
            }
        )
        targets = []
        for link in measure.interaction_links.all():
            target = by_pk.get(link.to_measure_id)
            if target is None:  # cannot happen with the whole catalogue; a filtered list
                continue
            targets.append(InteractionTarget(target, link.reconstructed))
            edges.append(
                {
                    "id": f"{measure.code}>{target.code}",
                    "source": measure.code,
                    "target": target.code,
                    "reconstructed": link.reconstructed,
                }
            )
        entries.append(NetworkEntry(measure, colour, targets))
    return InteractionNetwork(
        entries=entries,
        legend=[(f, colours[f.pk]) for f in fields],
        graph={"nodes": nodes, "edges": edges},
    )
