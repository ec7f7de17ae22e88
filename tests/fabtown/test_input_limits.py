"""Texts, web addresses and photos: one rule per kind, declared on the model, held at every door
(model, database, API, forms, imports)."""

import pytest
import tablib
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient
from rfc3986_validator import validate_rfc3986

from fabtown.fields import BoundedTextField, WebURLField
from fabtown.validators import validate_image
from label.models import LabelApplicationPhoto
from producers.admin import ProducerResource
from producers.models import Producer, ProducerPhoto
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    ProducerFactory,
    ProductCategoryFactory,
    ProductionFormFactory,
    SuperuserFactory,
    pixel_bomb_png,
    small_png,
)
from tests.label.helpers import application_form_data

pytestmark = pytest.mark.django_db

OUR_APPS = ["fabtown", "producers", "vacancies", "measures", "label"]
MEGABYTE = "x" * 1_000_000
ATTACK_URL = 'https://example.invalid/x?"><script>alert(1)</script>'


def _our_fields(kind):
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS:
            yield from ((model, f) for f in model._meta.concrete_fields if isinstance(f, kind))


# --- Texts -----------------------------------------------------------------------------------


def test_no_text_field_of_the_platform_is_unbounded():
    from django.db.models import TextField

    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model, field in _our_fields(TextField)
        if not isinstance(field, BoundedTextField) and field.name != "history_change_reason"
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    ("model", "field"),
    list(_our_fields(BoundedTextField)),
    ids=lambda v: getattr(v, "name", None) or v._meta.label,
)
def test_the_database_holds_every_texts_maximum_length(model, field):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'c'",
            [model._meta.db_table],
        )
        checks = " ".join(row[0] for row in cursor.fetchall())
    assert f"length({field.column}) <= {field.max_length}" in checks


def test_a_megabyte_description_is_refused_by_full_clean_and_by_the_database():
    producer = ProducerFactory.build(description=MEGABYTE)
    with pytest.raises(ValidationError) as error:
        producer.full_clean(exclude=["category", "production_form"])
    assert "description" in error.value.message_dict
    producer = ProducerFactory()
    producer.description = MEGABYTE
    with pytest.raises(IntegrityError), transaction.atomic():
        producer.save()


def test_the_api_answers_400_for_a_megabyte_description():
    producer = ProducerFactory(description="Kurz.")
    api = APIClient()
    api.force_authenticate(SuperuserFactory())
    response = api.patch(
        f"/api/v1/producers/{producer.slug}/", {"description": MEGABYTE}, format="json"
    )
    assert response.status_code == 400 and response.json()["description"]
    producer.refresh_from_db()
    assert producer.description == "Kurz."


def test_a_producer_cannot_store_a_megabyte_on_the_own_profile(client):
    account = ApplicantFactory()
    producer = ProducerFactory(account=account, description="Kurz.")
    client.force_login(account)
    url = reverse("producers:profile_edit", args=[producer.slug])
    response = client.post(url, {"description": MEGABYTE})
    assert response.status_code == 400 and response.context["form"].errors["description"]
    producer.refresh_from_db()
    assert producer.description == "Kurz."


def test_the_label_form_refuses_an_overlong_quality_statement_and_keeps_nothing(client):
    account = ApplicantFactory()
    application = LabelApplicationFactory(applicant=account, quality_statement="Alt.")
    client.force_login(account)
    url = reverse("label:application_edit", args=[application.pk])
    data = application_form_data(application, quality_statement="x" * 5001)
    response = client.post(url, data)
    assert response.status_code == 400 and response.context["form"].errors["quality_statement"]
    application.refresh_from_db()
    assert application.quality_statement == "Alt."


def _import(**row):
    ProductCategoryFactory(slug="musik")
    ProductionFormFactory()
    columns = {"slug": "neu", "name": "Neu", "category": "musik",
               "production_form": "manufactory-repair-craft", **row}  # fmt: skip
    dataset = tablib.Dataset(tuple(columns.values()), headers=list(columns))
    return ProducerResource().import_data(dataset, dry_run=False)


def test_an_import_reports_an_overlong_text_as_a_row_error():
    result = _import(description="x" * 5001)
    (invalid,) = result.invalid_rows
    assert "description" in invalid.error_dict
    assert not Producer.objects.exists()


# --- Web addresses ---------------------------------------------------------------------------


def test_markup_in_a_web_address_is_refused_by_full_clean():
    producer = ProducerFactory.build(website=ATTACK_URL)
    with pytest.raises(ValidationError) as error:
        producer.full_clean(exclude=["category", "production_form"])
    assert "website" in error.value.message_dict


