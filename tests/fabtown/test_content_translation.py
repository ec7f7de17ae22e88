"""English content stored beside the German (django-modeltranslation, issue 12): fallback,
pages under /en/, the API's language, cached answers per language, history, admin, seed."""

import json
import shutil
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fabtown.content_translation import translated_fields
from fabtown.roles import EDITORS, ensure_staff_groups
from label.models import FeeTier
from measures.models import Actor, Measure, TargetGroup, ThematicField
from producers.models import ProductCategory, ProductionForm
from tests.factories import (
    MeasureFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductionFormFactory,
    SearchAreaFactory,
    StaffFactory,
    SuperuserFactory,
)
from vacancies.models import SearchArea

pytestmark = pytest.mark.django_db

CATEGORIES_API = "/api/v1/product-categories/"


def _category(german: str, english: str | None = None, **extra) -> ProductCategory:
    return ProductCategoryFactory(name_de=german, name_en=english, **extra)


def test_a_text_without_english_falls_back_to_german():
    category = _category("Lebensmittel")
    with translation.override("en"):
        assert category.name == "Lebensmittel"
    category.name_en = "Food"
    with translation.override("en"):
        assert category.name == "Food"
    with translation.override("de"):
        assert category.name == "Lebensmittel"


def test_the_english_directory_shows_english_category_names_and_the_german_one_german(client):
    category = _category("Lebensmittel", "Food")
    ProducerFactory(category=category)
    untranslated = _category("Mode")
    ProducerFactory(category=untranslated)
    english = client.get("/en/producers/").text
    assert "Food" in english and "Lebensmittel" not in english
    assert "Mode" in english  # German where the English name is missing
    german = client.get("/produzenten/").text
    assert "Lebensmittel" in german and "Food" not in german


def test_the_english_measure_page_is_marked_as_translated_and_links_the_german_original(client):
    measure = MeasureFactory(title_de="Leerstandsbörse", title_en="Vacancy exchange")
    with translation.override("en"):
        english_url = reverse("measures:detail", args=[measure.code])
    german_url = reverse("measures:detail", args=[measure.code])
    english = client.get(english_url).text
    assert "Vacancy exchange" in english
    assert "Translated from the German concept" in english
    assert f'href="{german_url}" hreflang="de"' in english
    german = client.get(german_url).text
    assert "Leerstandsbörse" in german
    assert "Übersetzt" not in german and "translation-note" not in german


def test_an_untranslated_measure_says_so_on_the_english_page(client):
    measure = MeasureFactory(title_de="Leerstandsbörse")
    with translation.override("en"):
        english = client.get(reverse("measures:detail", args=[measure.code])).text
    assert "Leerstandsbörse" in english
    assert "has not been translated yet" in english


@pytest.mark.parametrize(
    ("query", "headers", "expected"),
    [
        ({"lang": "en"}, {}, "Food"),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, "Food"),
        ({"lang": "de"}, {"HTTP_ACCEPT_LANGUAGE": "en"}, "Lebensmittel"),  # ?lang= first
        ({}, {}, "Lebensmittel"),  # German without either
        ({"lang": "fr"}, {"HTTP_ACCEPT_LANGUAGE": "fr, en;q=0.5"}, "Food"),
    ],
)
def test_the_api_language_follows_lang_then_accept_language_then_german(query, headers, expected):
    _category("Lebensmittel", "Food")
    response = APIClient().get(CATEGORIES_API, query, **headers)
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == [expected]
    assert response["Content-Language"] == ("en" if expected == "Food" else "de")
    assert "Accept-Language" in response["Vary"]


def test_the_api_ignores_the_language_cookie_of_the_site():
    _category("Lebensmittel", "Food")
    api = APIClient()
    api.cookies["django_language"] = "en"
    assert api.get(CATEGORIES_API).json()["results"][0]["name"] == "Lebensmittel"


@pytest.mark.parametrize("first", ["de", "en"])
def test_a_cached_answer_in_one_language_is_never_served_in_the_other(first):
    _category("Lebensmittel", "Food")
    api = APIClient()
    expected = {"de": "Lebensmittel", "en": "Food"}
    second = "en" if first == "de" else "de"
    for language in (first, second, first, second):  # the second round comes from the cache
        for response in (
            api.get(CATEGORIES_API, HTTP_ACCEPT_LANGUAGE=language),
            api.get(CATEGORIES_API, {"lang": language}),
        ):
            assert response.json()["results"][0]["name"] == expected[language]


