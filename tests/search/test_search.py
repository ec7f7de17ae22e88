import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from producers.models import Producer
from producers.services import product_category_save
from search import documents
from search.models import SearchDocument
from search.selectors import MAX_QUERY_LENGTH, search
from tests.factories import (
    MeasureFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductionFormFactory,
    SiteFactory,
    StaffFactory,
    SuperuserFactory,
)
from vacancies.models import Site, SiteStatus

pytestmark = pytest.mark.django_db

PAGE = "/suche/"
API = "/api/v1/search/"


def _titles(results, kind="producer"):
    group = results.groups[kind]
    return [hit.title for hit in group.page.object_list] if group.page else []


@pytest.fixture
def food_form(db):
    # not the factories' form, whose name speaks of repair (forms are searched too)
    return ProductionFormFactory(code="food-crafts", name="Lebensmittelhandwerk")


# --- What is found ------------------------------------------------------------------------------


def test_reparatur_finds_every_seeded_producer_that_offers_repair_first(bochum_data):
    repairers = set(Producer.objects.filter(offers_repair=True).values_list("name", flat=True))
    assert len(repairers) == 3
    found = _titles(search(query="Reparatur"))
    assert set(found[:3]) == repairers


def test_typos_find_the_coffee_roaster_and_the_violin_maker_and_say_the_right_word(bochum_data):
    coffee = search(query="Kafee")
    assert _titles(coffee) == ["Röstart"] and coffee.suggestion == "Kaffee"
    violin = search(query="Geigenbaur")
    assert _titles(violin) == ["Geigenbaumeister Kehnen"] and violin.suggestion


def test_the_beginning_of_a_compound_finds_it_without_a_suggestion(bochum_data):
    results = search(query="Kaffeeröst")
    assert _titles(results) == ["Röstart"] and results.suggestion == ""


def test_a_word_inside_another_word_is_no_match(food_form):
    ProducerFactory(name="Geigenbaumeister Kehnen", branch="Geigenbau", production_form=food_form)
    ProducerFactory(name="Kugelpudel", branch="Eiscafé", production_form=food_form)
    assert _titles(search(query="Eis")) == ["Kugelpudel"]
    assert _titles(search(query="meister")) == []


def test_category_parent_category_and_form_names_find_their_producers(food_form):
    goods = ProductCategoryFactory(name="Sonstige Waren")
    instruments = ProductCategoryFactory(name="Musikinstrumente", parent=goods)
    ProducerFactory(name="Kehnen", branch="", category=instruments, production_form=food_form)
    assert _titles(search(query="Musikinstrument")) == ["Kehnen"]
    assert _titles(search(query="Sonstige Waren")) == ["Kehnen"]
    assert _titles(search(query="Lebensmittelhandwerk")) == ["Kehnen"]


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("offers_repair", ["Reparatur", "repair"]),
        ("offers_tours", ["Führungen", "tours"]),
        ("offers_workshops", ["Workshops"]),
        ("has_visible_production", ["Schauproduktion"]),
    ],
)
def test_an_offering_is_found_by_its_name_in_german_and_english(food_form, flag, words):
    ProducerFactory(name="Mit Angebot", branch="", production_form=food_form, **{flag: True})
    ProducerFactory(name="Ohne Angebot", branch="", production_form=food_form)
    for word in words:
        assert _titles(search(query=word)) == ["Mit Angebot"], word


def test_english_names_of_categories_and_measures_find_them_whichever_language_saved_them(
    food_form,
):
    roastery = ProductCategoryFactory(name_de="Kaffeerösterei", name_en="Coffee roastery")
    ProducerFactory(name="Bohnenwerk", category=roastery, production_form=food_form)
    with translation.override("en"):
        MeasureFactory(code="4.9.9", title_de="Leerstandsbörse", title_en="Vacancy exchange")
    assert _titles(search(query="roastery")) == ["Bohnenwerk"]
    assert _titles(search(query="Kaffeerösterei")) == ["Bohnenwerk"]
    assert len(search(query="Leerstandsbörse").groups["measure"].page.object_list) == 1
    assert len(search(query="exchange").groups["measure"].page.object_list) == 1


def test_measures_are_found_by_code_title_texts_actors_and_target_groups():
    measure = MeasureFactory(code="4.2.1", title="Leerstandskataster", problem="Ladenleerstand")
    measure.actors.create(name="Wirtschaftsförderung")
    measure.target_groups.create(name="Eigentümerinnen")
    for words in ("4.2.1", "Leerstandskataster", "Ladenleerstand", "Wirtschaftsförderung",
                  "Eigentümerinnen"):  # fmt: skip
        assert _titles(search(query=words), "measure") == ["Leerstandskataster"], words


