import datetime

import pytest

from tests.factories import ProductionFormFactory, SearchAreaFactory, SiteFactory, small_png
from tests.vacancies.pdfs import page_count, standard_fonts_fixture, text_of  # noqa: F401
from vacancies.models import Site

pytestmark = pytest.mark.django_db

OWNER_SECRETS = ["Mustereigentümerin", "erika.eigentuemerin@example.org", "0234 999999"]


def _pdf(client, site, prefix="/flaechen") -> bytes:
    response = client.get(f"{prefix}/{site.pk}/expose.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_expose_pdf_is_a_pdf_of_one_page_with_the_sites_name():
    from django.test import Client

    site = SiteFactory(name="Ladenlokal Kortumstrasse 12")
    pdf = _pdf(Client(), site)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) == 1
    assert b"Ladenlokal Kortumstrasse 12" in pdf  # the document's title


def test_the_longest_expose_with_both_pictures_still_fits_on_two_pages(client, standard_fonts):
    site = SiteFactory(
        name="Großes Ladenlokal mit Werkstatt",
        description=("Lange Beschreibung der Fläche. " * 200)[:5000],  # as long as allowed
        equipment=("Starkstrom, Wasser, Lastenaufzug. " * 100)[:2000],
        photo=small_png("foto.png", size=(1600, 1200)),
        floor_plan=small_png("grundriss.png", size=(900, 1400)),
    )
    pdf = _pdf(client, site)
    assert 1 <= page_count(pdf) <= 2
    assert "Großes Ladenlokal mit Werkstatt" in text_of(pdf)
    assert b"/Subtype /Image" in pdf  # photo and floor plan are in it


def test_the_expose_shows_the_figures_in_the_visitors_language(client, standard_fonts):
    SearchAreaFactory(name="Gleisdreieck")
    site = SiteFactory(
        floor_area_m2=85.5,
        rent_eur_per_month=900,
        rent_is_public=True,
        available_from=datetime.date(2026, 3, 1),
        last_verified=datetime.date(2025, 11, 3),
        location="SRID=4326;POINT(7.215 51.485)",
    )
    site.suitable_forms.add(ProductionFormFactory())
    german = text_of(_pdf(client, site))
    for text in ["Fläche", "85,5 m²", "900,00 €", "1. März 2026", "Gleisdreieck",
                 "3. November 2025", "Urbane Manufaktur", "Wirtschaftsförderung"]:  # fmt: skip
        assert text in german, text
    english = text_of(_pdf(client, site, prefix="/en/sites"))
    for text in ["Floor area", "85.5 m²", "March 1, 2026", "Last verified", "Search areas"]:
        assert text in english, text


def test_the_rent_stays_out_of_the_expose_unless_published(client, standard_fonts):
    site = SiteFactory(rent_eur_per_month=1234, rent_is_public=False)
    assert "1234" not in client.get(f"/flaechen/{site.pk}/expose/").content.decode()
    assert "1.234" not in text_of(_pdf(client, site))


def test_owner_data_never_reach_the_expose_without_consent(client, standard_fonts):
    site = SiteFactory(internal_notes="verhandelt hart")
    page = client.get(f"/flaechen/{site.pk}/expose/").content.decode()
    pdf = text_of(_pdf(client, site))
    for secret in [*OWNER_SECRETS, "verhandelt hart"]:
        assert secret not in page
        assert secret not in pdf
    assert "fabtown@example.org" in pdf  # the office instead


@pytest.mark.parametrize(
    "changes", [{"is_published": False}, {"status": "let"}, {"status": "interim_use"}]
)
def test_there_is_no_expose_of_a_site_not_on_offer(client, changes):
    site = SiteFactory(**changes)
    assert client.get(f"/flaechen/{site.pk}/expose/").status_code == 404
    assert client.get(f"/flaechen/{site.pk}/expose.pdf").status_code == 404
    assert client.get(f"/en/sites/{site.pk}/expose.pdf").status_code == 404


def test_the_printable_expose_has_the_map_the_qr_code_and_the_search_areas(client):
    SearchAreaFactory(name="Innenstadt", slug="innenstadt")
    SearchAreaFactory(
        name="Weit weg", area="SRID=4326;MULTIPOLYGON(((7.3 51.5,7.31 51.5,7.31 51.51,7.3 51.5)))"
    )
    site = SiteFactory(location="SRID=4326;POINT(7.215 51.485)")
    page = client.get(f"/en/sites/{site.pk}/expose/").content.decode()
    assert '<svg class="expose-map"' in page
    assert page.count('class="area-here"') == 1  # the far area lies outside the frame
    assert "<title>Innenstadt</title>" in page
    assert 'class="qr"' in page
    assert f"http://testserver/en/sites/{site.pk}/" in page
    assert f'href="/en/sites/{site.pk}/expose.pdf"' in page


def test_the_site_page_links_its_expose(client):
    site = SiteFactory()
    page = client.get(f"/flaechen/{site.pk}/").content.decode()
    assert f'href="/flaechen/{site.pk}/expose.pdf"' in page
    assert "Exposé (PDF)" in page


def test_photos_of_the_site_are_on_its_page_and_expose(client):
    site = SiteFactory(photo=small_png("laden.png"), name="Laden")
    for path in [f"/flaechen/{site.pk}/", f"/flaechen/{site.pk}/expose/"]:
        page = client.get(path).content.decode()
        assert site.photo.url in page
        assert 'alt="Foto von Laden"' in page


def test_a_photo_missing_from_the_storage_leaves_a_gap_not_an_error(client):
    site = SiteFactory(photo=small_png("laden.png"))
    site.photo.storage.delete(site.photo.name)
    assert page_count(_pdf(client, site)) == 1


@pytest.mark.parametrize("areas", [1, 4])
def test_the_expose_takes_a_constant_number_of_queries(client, django_assert_num_queries, areas):
    """Reason for 3: the site (its search areas and consent as subqueries of its row), its
    suitable forms (prefetched) and the search areas in the map's frame – however many areas."""
    for _ in range(areas):
        SearchAreaFactory()
    site = SiteFactory()
    site.suitable_forms.add(ProductionFormFactory())
    with django_assert_num_queries(3):
        assert client.get(f"/flaechen/{site.pk}/expose/").status_code == 200
    with django_assert_num_queries(3):
        assert client.get(f"/flaechen/{site.pk}/expose.pdf").status_code == 200


def test_a_site_without_pictures_has_none():
    assert not Site._meta.get_field("photo").null  # file fields store "" for none
