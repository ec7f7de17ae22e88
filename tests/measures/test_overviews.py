"""The overview figures of chapter 4.11 (Abb. 19–22) as pages, checked against the data."""

import json
import re

import pytest

from measures.models import CostLevel, Measure, MeasureActor, MeasureInteraction, TimeHorizon
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

INDEX = "/massnahmen/uebersicht/"
ACTORS = "/massnahmen/uebersicht/akteure/"
TIME_COST = "/massnahmen/uebersicht/zeit-und-kosten/"
INTERACTIONS = "/massnahmen/uebersicht/wechselwirkungen/"


def _marks(response) -> dict[str, dict[str, str]]:
    """measure code -> {actor name: "lead" | "involved"}, read from the matrices."""
    result = {}
    for matrix in response.context["matrices"]:
        names = [actor.name for actor, _count in matrix.actors]
        for section in matrix.sections:
            for row in section.rows:
                result[row.measure.code] = {
                    name: mark for name, mark in zip(names, row.cells, strict=True) if mark
                }
    return result


def test_the_actor_matrix_marks_every_actor_of_every_measure(client, bochum_data):
    marks = _marks(client.get(ACTORS))
    expected: dict[str, dict[str, str]] = {}
    for link in MeasureActor.objects.select_related("measure", "actor"):
        expected.setdefault(link.measure.code, {})[link.actor.name] = (
            "lead" if link.is_lead else "involved"
        )
    assert marks == expected
    assert sum(len(actors) for actors in marks.values()) == MeasureActor.objects.count() == 108


def test_each_measure_with_actors_has_exactly_one_lead_the_one_named_first(client, bochum_data):
    marks = _marks(client.get(ACTORS))
    assert len(marks) == 25
    for code, actors in marks.items():
        leads = [name for name, mark in actors.items() if mark == "lead"]
        first = MeasureActor.objects.filter(measure__code=code).order_by("position").first()
        assert leads == [first.actor.name], code


def test_the_matrix_html_marks_the_lead_with_a_symbol_and_words(client, bochum_data):
    page = client.get(ACTORS).content.decode()
    leads = page.count('<td class="lead"><span aria-hidden="true">●</span>')
    involved = page.count('<td class="involved"><span aria-hidden="true">○</span>')
    assert leads == 25 and leads + involved == 108
    assert page.count('<span class="visually-hidden">federführend</span>') == 25
    assert "Die Federführung ist rekonstruiert" in page
    assert page.count('scope="rowgroup"') == 10  # the thematic fields, in the concept's order
    assert page.index("4.1 Fördermittel") < page.index("4.5 Gezielte") < page.index("4.10 Urbane")


def test_the_matrix_columns_start_with_the_actor_in_most_measures(client, bochum_data):
    matrices = client.get(ACTORS).context["matrices"]
    assert [m.number for m in matrices] == ["I", "II"]
    for matrix in matrices:
        counts = [count for _actor, count in matrix.actors]
        assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def _placements(response) -> dict[tuple[str, str], tuple]:
    """(code, "personnel"|"material") -> (band low, band high, start, end) or (…, None) for
    measures without a time horizon."""
    found = {}
    for part in response.context["parts"]:
        for panel in part.panels:
            for band in panel.bands:
                for placement in band.placements:
                    key = (placement.measure.code, panel.kind)
                    assert key not in found, f"{key} placed twice"
                    found[key] = (band.low, band.high, placement.start, placement.end)
                for measure in band.untimed:
                    found[(measure.code, panel.kind)] = (band.low, band.high, None, None)
    return found


def test_time_and_cost_places_every_measure_at_its_ranges(client, bochum_data):
    response = client.get(TIME_COST)
    placements = _placements(response)
    assert len(placements) == 50  # 25 measures in both panels
    for m in Measure.objects.all():
        for kind in ("personnel", "material"):
            low, high = getattr(m, f"{kind}_cost_min"), getattr(m, f"{kind}_cost_max")
            assert placements[(m.code, kind)] == (
                low,
                high,
                m.time_horizon_min,
                m.time_horizon_max,
            ), (m.code, kind)
    # "Kurz- bis Mittelfristig": the bar spans the first two columns
    page = response.content.decode()
    assert re.search(r'<li class="tc-bar span-1-2"><a href="/massnahmen/4\.1\.2/">', page)
    assert re.search(r'<li class="tc-bar span-2-3"><a href="/massnahmen/4\.1\.1/">', page)


def test_measures_without_a_rating_stand_in_their_own_row_never_under_low(client, bochum_data):
    response = client.get(TIME_COST)
    parts = response.context["parts"]
    material = [p for part in parts for p in part.panels if p.kind == "material"]
    unrated = {
        placement.measure.code
        for panel in material
        for band in panel.bands
        if band.low is None
        for placement in band.placements
    }
    expected = set(
        Measure.objects.filter(material_cost_min__isnull=True).values_list("code", flat=True)
    )
    assert unrated == expected and "4.1.1" in unrated and "4.6.1" in unrated
    page = response.content.decode()
    # one row per part (I and II), in both panels
    assert page.count('<h4 class="tc-band-label">Sachkosten: keine Angabe</h4>') == 2
    assert page.count('<h4 class="tc-band-label">Personalkosten: keine Angabe</h4>') == 2


