import csv
import io
import re

import pypdf
import pytest

from measures.models import Actor, BestPractice, Measure, MeasureActor, MeasureInteraction
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

GERMAN_LABELS = [
    "Maßnahme",
    "Beschreibung / Kontext",
    "Zielgruppe",
    "Beteiligte Akteur*innen",
    "Kosten",
    "Zeithorizont",
    "Ausgangsproblem",
    "Lösung/Maßnahme",
    "Wirkung",
    "Herausforderungen/Hemmnisse",
    "Wechselwirkung mit anderen Maßnahmen",
    "Beispiele/Best Practice",
]
ENGLISH_LABELS = [
    "Measure",
    "Description / context",
    "Target group",
    "Actors involved",
    "Costs",
    "Time horizon",
    "Initial problem",
    "Solution / measure",
    "Impact",
    "Challenges / obstacles",
    "Interactions with other measures",
    "Examples / best practice",
]


def _squash(text: str) -> str:
    """Without whitespace: a line break in the PDF (a wrapped label or value) is not a
    difference in content."""
    return "".join(text.split())


def _reader(response) -> pypdf.PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def _text(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _concept_order() -> list[Measure]:
    return list(Measure.objects.with_profile().order_by("thematic_field__position", "position"))


def test_a_profile_pdf_shows_the_concepts_fields_in_its_order_with_the_measures_values(
    client, bochum_data
):
    measure = Measure.objects.with_profile().get(code="4.2.1")
    response = client.get("/massnahmen/4.2.1/steckbrief.pdf")
    text = _squash(_text(_reader(response)))
    assert 'filename="steckbrief-4.2.1.pdf"' in response["Content-Disposition"]

    positions = []
    start = 0
    for label in GERMAN_LABELS:
        start = text.index(_squash(label), start)
        positions.append(start)
    positions.append(len(text))

    def within(row: int, value: str) -> None:
        """`value` stands in the row of GERMAN_LABELS[row], between its label and the next."""
        at = text.index(_squash(value), positions[row])
        assert at < positions[row + 1], (GERMAN_LABELS[row], value)

    within(0, f"{measure.code} {measure.title}")
    within(1, measure.description[:80])
    within(2, measure.target_groups_as_printed)
    within(3, measure.actors_as_printed)
    for printed_name in measure.actors_as_printed.split(", "):
        within(3, printed_name)
    lead = measure.actor_links.get(is_lead=True).actor.name
    within(3, f"federführend: {lead}")
    within(4, measure.costs_as_printed)
    within(5, measure.time_horizon_as_printed)
    within(6, measure.problem[:60])
    within(7, measure.solution[:60])
    within(8, measure.impact[:60])
    within(9, measure.challenges[:40])
    for link in measure.interaction_links.all():
        mark = " (rekonstruiert)" if link.reconstructed else ""
        within(10, f"{link.to_measure.code} {link.to_measure.title}{mark}")
    practices = list(measure.best_practices.all())
    assert practices
    for practice in practices:
        within(11, practice.title)


def test_a_reconstructed_interaction_is_marked_and_a_printed_one_is_not(client, bochum_data):
    links = list(Measure.objects.get(code="4.2.1").interaction_links.all())
    assert [link.reconstructed for link in links[:2]] == [True, False]
    text = _squash(_text(_reader(client.get("/massnahmen/4.2.1/steckbrief.pdf"))))
    assert _squash("4.1.1 Städtebauförderung (rekonstruiert)") in text
    assert _squash("4.1.2 Sofortprogramm Innenstadt NRW (rekonstruiert)") not in text
    assert _squash("Fehler! Verweisquelle konnte nicht gefunden werden.") in text


def test_the_footer_names_the_source_and_the_page(client, bochum_data):
    text = _text(_reader(client.get("/massnahmen/4.1.1/steckbrief.pdf")))
    assert "FabTown-Konzept, Kapitel 4" in text and "erstellt am" in text and "Seite 1" in text
    assert "Translated" not in text


def test_the_english_profile_has_english_labels_and_says_it_is_translated(client, bochum_data):
    response = client.get("/en/measures/4.2.1/profile.pdf")
    text = _squash(_text(_reader(response)))
    start = 0
    for label in ENGLISH_LABELS:
        start = text.index(_squash(label), start)
    assert _squash("Translated from the German concept") in text
    assert _squash("(reconstructed)") in text and "rekonstruiert" not in text
    assert _squash("Beteiligte Akteur*innen") not in text
    # the concept's wording is a quotation and stays German
    assert _squash(Measure.objects.get(code="4.2.1").costs_as_printed) in text


def test_a_very_long_text_continues_over_several_pages(client):
    def words(count: int) -> str:
        return " ".join(f"Wort{n}" for n in range(count))

    # one paragraph longer than a page (a table cell cannot shrink), and two paragraphs
    MeasureFactory(
        code="4.6.9",
        description=words(2000) + " ENDEDERBESCHREIBUNG",
        solution="\n\n".join([words(900)] * 2) + " ENDEDERLOESUNG",
    )
    reader = _reader(client.get("/massnahmen/4.6.9/steckbrief.pdf"))
    assert len(reader.pages) > 3
    text = _text(reader)
    # nothing cut: the last words of both texts are there
    assert "ENDEDERBESCHREIBUNG" in text and "ENDEDERLOESUNG" in text


def test_an_unknown_measure_has_no_profile(client, bochum_data):
    assert client.get("/massnahmen/9.9.9/steckbrief.pdf").status_code == 404
    assert client.get("/en/measures/9.9.9/profile.pdf").status_code == 404


def test_the_catalogue_pdf_holds_all_25_profiles_in_the_concepts_order(client, bochum_data):
    reader = _reader(client.get("/massnahmen/steckbriefe.pdf"))
    measures = _concept_order()
    assert len(measures) == 25

    # the outline (the PDF's bookmarks): thematic fields with their measures
    entries = []
    for item in reader.outline:
        if isinstance(item, list):
            entries += item
    titles = [entry.title for entry in entries]
    assert titles == [f"{m.code} {m.title}" for m in measures]
    pages = [reader.get_destination_page_number(entry) for entry in entries]
    assert pages == sorted(pages) and len(set(pages)) == 25  # each on a page of its own
    for measure, page in zip(measures, pages, strict=True):
        assert _squash(f"{measure.code} {measure.title}") in _squash(
            reader.pages[page].extract_text()
        )

    # the contents name every measure with the page it starts on (counted from 1)
    contents = "\n".join(
        reader.pages[index].extract_text(extraction_mode="layout") for index in (1, 2)
    )
    listed = re.findall(r"(?s)(4\.\d+\.\d+) .*?\.\s+(\d+)\n", contents)
    assert listed == [(m.code, str(page + 1)) for m, page in zip(measures, pages, strict=True)]


def test_the_catalogue_pdf_has_a_title_page(client, bochum_data):
    first = _squash(_reader(client.get("/massnahmen/steckbriefe.pdf")).pages[0].extract_text())
    assert _squash("FabTown Bochum – Steckbriefe der Maßnahmen") in first
    assert _squash("25 Maßnahmen in der Reihenfolge des Konzepts") in first
    english = _reader(client.get("/en/measures/profiles.pdf")).pages[0].extract_text()
    assert _squash("FabTown Bochum – measure profiles") in _squash(english)


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_catalogue_csv_has_one_row_per_measure_with_the_datas_values(client, bochum_data):
    header, *rows = _csv_rows(client.get("/massnahmen/katalog.csv"))
    assert header[:3] == ["code", "thematic_field", "title"]
    measures = _concept_order()
    assert [row[0] for row in rows] == [m.code for m in measures]
    words = {None: "", 1: "low", 2: "medium", 3: "high"}
    time_words = {None: "", 1: "short", 2: "medium", 3: "long"}
    for measure, row in zip(measures, rows, strict=True):
        cells = dict(zip(header, row, strict=True))
        lead = [link.actor.name for link in measure.actor_links.all() if link.is_lead]
        assert cells == {
            "code": measure.code,
            "thematic_field": f"{measure.thematic_field.code} {measure.thematic_field.title}",
            "title": measure.title,
            "target_groups_as_printed": measure.target_groups_as_printed,
            "actors_as_printed": measure.actors_as_printed,
            "lead_actor": lead[0] if lead else "",
            "costs_as_printed": measure.costs_as_printed,
            "personnel_cost_min": words[measure.personnel_cost_min],
            "personnel_cost_max": words[measure.personnel_cost_max],
            "material_cost_min": words[measure.material_cost_min],
            "material_cost_max": words[measure.material_cost_max],
            "time_horizon_as_printed": measure.time_horizon_as_printed,
            "time_horizon_min": time_words[measure.time_horizon_min],
            "time_horizon_max": time_words[measure.time_horizon_max],
            "interactions": ", ".join(
                link.to_measure.code + (" (rekonstruiert)" if link.reconstructed else "")
                for link in measure.interaction_links.all()
            ),
            "priority": {None: "", 1: "high", 2: "medium", 3: "low"}[measure.priority],
            "implementation_status": measure.implementation_status,
            "progress": str(measure.progress),
            "url": f"http://testserver/massnahmen/{measure.code}/",
        }


def test_the_catalogue_csv_keeps_the_concepts_marks(client, bochum_data):
    rows = {row[0]: row for row in _csv_rows(client.get("/massnahmen/katalog.csv"))}
    assert rows["4.2.1"][14].startswith("4.1.1 (rekonstruiert), 4.1.2")
    # 4.1.1: "Sachkosten (keine, über Fördermittel gedeckt)" is no rating, not "low"
    assert rows["4.1.1"][9:11] == ["", ""]
    english = {row[0]: row for row in _csv_rows(client.get("/en/measures/catalogue.csv"))}
    assert english["4.2.1"][14].startswith("4.1.1 (reconstructed), 4.1.2")
    assert english["4.2.1"][-1] == "http://testserver/en/measures/4.2.1/"


def test_a_text_cell_that_looks_like_a_formula_is_neutralised(client):
    MeasureFactory(code="4.6.1", title='=HYPERLINK("http://example.org","klick")')
    _header, row = _csv_rows(client.get("/massnahmen/katalog.csv"))
    assert row[2] == '\'=HYPERLINK("http://example.org","klick")'


def test_the_pages_link_the_downloads(client, bochum_data):
    detail = client.get("/massnahmen/4.2.1/").content.decode()
    assert 'href="/massnahmen/4.2.1/steckbrief.pdf"' in detail and "Steckbrief als PDF" in detail
    catalogue = client.get("/massnahmen/").content.decode()
    assert 'href="/massnahmen/steckbriefe.pdf"' in catalogue
    assert 'href="/massnahmen/katalog.csv"' in catalogue
    english = client.get("/en/measures/4.2.1/").content.decode()
    assert 'href="/en/measures/4.2.1/profile.pdf"' in english


def _add_profile_lists(measure: Measure, other: Measure, n: int) -> None:
    actor = Actor.objects.create(name=f"Akteur {n}")
    MeasureActor.objects.create(measure=measure, actor=actor, position=0, is_lead=True)
    MeasureInteraction.objects.create(from_measure=measure, to_measure=other, reconstructed=n == 0)
    BestPractice.objects.create(measure=measure, title=f"Beispiel {n}", url="https://example.org/")


def test_the_downloads_take_a_constant_number_of_queries(client, django_assert_num_queries):
    """Reason for 7 each: the measures with their thematic fields (and office), then their
    actors, target groups, interactions (with the other measure and its field), best
    practices, timeline and outcome links (the profile's one queryset, `with_profile()`), each
    list prefetched once for all measures, so 3 measures cost as much as 30."""
    first, second, third = MeasureFactory.create_batch(3)
    for n, (measure, other) in enumerate([(first, second), (second, third), (third, first)]):
        _add_profile_lists(measure, other, n)
    with django_assert_num_queries(7):
        client.get(f"/massnahmen/{first.code}/steckbrief.pdf")
    with django_assert_num_queries(7):
        client.get("/massnahmen/steckbriefe.pdf")
    with django_assert_num_queries(7):
        client.get("/massnahmen/katalog.csv")
    more = MeasureFactory.create_batch(20)
    for n, measure in enumerate(more, start=3):
        _add_profile_lists(measure, first, n)
    with django_assert_num_queries(7):
        response = client.get("/massnahmen/steckbriefe.pdf")
    assert len(_reader(response).outline) > 0
    with django_assert_num_queries(7):
        response = client.get("/massnahmen/katalog.csv")
    assert len(_csv_rows(response)) == 1 + 23
