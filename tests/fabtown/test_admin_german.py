"""The German admin reads German: no English leftovers of the libraries, no "None", no stored
codes, German number formats. (The texts drawn by JavaScript are checked in the browser:
tests/browser/test_admin_german.py.)"""

import html as entities
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from fabtown import numbers
from tests.factories import FeeTierFactory, SiteFactory
from vacancies.models import Site
from vacancies.services import site_save, site_set_status

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Draw a marker",
    "by selecting them",
    "Select all",
    "Floor Area M2",
    "Rent Eur Per Month",
    "CHANGES",
    "Changes",
    "Change reason",
    "View history",
    "entries",
    "None",
    "True",
    "False",
]


def readable(html: str) -> str:
    """What a reader meets: the text, and the words in alt, title, aria-label, placeholder."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    words = re.findall(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", entities.unescape(" ".join([text, *words])))


def english_in(html: str) -> list[str]:
    text = readable(html)
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


@pytest.fixture
def site_with_a_status_change(superuser):
    site = SiteFactory.build(name="Ladenlokal Hellweg 12", status="let")
    site_save(site=site, by=superuser)
    site.floor_area_m2 = Decimal("95.5")
    site.rent_eur_per_month = Decimal("15.00")
    site.rent_is_public = True
    site_save(site=site, by=superuser, status="vacant")
    site_set_status(site=site, status="reserved", by=superuser)
    return site


def test_german_numbers_come_from_one_helper():
    with translation.override("de"):
        assert numbers.money(Decimal("15")) == "15,00 €"
        assert numbers.money(Decimal("1234.5")) == "1.234,50 €"
        assert numbers.area(Decimal("85.5")) == "85,5 m²"
        assert numbers.percent(12.34) == "12,3 %"
        assert numbers.number(None) == ""
    with translation.override("en"):
        assert numbers.money(Decimal("15")) == "15.00 €"


def test_a_fee_tier_names_its_fee_in_german(db):
    tier = FeeTierFactory(name="Gründung / Solo", monthly_fee_eur=Decimal("15.00"))
    assert "15,00 €" in str(tier)
    assert "15.00" not in str(tier)


def test_the_history_of_a_site_reads_german(client, superuser, site_with_a_status_change):
    client.force_login(superuser)
    site = site_with_a_status_change
    html = client.get(reverse("admin:vacancies_site_history", args=[site.pk])).content.decode()
    text = readable(html)
    assert english_in(html) == []
    assert "leerstehend → reserviert" in text.replace("\xa0", " ")
    assert "vacant" not in text and "reserved" not in text
    assert "Miete pro Monat (€): — → 15,00 €" in text.replace("\xa0", " ")
    assert "Fläche (m²): 80 → 95,5" in text.replace("\xa0", " ")
    assert "Miete veröffentlichen: nein → ja" in text.replace("\xa0", " ")
    assert "Änderungen" in text and "Änderungsgrund" in text

    version = Site.history.filter(id=site.pk).order_by("history_id").first()
    old = reverse("admin:vacancies_site_simple_history", args=[site.pk, version.pk])
    assert english_in(client.get(old).content.decode()) == []


def test_the_status_history_inline_names_statuses(client, superuser, site_with_a_status_change):
    client.force_login(superuser)
    site = site_with_a_status_change
    html = client.get(reverse("admin:vacancies_site_change", args=[site.pk])).content.decode()
    text = readable(html)
    assert "— → vermietet" in text
    assert "leerstehend → reserviert" in text
    assert "– → vacant" not in text and "→ vacant" not in text


@pytest.mark.parametrize("model", ["vacancies_site", "producers_producer"])
@pytest.mark.parametrize("view", ["import", "export"])
def test_the_import_and_export_pages_name_columns_in_german(client, superuser, model, view):
    SiteFactory()
    client.force_login(superuser)
    html = client.get(reverse(f"admin:{model}_{view}")).content.decode()
    assert english_in(html) == []
    if model == "vacancies_site":
        assert "Fläche (m²) (floor_area_m2)" in readable(html)
        assert "Miete pro Monat (€) (rent_eur_per_month)" in readable(html)


def test_the_map_and_picker_pages_bring_their_german_texts(client, superuser):
    """The map toolbar's and the two-list picker's texts are drawn by JavaScript: the page
    loads the toolbar's German strings, and the admin's catalogue has the picker's strings in
    German."""
    client.force_login(superuser)
    html = client.get(reverse("admin:producers_producer_add")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/fabtown/leaflet-draw-locale.js" in scripts
    assert english_in(html) == []

    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    assert "Markierte %s ausw\\u00e4hlen" in catalogue
    assert "Pfeil \\u201eAusw\\u00e4hlen\\u201c" in catalogue