def test_a_measure_without_a_time_horizon_is_listed_as_such(client):
    MeasureFactory(code="4.6.9", title="Ohne Zeithorizont")
    MeasureFactory(
        code="4.6.8",
        title="Bewertet",
        time_horizon_min=TimeHorizon.SHORT,
        time_horizon_max=TimeHorizon.LONG,
        personnel_cost_min=CostLevel.LOW,
        personnel_cost_max=CostLevel.HIGH,
    )
    response = client.get(TIME_COST)
    placements = _placements(response)
    assert placements[("4.6.9", "personnel")] == (None, None, None, None)
    assert placements[("4.6.8", "personnel")] == (1, 3, 1, 3)
    page = response.content.decode()
    assert "Ohne Angabe zum Zeithorizont:" in page
    assert re.search(r'<li class="tc-bar span-1-3"><a href="/massnahmen/4\.6\.8/">', page)


def test_the_time_and_cost_table_shows_ranges_and_the_printed_wording(client, bochum_data):
    page = client.get(TIME_COST).content.decode()
    table = page[page.index('<table class="time-cost-table">') :]
    row = re.search(r'<a href="/massnahmen/4\.1\.1/">.*?</tr>', table, re.S).group(0)
    assert "mittelfristig–langfristig" in row and "mittel–hoch" in row
    assert "keine Angabe" in row  # material cost: "keine, über Fördermittel gedeckt"
    assert "Personal (mittel bis hoch), Sachkosten (keine, über Fördermittel gedeckt)" in row


def _graph(page: str) -> dict:
    match = re.search(r'<script id="network-data" type="application/json">(.*?)</script>', page)
    return json.loads(match.group(1))


def test_the_network_holds_every_interaction_of_the_profiles(client, bochum_data):
    page = client.get(INTERACTIONS).content.decode()
    graph = _graph(page)
    assert len(graph["nodes"]) == 25
    edges = {(e["source"], e["target"]): e["reconstructed"] for e in graph["edges"]}
    expected = {
        (i.from_measure.code, i.to_measure.code): i.reconstructed
        for i in MeasureInteraction.objects.select_related("from_measure", "to_measure")
    }
    assert len(graph["edges"]) == MeasureInteraction.objects.count() == len(expected)
    assert edges == expected
    assert sum(edges.values()) == 11
    colours = {node["field"]: node["colour"] for node in graph["nodes"]}
    assert len(set(colours.values())) == 10


def test_the_text_list_names_every_interaction_and_marks_the_reconstructed(client, bochum_data):
    page = client.get(INTERACTIONS).content.decode()
    listing = re.search(r'<ol class="network-list">(.*?)</ol>', page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", listing, re.S)
    assert len(items) == 25
    links, reconstructed = 0, 0
    for item in items:
        own, _, rest = item.partition("→")
        code = re.search(r'data-node="([\d.]+)"', own).group(1)
        targets = re.findall(
            r'data-node="([\d.]+)"[^>]*>.*?</a>( <span class="reconstructed">)?', rest
        )
        expected = list(
            MeasureInteraction.objects.filter(from_measure__code=code)
            .order_by("position")
            .values_list("to_measure__code", "reconstructed")
        )
        assert [(t, bool(r)) for t, r in targets] == expected, code
        links += len(targets)
        reconstructed += sum(1 for _t, r in targets if r)
    assert links == MeasureInteraction.objects.count()
    assert reconstructed == 11
    assert page.count("(rekonstruiert)") == 11


def test_the_network_page_loads_its_scripts_from_files_and_works_without_them(client, bochum_data):
    page = client.get(INTERACTIONS).content.decode()
    assert "/static/vendor/cytoscape/cytoscape.min.js" in page
    assert "/static/measures/network.js" in page
    assert "<script>" not in page  # the CSP allows no inline script
    # without JavaScript the figure stays hidden; the list is the page
    assert '<figure class="network-figure" id="network-figure" hidden>' in page
    assert 'role="img"' in page


def test_the_catalogue_and_the_index_link_the_overviews(client):
    assert f'href="{INDEX}"' in client.get("/massnahmen/").content.decode()
    index = client.get(INDEX).content.decode()
    for url in (ACTORS, TIME_COST, INTERACTIONS):
        assert f'href="{url}"' in index


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/en/measures/overview/", "Overviews of the measure catalogue"),
        ("/en/measures/overview/actors/", "The lead actor is a reconstruction"),
        ("/en/measures/overview/time-and-cost/", "Personnel cost: no rating given"),
        ("/en/measures/overview/interactions/", "(reconstructed)"),
    ],
)
def test_the_overviews_have_english_pages(client, bochum_data, url, text):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert text in page and '<html lang="en">' in page
    assert 'href="/en/measures/4.1.1/"' in page or url == "/en/measures/overview/"


def test_the_overviews_take_a_constant_number_of_queries(
    client, bochum_data, django_assert_num_queries
):
    """Reason: each page reads the measures with their thematic fields once (1); the actor
    matrix adds the actor links with their actors (2), the network the interaction links, whose
    targets are found in the measures already read (2). The index reads nothing (0)."""
    with django_assert_num_queries(0):
        client.get(INDEX)
    with django_assert_num_queries(2):
        client.get(ACTORS)
    with django_assert_num_queries(1):
        client.get(TIME_COST)
    with django_assert_num_queries(2):
        client.get(INTERACTIONS)


def test_more_measures_take_no_more_queries(client, django_assert_num_queries):
    """Reason: as above; the number of measures does not change it."""
    MeasureFactory.create_batch(3)
    with django_assert_num_queries(2):
        client.get(ACTORS)
    MeasureFactory.create_batch(20)
    with django_assert_num_queries(2):
        client.get(ACTORS)
    with django_assert_num_queries(2):
        client.get(INTERACTIONS)
