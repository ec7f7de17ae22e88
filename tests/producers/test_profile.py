import json
import re

import pytest

from tests.factories import MembershipFactory, ProducerFactory

pytestmark = pytest.mark.django_db


def _json_ld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


def test_a_profile_shows_what_a_customer_needs(client):
    producer = ProducerFactory(
        name="Geigenbau Kehnen",
        products="Geigen, Bratschen",
        opening_hours="Di–Fr 10–18 Uhr",
        website="https://geigen.example.org",
        street="Kortumstraße 1",
        offers_repair=True,
    )
    page = client.get(f"/produzenten/{producer.slug}/").content.decode()
    for text in ("Geigen, Bratschen", "Di–Fr 10–18 Uhr", "https://geigen.example.org",
                 "Kortumstraße 1", "Reparatur"):  # fmt: skip
        assert text in page


def test_unpublished_and_unknown_profiles_are_not_found(client):
    hidden = ProducerFactory(is_published=False, location=None)
    assert client.get(f"/produzenten/{hidden.slug}/").status_code == 404
    assert client.get("/produzenten/gibt-es-nicht/").status_code == 404


def test_label_members_show_their_badge_with_membership_since(client):
    producer = ProducerFactory()
    MembershipFactory(producer=producer, valid_from="2022-05-24", valid_until=None)
    page = client.get(f"/produzenten/{producer.slug}/").content.decode()
    assert "Made by Bochum" in page and "Mitglied seit Mai 2022" in page


def test_expired_members_show_no_badge(client):
    producer = ProducerFactory()
    MembershipFactory(producer=producer, valid_from="2020-01-01", valid_until="2020-12-31")
    assert "Mitglied seit" not in client.get(f"/produzenten/{producer.slug}/").content.decode()


def test_search_engines_get_schema_org_local_business(client):
    producer = ProducerFactory(name="Röstart </script>", street="Brückstraße 1", postcode="44787")
    data = _json_ld(client.get(f"/produzenten/{producer.slug}/"))
    assert data["@type"] == "LocalBusiness" and data["name"] == "Röstart </script>"
    assert data["address"]["postalCode"] == "44787"
    assert data["geo"]["latitude"] == pytest.approx(51.4818)


def test_approximate_points_are_marked_and_not_given_to_search_engines(client):
    producer = ProducerFactory(location_is_approximate=True)
    response = client.get(f"/produzenten/{producer.slug}/")
    assert "Die Lage auf der Karte ist ungefähr." in response.content.decode()
    assert "geo" not in _json_ld(response)


def test_a_profile_takes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    """Reason: producer with taxonomy and label status in one query, photos in one more."""
    producer = ProducerFactory()
    with django_assert_max_num_queries(2):
        client.get(f"/produzenten/{producer.slug}/")


def test_photos_are_shown_with_their_text_for_screen_readers(client, settings, tmp_path):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from producers.models import ProducerPhoto

    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "brown").save(buffer, format="JPEG")
    producer = ProducerFactory()
    ProducerPhoto.objects.create(
        producer=producer,
        image=SimpleUploadedFile("geige.jpg", buffer.getvalue(), "image/jpeg"),
        alt_text="Eine halbfertige Geige auf der Werkbank",
    )
    page = client.get(f"/produzenten/{producer.slug}/").content.decode()
    assert 'alt="Eine halbfertige Geige auf der Werkbank"' in page


def _headings(page: str) -> list[str]:
    return re.findall(r"<h2[^>]*>(.*?)</h2>", page)


def test_a_profile_created_by_label_approval_shows_no_empty_sections(client):
    """The approval creates a profile from the application alone: name, products, seat."""
    from collections import Counter

    from label.seed import load_fee_tiers
    from label.services import membership_grant
    from tests.factories import LabelApplicationFactory, StaffFactory

    load_fee_tiers(Counter())
    application = LabelApplicationFactory(
        company_name="Keramik am Kortum", products="", seat_street="Kortumstraße 5", location=None
    )
    producer = membership_grant(application=application, by=StaffFactory()).producer
    page = client.get(f"/produzenten/{producer.slug}/").content.decode()
    assert _headings(page) == ["Wo"]  # no "Details", "Angebote", "Fotos", "Über uns"
    assert "<dl" not in page and 'class="offerings"' not in page


def test_a_full_profile_shows_every_section_with_its_content(client):
    producer = ProducerFactory(
        description="Eine Werkstatt.", products="Geigen", opening_hours="Mo 9–12 Uhr",
        has_showroom=True, sells_to_businesses=True,
    )  # fmt: skip
    page = client.get(f"/produzenten/{producer.slug}/").content.decode()
    assert _headings(page) == [
        "Über den Betrieb", "Was hier hergestellt wird", "Details", "Angebote", "Wo",
    ]  # fmt: skip
    assert "<dt>Öffnungszeiten</dt><dd>Mo 9–12 Uhr</dd>" in page
    assert "<li>Showroom</li><li>verkauft an Unternehmen</li>" in page


def test_a_profile_with_only_offerings_has_no_details_list(client):
    producer = ProducerFactory(category=None, production_form=None, offers_repair=True)
    headings = _headings(client.get(f"/produzenten/{producer.slug}/").content.decode())
    assert "Details" not in headings and "Angebote" in headings


def test_an_english_profile_marks_the_producers_german_texts_as_german(client):
    # WCAG 3.1.2: what a producer wrote has no English version; a screen reader must read it
    # with German pronunciation on the English page.
    producer = ProducerFactory(
        is_published=True, description="Wir rösten Kaffee.", products="Espresso, Filterkaffee"
    )
    page = client.get(f"/en/producers/{producer.slug}/").content.decode()
    assert '<p lang="de">Wir rösten Kaffee.</p>' in page
    assert '<p lang="de">Espresso, Filterkaffee</p>' in page