def test_only_sites_on_offer_are_found():
    SiteFactory(name="Ladenlokal Huestraße", is_published=True)
    SiteFactory(name="Ladenlokal Brückstraße", is_published=True, status=SiteStatus.LET)
    SiteFactory(name="Ladenlokal Kortumstraße", is_published=False)
    assert _titles(search(query="Ladenlokal"), "site") == ["Ladenlokal Huestraße"]


def test_an_unpublished_producer_is_not_found_and_leaves_the_index_when_withdrawn(food_form):
    producer = ProducerFactory(name="Röstart", production_form=food_form)
    assert _titles(search(query="Röstart")) == ["Röstart"]
    producer.is_published = False
    producer.save()
    assert _titles(search(query="Röstart")) == []
    assert not SearchDocument.objects.filter(kind="producer", object_id=producer.pk).exists()


def test_a_site_withdrawn_without_signals_is_never_shown():
    """QuerySet.update sends no signals: the results still ask whether the site is on offer."""
    site = SiteFactory(name="Ladenlokal Huestraße", is_published=True)
    Site.objects.filter(pk=site.pk).update(status=SiteStatus.WITHDRAWN)
    assert _titles(search(query="Huestraße"), "site") == []
    call_command("rebuild_search_index", "--if-stale", verbosity=0)
    assert search(query="Huestraße").groups["site"].count == 0


# --- Kept current -------------------------------------------------------------------------------


def test_renaming_a_category_or_its_parent_updates_the_producers_documents(food_form):
    parent = ProductCategoryFactory(name="Nahrung")
    category = ProductCategoryFactory(name="Kaffee", parent=parent)
    ProducerFactory(name="Röstart", branch="", category=category, production_form=food_form)
    category.name = "Heißgetränke"
    product_category_save(category=category, by=None)
    parent.name = "Genussmittel"
    product_category_save(category=parent, by=None)
    assert _titles(search(query="Heißgetränke")) == ["Röstart"]
    assert _titles(search(query="Genussmittel")) == ["Röstart"]
    assert search(query="Nahrung").groups["producer"].count == 0


def test_renaming_an_actor_and_adding_a_target_group_update_the_measure():
    measure = MeasureFactory(title="Leerstandskataster")
    actor = measure.actors.create(name="Stadtplanungsamt")
    actor.name = "Amt für Stadtplanung"
    actor.save()
    measure.target_groups.create(name="Hauseigentümer")
    assert _titles(search(query="Stadtplanung"), "measure") == ["Leerstandskataster"]
    assert _titles(search(query="Hauseigentümer"), "measure") == ["Leerstandskataster"]


def test_deleting_an_actor_removes_its_name_from_the_measures_documents():
    measure = MeasureFactory(title="Leerstandskataster")
    measure.actors.create(name="Stadtplanungsamt").delete()
    assert search(query="Stadtplanungsamt").total == 0
    assert _titles(search(query="Leerstandskataster"), "measure") == ["Leerstandskataster"]


def test_a_forms_suitable_sites_added_from_the_form_side_are_found_by_its_name():
    site = SiteFactory(name="Ladenlokal Huestraße", is_published=True)
    form = ProductionFormFactory(code="urban-farming", name="Urbane Landwirtschaft")
    form.suitable_sites.add(site)
    assert _titles(search(query="Landwirtschaft"), "site") == ["Ladenlokal Huestraße"]


def test_the_rebuild_command_indexes_rows_written_without_signals(food_form):
    category = ProductCategoryFactory()
    Producer.objects.bulk_create(
        [Producer(name=f"Töpferei {n}", slug=f"toepferei-{n}", category=category,
                  production_form=food_form, is_published=True) for n in range(3)]
    )  # fmt: skip
    assert search(query="Töpferei").groups["producer"].count == 0
    call_command("rebuild_search_index", "--if-stale", verbosity=0)
    assert search(query="Töpferei").groups["producer"].count == 3


# --- Privacy ------------------------------------------------------------------------------------


def test_no_private_field_is_declared_and_declaring_one_is_refused(monkeypatch):
    for spec in documents.KINDS.values():
        private = set(getattr(spec.model, "PRIVATE_FIELDS", ()))
        assert not private & {path.split("__")[0] for path in spec.fields}
    site = documents.KINDS["site"]
    monkeypatch.setitem(site.fields, "internal_notes", "C")
    with pytest.raises(ValueError, match="private"):
        documents.check_public_only()