def test_cached_pages_keep_their_language(client):
    ProducerFactory(category=_category("Lebensmittel", "Food"))
    for _ in range(2):
        assert "Food" not in client.get("/produzenten/").text
        assert "Food" in client.get("/en/producers/").text


def test_an_api_write_in_english_changes_the_english_text_and_creating_needs_german():
    category = _category("Lebensmittel")
    ensure_staff_groups()
    editor = StaffFactory(groups=[Group.objects.get(name=EDITORS)])
    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    url = f"{CATEGORIES_API}{category.slug}/?lang=en"
    assert staff.patch(url, {"name": "Food"}, format="json").status_code == 200
    category.refresh_from_db()
    assert (category.name_de, category.name_en) == ("Lebensmittel", "Food")
    new = {"name": "Clothing", "slug": "clothing", "position": 3}
    refused = staff.post(f"{CATEGORIES_API}?lang=en", new, format="json")
    assert refused.status_code == 400
    assert not ProductCategory.objects.filter(slug="clothing").exists()
    created = staff.post(CATEGORIES_API, {**new, "name": "Kleidung"}, format="json")
    assert created.status_code == 201
    assert ProductCategory.objects.get(slug="clothing").name_de == "Kleidung"


def test_the_search_area_geojson_names_follow_the_language():
    SearchAreaFactory(name_de="Innenstadt", name_en="City centre")
    api = APIClient()
    german = api.get("/api/v1/search-areas/geojson/").json()
    english = api.get("/api/v1/search-areas/geojson/", {"lang": "en"}).json()
    assert [f["properties"]["name"] for f in german["features"]] == ["Innenstadt"]
    assert [f["properties"]["name"] for f in english["features"]] == ["City centre"]


def test_history_records_both_languages_and_an_english_edit():
    history_fields = {f.name for f in Measure.history.model._meta.fields}
    assert {"title_de", "title_en", "description_en", "time_horizon_remark_en"} <= history_fields
    for model in (ProductCategory, SearchArea, FeeTier):
        fields = {f.name for f in model.history.model._meta.fields}
        assert {f"{name}_{language}" for name in translated_fields(model)
                for language in ("de", "en")} <= fields  # fmt: skip
    measure = MeasureFactory(title_de="Leerstandsbörse")
    measure.title_en = "Vacancy exchange"
    measure.save()
    latest, before = measure.history.all()[:2]
    assert (before.title_de, before.title_en) == ("Leerstandsbörse", None)
    assert (latest.title_de, latest.title_en) == ("Leerstandsbörse", "Vacancy exchange")
    changes = latest.diff_against(before).changed_fields
    assert changes == ["title_en"]


def test_the_admin_edits_the_english_name_beside_the_required_german_one():
    category = _category("Lebensmittel")
    staff = Client()
    staff.force_login(SuperuserFactory())
    url = reverse("admin:producers_productcategory_change", args=[category.pk])
    form = staff.get(url).text
    assert "Name (Deutsch)" in form and "Name (Englisch)" in form
    data = {"slug": category.slug, "position": 0, "name_de": "Lebensmittel", "name_en": "Food"}
    assert staff.post(url, data).status_code == 302
    category.refresh_from_db()
    assert (category.name_de, category.name_en) == ("Lebensmittel", "Food")
    assert category.history.first().name_en == "Food"
    refused = staff.post(url, {**data, "name_de": ""})
    assert refused.status_code == 200 and "name_de" in refused.context["adminform"].form.errors


def test_plain_translated_admins_show_both_languages():
    form = ProductionFormFactory()
    staff = Client()
    staff.force_login(SuperuserFactory())
    page = staff.get(reverse("admin:producers_productionform_change", args=[form.pk])).text
    assert 'name="name_de"' in page and 'name="name_en"' in page