def test_an_address_with_umlauts_is_stored_as_a_valid_uri():
    producer = ProducerFactory.build(website="https://bäckerei-müller.de/über-uns")
    producer.full_clean(exclude=["category", "production_form"])
    assert producer.website == "https://xn--bckerei-mller-bfb28a.de/%C3%BCber-uns"


def test_the_api_answers_400_for_markup_in_a_website_and_serves_only_valid_uris():
    producer = ProducerFactory()
    api = APIClient()
    api.force_authenticate(SuperuserFactory())
    url = f"/api/v1/producers/{producer.slug}/"
    assert api.patch(url, {"website": ATTACK_URL}, format="json").status_code == 400
    ok = api.patch(url, {"website": "https://glas-müller.de/"}, format="json")
    assert ok.status_code == 200
    assert validate_rfc3986(ok.json()["website"], "URI")


def test_a_producer_cannot_put_markup_into_the_website_of_the_profile(client):
    account = ApplicantFactory()
    producer = ProducerFactory(account=account)
    client.force_login(account)
    url = reverse("producers:profile_edit", args=[producer.slug])
    response = client.post(url, {"website": ATTACK_URL})
    assert response.status_code == 400
    producer.refresh_from_db()
    assert producer.website == ""


def test_an_import_reports_markup_in_a_website_as_a_row_error():
    (invalid,) = _import(website=ATTACK_URL).invalid_rows
    assert "website" in invalid.error_dict


@pytest.mark.parametrize(
    ("model", "field"), list(_our_fields(WebURLField)), ids=lambda v: getattr(v, "name", v)
)
def test_every_stored_web_address_of_the_bochum_data_is_a_valid_uri(bochum_data, model, field):
    urls = model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True)
    # The seed has no timeline of any measure (the city writes it); its links are checked by
    # the same field's validation in tests/measures/test_tracking.py.
    assert (
        urls.exists()
        or model.__name__.startswith("Historical")
        or model.__name__ in {"TimelineEntry"}
    )
    assert [url for url in urls if not validate_rfc3986(url, "URI")] == []


# --- Photos ----------------------------------------------------------------------------------


def test_a_tiny_png_of_a_hundred_megapixels_is_refused():
    bomb = pixel_bomb_png()
    assert bomb.size < 50_000  # a few KB on the wire
    with pytest.raises(ValidationError) as error:
        validate_image(bomb)
    assert error.value.code == "image_pixels"


def test_a_gif_is_refused_whatever_its_name_says():
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("foto.png", buffer.getvalue(), "image/png"))
    assert error.value.code == "image_format"


@pytest.mark.parametrize("model", [ProducerPhoto, LabelApplicationPhoto])
def test_both_photo_fields_use_the_rule(model):
    assert validate_image in model._meta.get_field("image").validators


@pytest.mark.parametrize("side", [10_000, 20_000], ids=["100-MP", "400-MP-beyond-pillow"])
def test_the_label_form_refuses_a_pixel_bomb_next_to_the_photo_field(client, side):
    account = ApplicantFactory()
    application = LabelApplicationFactory(applicant=account)
    client.force_login(account)
    url = reverse("label:application_edit", args=[application.pk])
    data = application_form_data(
        application, **{"photo-image": pixel_bomb_png(side=side), "photo-description": "Bombe"}
    )
    response = client.post(url, data)
    assert response.status_code == 400
    (error,) = response.context["photo_form"].errors.as_data()["image"]
    assert error.code == "image_pixels"
    assert not application.photos.exists()


def test_the_admin_refuses_a_pixel_bomb_as_a_producer_photo(client):
    producer = ProducerFactory()
    client.force_login(SuperuserFactory())
    url = reverse("admin:producers_producer_change", args=[producer.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data |= {
        "location": producer.location.geojson,
        "category": producer.category_id,
        "production_form": producer.production_form_id,
        "is_published": "on",
        "photos-TOTAL_FORMS": 1,
        "photos-INITIAL_FORMS": 0,
        "photos-0-image": pixel_bomb_png(),
        "photos-0-alt_text": "Bombe",
        "photos-0-position": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    (photos,) = response.context["inline_admin_formsets"]
    (error,) = photos.formset.errors[0].as_data()["image"]
    assert error.code == "image_pixels"
    assert not producer.photos.exists()
    good = data | {"photos-0-image": small_png()}
    assert client.post(url, good).status_code == 302
    assert producer.photos.count() == 1
