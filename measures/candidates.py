"""Candidate places for the measures that need space (chapter 6.1, step 4).

measures must not import the vacancy cadastre (apps depend downward), so the cadastre
registers a source here in its AppConfig.ready.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from measures.models import Measure


@dataclass(frozen=True)
class Candidate:
    """A place a measure that needs space could use: a site on offer or a search area."""

    label: str
    url: str
    kind: str  # "site" or "search_area"


CandidateSource = Callable[[Sequence[Measure]], list[Candidate]]

_sources: list[CandidateSource] = []


def register_candidate_source(source: CandidateSource) -> None:
    """`source(measures)` returns the candidate places for these measures in one go: a page
    asks once, whatever the number of measures."""
    if source not in _sources:
        _sources.append(source)


def candidate_places(*, measures: Sequence[Measure]) -> list[Candidate]:
    """The candidate places for the measures that need space (none when no measure does)."""
    needing = [measure for measure in measures if measure.needs_space]
    if not needing:
        return []
    return [candidate for source in _sources for candidate in source(needing)]