@pytest.mark.parametrize("word", ["Geheimvermerk", "Mustereigentümerin", "erika@example.org"])
def test_words_only_in_owner_data_or_internal_notes_find_nothing_for_anyone(word):
    SiteFactory(
        name="Ladenlokal Huestraße",
        is_published=True,
        owner_name="Erika Mustereigentümerin",
        owner_contact="erika@example.org",
        internal_notes="Geheimvermerk: Eigentümerin verkauft",
    )
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_owner_data"))
    viewers = [Client(), Client(), Client()]
    viewers[1].force_login(staff)
    viewers[2].force_login(SuperuserFactory())
    for viewer in viewers:
        page = viewer.get(PAGE, {"q": word})
        assert page.status_code == 200
        assert "Huestraße" not in page.content.decode() and page.context["results"].total == 0
        answer = viewer.get(API, {"q": word}).json()
        assert answer["count"] == 0 and "Huestraße" not in str(answer)
    assert search(query=word).total == 0
    assert search(query="Huestraße").total == 1  # the site itself is findable


# --- Results page -------------------------------------------------------------------------------


def test_results_are_grouped_counted_and_each_group_paged_on_its_own(client, food_form):
    ProducerFactory.create_batch(12, branch="Töpferei", production_form=food_form)
    MeasureFactory(title="Töpfereien fördern")
    first = client.get(PAGE, {"q": "Töpferei"})
    text = first.content.decode()
    assert "12 Produzent*innen" in text and "1 Maßnahme" in text
    assert "0 Flächenangebote" in text
    groups = first.context["results"].groups
    assert len(groups["producer"].page.object_list) == 10
    second = client.get(PAGE, {"q": "Töpferei", "page_producer": 2, "page_measure": 1})
    groups = second.context["results"].groups
    assert len(groups["producer"].page.object_list) == 2
    assert len(groups["measure"].page.object_list) == 1
    assert 'href="?q=T%C3%B6pferei&amp;page_measure=1&amp;page_producer=1' in (
        second.content.decode()
    )


def test_a_typo_page_offers_the_corrected_search_as_a_link(client, food_form):
    ProducerFactory(
        name="Röstart", branch="Kaffeerösterei", products="Kaffee", production_form=food_form
    )
    text = client.get(PAGE, {"q": "Kafee"}).content.decode()
    assert 'Meinten Sie: <a href="/suche/?q=Kaffee">Kaffee</a>?' in text and "Röstart" in text
    english = client.get("/en/search/", {"q": "Kafee"}).content.decode()
    assert 'Did you mean: <a href="/en/search/?q=Kaffee">Kaffee</a>?' in english


def test_a_typo_in_a_compound_is_corrected_to_the_compound(food_form):
    ProducerFactory(name="Röstart", branch="Kaffeerösterei", production_form=food_form)
    results = search(query="Kafee")
    assert _titles(results) == ["Röstart"] and results.suggestion == "Kaffeerösterei"


def test_nothing_found_says_so_and_offers_no_suggestion_that_finds_nothing(client):
    page = client.get(PAGE, {"q": "Xylophonbau"})
    assert page.status_code == 200 and page.context["results"].suggestion == ""
    assert "Keine Ergebnisse für „Xylophonbau“." in page.content.decode()