def test_unique_names_stay_unique_in_german_and_missing_english_names_do_not_collide():
    ProductionForm.objects.create(code="a", name_de="Handwerk")
    ProductionForm.objects.create(code="b", name_de="Landwirtschaft")  # both English NULL
    Actor.objects.create(name_de="Stadt")
    Actor.objects.create(name_de="Land")
    assert ProductionForm.objects.filter(name_en__isnull=True).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductionForm.objects.create(code="c", name_de="Handwerk")


def test_lists_keep_their_order_in_english(client):
    ProductCategoryFactory(name_de="Zweite", name_en="Alpha", position=2)
    ProductCategoryFactory(name_de="Erste", name_en="Omega", position=1)
    with translation.override("en"):
        assert [c.name for c in ProductCategory.objects.all()] == ["Omega", "Alpha"]
    names = [c["name"] for c in APIClient().get(CATEGORIES_API, {"lang": "en"}).json()["results"]]
    assert names == ["Omega", "Alpha"]


# --- Seed ---------------------------------------------------------------------------------------


@pytest.fixture
def english_seed(tmp_path, monkeypatch):
    """The seed's German files only; each test writes the English files it needs (the real
    English files would hide what the loader does when one is missing)."""
    import label.seed
    import measures.seed
    import producers.seed

    for module in (producers.seed, measures.seed, label.seed):
        folder = tmp_path / module.__name__.split(".")[0]
        if module.DATA.is_dir():
            shutil.copytree(
                module.DATA, folder, ignore=shutil.ignore_patterns("*.en.json", "catalogue.en")
            )
        folder.mkdir(exist_ok=True)
        monkeypatch.setattr(module, "DATA", folder)
    return tmp_path


def _write(path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _load() -> None:
    from label.seed import load_fee_tiers
    from measures.seed import load_catalogue
    from producers.seed import load_taxonomy

    report = Counter()
    load_taxonomy(report)
    load_catalogue(report)
    load_fee_tiers(report)


def test_the_seed_fills_missing_english_on_a_second_run_and_keeps_staff_edits(english_seed):
    _load()  # before the English files existed
    tier = FeeTier.objects.get(name_de="Klein")
    measure = Measure.objects.get(code="4.1.1")
    assert tier.name_en is None and measure.title_en is None
    measure.title_en = "Edited by staff"
    measure.save()
    _write(english_seed / "label" / "fee_tiers.en.json", {"Klein": "Small", "Mittel": "Medium"})
    _write(
        english_seed / "measures" / "catalogue.en" / "part-1.json",
        {
            "measures": {"4.1.1": {"title": "From the file", "problem": "The problem"}},
            "thematic_fields": {"4.1": {"title": "Field in English"}},
            "actors": {Measure.objects.get(code="4.1.1").actors.first().name_de: "An actor"},
        },
    )
    _load()
    tier.refresh_from_db()
    measure.refresh_from_db()
    assert tier.name_en == "Small" and tier.name_de == "Klein"
    assert measure.title_en == "Edited by staff"  # never overwritten
    assert measure.problem_en == "The problem"  # was empty, now filled
    assert ThematicField.objects.get(code="4.1").title_en == "Field in English"
    assert Actor.objects.filter(name_en="An actor").count() == 1
    _load()  # and again: nothing changes
    measure.refresh_from_db()
    assert measure.title_en == "Edited by staff"


def test_seed_loading_writes_german_whichever_language_is_active(english_seed):
    with translation.override("en"):
        _load()
        _load()
    tier = FeeTier.objects.get(name_de="Gründung / Solo")
    assert tier.name_en is None
    assert FeeTier.objects.count() == 4
    assert not TargetGroup.objects.filter(name_de__isnull=True).exists()
    assert Measure.objects.filter(title_de__isnull=True).count() == 0


def _missing_english() -> list[str]:
    from modeltranslation.translator import translator

    missing = []
    # Every model registered for translation, so a newly registered one is checked too.
    for model in translator.get_registered_models(abstract=False):
        for row in model.objects.all():
            for field in translated_fields(model):
                if getattr(row, f"{field}_de") and not getattr(row, f"{field}_en"):
                    missing.append(f"{model.__name__}.{field} {row.pk} „{row}“")
    return missing


def test_every_seeded_content_text_has_an_english_version():
    call_command("load_bochum_data", verbosity=0)
    missing = _missing_english()
    assert not missing, f"{len(missing)} texts without English:\n" + "\n".join(missing)
