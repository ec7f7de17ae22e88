"""The measure catalogue as CSV for spreadsheets: one row per measure in the concept's order.

Like the other spreadsheets people open (the vacancy statistics, the treasurer's list): UTF-8
with a byte-order mark and semicolons, so that a German Excel opens it with umlauts and columns
as they are; every text cell passes `neutralise_formula`. The column names and the rating words
stay the same in both languages (a sheet built on them keeps working); titles and the thematic
field follow the language of the page it was downloaded from.
"""

import csv
from collections.abc import Callable, Iterable

from django.http import HttpResponse

from fabtown.spreadsheets import neutralise_formula
from measures.models import Measure
from measures.pdf import reconstructed_mark

COST_WORDS = {1: "low", 2: "medium", 3: "high"}
TIME_WORDS = {1: "short", 2: "medium", 3: "long"}
PRIORITY_WORDS = {1: "high", 2: "medium", 3: "low"}

COLUMNS = (
    "code",
    "thematic_field",
    "title",
    "target_groups_as_printed",
    "actors_as_printed",
    "lead_actor",
    "costs_as_printed",
    "personnel_cost_min",
    "personnel_cost_max",
    "material_cost_min",
    "material_cost_max",
    "time_horizon_as_printed",
    "time_horizon_min",
    "time_horizon_max",
    "interactions",
    "priority",
    "implementation_status",
    "progress",
    "url",
)


def _word(words: dict[int, str], value: int | None) -> str:
    return "" if value is None else words[value]


def catalogue_rows(measures: Iterable[Measure], *, url_of: Callable[[Measure], str]):
    """The cells of each measure (from `with_profile()`), in COLUMNS' order."""
    for measure in measures:
        lead = next((link.actor.name for link in measure.actor_links.all() if link.is_lead), "")
        yield [
            measure.code,
            f"{measure.thematic_field.code} {measure.thematic_field.title}",
            measure.title,
            measure.target_groups_as_printed,
            measure.actors_as_printed,
            lead,
            measure.costs_as_printed,
            _word(COST_WORDS, measure.personnel_cost_min),
            _word(COST_WORDS, measure.personnel_cost_max),
            _word(COST_WORDS, measure.material_cost_min),
            _word(COST_WORDS, measure.material_cost_max),
            measure.time_horizon_as_printed,
            _word(TIME_WORDS, measure.time_horizon_min),
            _word(TIME_WORDS, measure.time_horizon_max),
            ", ".join(
                link.to_measure.code + (f" {reconstructed_mark()}" if link.reconstructed else "")
                for link in measure.interaction_links.all()
            ),
            _word(PRIORITY_WORDS, measure.priority),
            measure.implementation_status,
            measure.progress,
            url_of(measure),
        ]


def catalogue_csv(
    measures: Iterable[Measure], *, url_of: Callable[[Measure], str], filename: str
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs then read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(COLUMNS)
    for row in catalogue_rows(measures, url_of=url_of):
        # Texts from the data (titles, the concept's wording) are text a spreadsheet must not run.
        writer.writerow([neutralise_formula(cell) for cell in row])
    return response