def test_an_empty_search_shows_the_form_and_an_overlong_one_is_refused(client):
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE, {"q": ""}).status_code == 200
    overlong = client.get(PAGE, {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert overlong.status_code == 400 and 'aria-invalid="true"' in overlong.content.decode()
    assert client.get(PAGE, {"q": "&|!:*("}).status_code == 400


def test_every_public_page_has_the_search_box_with_a_label(client):
    for url in ("/", "/produzenten/", "/massnahmen/", "/flaechen/", "/datenschutz/"):
        text = client.get(url).content.decode()
        assert '<form class="header-search" method="get" action="/suche/" role="search">' in text
        assert '<label for="header-search-q">Suche</label>' in text
    english = client.get("/en/").content.decode()
    assert 'action="/en/search/"' in english and '<label for="header-search-q">Search</label>' in (
        english
    )
    assert 'placeholder="e.g. violin, coffee, repair"' in english


@pytest.mark.parametrize("producers", [3, 30])
def test_the_results_page_takes_the_same_queries_for_few_and_many_results(
    client, django_assert_num_queries, food_form, producers
):
    """Reason for 7: the counts of all kinds in one aggregate, then per kind its page of
    documents and its rows (titles, addresses) — never one per result."""
    ProducerFactory.create_batch(producers, branch="Töpferei", production_form=food_form)
    SiteFactory.create_batch(producers, name="Töpferei-Werkstatt", is_published=True)
    MeasureFactory.create_batch(producers, title="Töpferei fördern")
    with django_assert_num_queries(7):
        response = client.get(PAGE, {"q": "Töpferei"})
    assert response.context["results"].total == 3 * producers


@pytest.mark.parametrize("producers", [3, 30])
def test_a_corrected_search_takes_the_same_queries_for_few_and_many_results(
    client, django_assert_num_queries, food_form, producers
):
    """Reason for 5: the counts as typed (none), the known words like each typed one, the
    counts of the corrected words, the producers' page of documents and their rows."""
    ProducerFactory.create_batch(producers, branch="Töpferei", production_form=food_form)
    with django_assert_num_queries(5):
        response = client.get(PAGE, {"q": "Töpfrei"})
    assert response.context["results"].groups["producer"].count == producers


# --- API ----------------------------------------------------------------------------------------


def test_the_api_answers_anyone_with_groups_counts_and_results(food_form):
    producer = ProducerFactory(
        name="Röstart",
        branch="Kaffeerösterei",
        description="Wir rösten Kaffee mitten in der Stadt.",
        production_form=food_form,
    )
    answer = APIClient().get(API, {"q": "Kaffee"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1 and body["suggestion"] == ""
    groups = {group["kind"]: group for group in body["groups"]}
    assert set(groups) == {"producer", "site", "measure"}
    assert groups["producer"]["count"] == 1 and groups["site"]["count"] == 0
    hit = groups["producer"]["results"][0]
    assert hit["id"] == producer.pk and hit["kind"] == "producer" and hit["title"] == "Röstart"
    assert hit["url"] == "/produzenten/roestart/" or hit["url"].endswith(f"/{producer.slug}/")
    assert hit["snippet"] == "Wir rösten <mark>Kaffee</mark> mitten in der Stadt."
    assert hit["snippet_language"] == "de"


def test_a_snippet_is_in_the_language_asked_for_and_says_when_it_is_german():
    MeasureFactory(
        code="4.9.8",
        title_de="Leerstandsbörse",
        title_en="Vacancy exchange",
        description_de="Eine Börse für Leerstand in der Innenstadt.",
        description_en="An exchange for vacant premises in the city centre.",
    )
    english = APIClient().get(API, {"q": "Leerstandsbörse", "lang": "en"}).json()
    (hit,) = next(g for g in english["groups"] if g["kind"] == "measure")["results"]
    assert hit["snippet"].startswith("An exchange") and hit["snippet_language"] == "en"
    german = APIClient().get(API, {"q": "vacancy", "lang": "de"}).json()
    (hit,) = next(g for g in german["groups"] if g["kind"] == "measure")["results"]
    assert hit["snippet"].startswith("Eine Börse") and hit["snippet_language"] == "de"
    page = Client().get("/en/search/", {"q": "Röstart"})
    assert page.status_code == 200


def test_an_english_page_marks_a_german_snippet_as_german(client, food_form):
    ProducerFactory(name="Röstart", description="Wir rösten Kaffee.", production_form=food_form)
    html = client.get("/en/search/", {"q": "Kaffee"}).content.decode()
    assert '<p class="snippet" lang="de">Wir rösten <mark>Kaffee</mark>.</p>' in html


def test_the_api_pages_one_kind_and_corrects_typos(food_form):
    ProducerFactory.create_batch(25, branch="Töpferei", production_form=food_form)
    body = APIClient().get(API, {"q": "Töpfrei", "kind": "producer", "page": 2}).json()
    assert body["suggestion"] == "Töpferei"
    (group,) = body["groups"]
    assert (group["count"], group["page"], group["pages"]) == (25, 2, 2)
    assert len(group["results"]) == 5


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "?!"}, {"q": "x" * (MAX_QUERY_LENGTH + 1)},
     {"q": "Kaffee\x00"}, {"q": "Kaffee", "kind": "person"}, {"q": "Kaffee", "page": 0}],
)  # fmt: skip
def test_the_api_refuses_a_missing_empty_or_overlong_query_with_a_field_error(params):
    answer = APIClient().get(API, params)
    assert answer.status_code == 400
    assert set(answer.json()) <= {"q", "kind", "page"} and answer.json()


def test_the_api_search_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "kind", "page"}
    assert {"200", "400", "429"} <= set(operation["responses"])
