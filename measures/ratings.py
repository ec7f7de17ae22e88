"""Reading the ratings of a measure profile as the concept prints them.

The concept writes costs as "Personal (mittel bis hoch), Sachkosten (keine, über Fördermittel
gedeckt)" and time horizons as "Kurz- bis mittelfristig (regelmäßig)". These functions turn
such text into level ranges (Tabelle 3 and 4) plus the remark the concept adds, so that the
catalogue keeps both the printed wording and a rating tools can filter on.
"""

import re
from dataclasses import dataclass

from measures.models import CostLevel, TimeHorizon

_COST_WORDS = {"gering": CostLevel.LOW, "mittel": CostLevel.MEDIUM, "hoch": CostLevel.HIGH}
_TIME_WORDS = {"kurz": TimeHorizon.SHORT, "mittel": TimeHorizon.MEDIUM, "lang": TimeHorizon.LONG}


class RatingError(ValueError):
    """The printed text does not read as a rating."""


@dataclass(frozen=True)
class Rating:
    min: int | None
    max: int | None
    remark: str = ""


@dataclass(frozen=True)
class Costs:
    personnel: Rating
    material: Rating


def _levels(words: list[str], vocabulary: dict[str, int], text: str) -> tuple[int, int]:
    levels = [vocabulary[word] for word in words]
    if len(levels) > 2 or levels != sorted(levels):
        raise RatingError(f"unreadable range in {text!r}")
    return levels[0], levels[-1]


def _parse_cost_clause(inner: str) -> Rating:
    """Reads "mittel bis hoch", "mittel, je nach Maßnahme" or "keine, über Fördermittel gedeckt"."""
    head, _, tail = inner.partition(",")
    words = re.findall(r"gering|mittel|hoch", head.lower())
    if not words:
        # no level given, e.g. "keine, über Fördermittel gedeckt" or "je nach Vorhaben"
        return Rating(None, None, inner.strip())
    low, high = _levels(words, _COST_WORDS, inner)
    return Rating(low, high, tail.strip())


def parse_costs(text: str) -> Costs:
    personnel = material = Rating(None, None)
    found = False
    for match in re.finditer(r"(Personal(?:kosten)?|Sachkosten)\s*\(([^)]*)\)", text):
        found = True
        rating = _parse_cost_clause(match.group(2))
        if match.group(1).startswith("Personal"):
            personnel = rating
        else:
            material = rating
    if not found and text.strip():
        raise RatingError(f"no personnel or material cost in {text!r}")
    # Text after the last bracket belongs to the personnel effort, e.g. in 4.4.2
    # "Personal (mittel), Aktualisierung nach festgelegtem Turnus".
    rest = re.sub(r"(Personal(?:kosten)?|Sachkosten)\s*\([^)]*\)", "", text)
    rest = rest.strip(" ,;")
    if rest:
        remark = "; ".join(part for part in (personnel.remark, rest) if part)
        personnel = Rating(personnel.min, personnel.max, remark)
    return Costs(personnel=personnel, material=material)


def parse_time_horizon(text: str) -> Rating:
    if not text.strip():
        return Rating(None, None)
    remark_match = re.search(r"\(([^)]*)\)", text)
    remark = remark_match.group(1).strip() if remark_match else ""
    words = re.findall(r"kurz|mittel|lang", text.lower())
    if not words:
        raise RatingError(f"no time horizon in {text!r}")
    low, high = _levels(words, _TIME_WORDS, text)
    return Rating(low, high, remark)
