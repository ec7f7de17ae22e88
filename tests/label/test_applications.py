"""The applicant's side: drafts, the criteria check on save, photos and submission."""

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from label.models import MAX_PHOTOS_PER_APPLICATION
from label.models import ApplicationStatus as S
from label.services import (
    label_application_add_photo,
    label_application_save,
    label_application_start,
    label_application_submit,
)
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    LabelApplicationPhotoFactory,
    MembershipFactory,
    ProducerFactory,
    small_png,
)

pytestmark = pytest.mark.django_db


def _draft(**values):
    return LabelApplicationFactory(applicant=ApplicantFactory(), **values)


def test_a_new_draft_starts_from_the_account_and_its_profile():
    applicant = ApplicantFactory()
    producer = ProducerFactory(account=applicant, street="Brückstraße 5", postcode="44787")
    application = label_application_start(applicant=applicant, language="en")
    assert application.status == S.DRAFT and application.language == "en"
    assert application.contact_email == applicant.email
    assert (application.producer, application.company_name) == (producer, producer.name)
    assert (application.seat_street, application.seat_postcode) == ("Brückstraße 5", "44787")


def test_a_member_carrying_the_label_starts_no_second_application():
    applicant = ApplicantFactory()
    MembershipFactory(producer=ProducerFactory(account=applicant, name="Rösterei Kortum"))
    with pytest.raises(ValidationError) as error:
        label_application_start(applicant=applicant, language="de")
    assert error.value.code == "member"
    assert "Rösterei Kortum ist Mitglied" in error.value.messages[0]
    assert not applicant.label_applications.exists()


@pytest.mark.parametrize(
    "membership",
    [
        {"kind": "supporting", "fee_tier": None},
        {"revoked_at": timezone.now()},
        {"valid_from": "2024-01-01", "valid_until": "2024-12-31"},
    ],
    ids=["supporting", "revoked", "ended"],
)
def test_a_producer_without_a_label_membership_in_force_may_apply_again(membership):
    applicant = ApplicantFactory()
    MembershipFactory(producer=ProducerFactory(account=applicant), **membership)
    assert label_application_start(applicant=applicant, language="de").status == S.DRAFT


def test_saving_a_draft_checks_every_rule_and_keeps_what_is_missing():
    application = _draft(stage_manufacturing=False, quality_statement="")
    results = label_application_save(application=application, by=application.applicant)
    missing = {r.code for r in results if not r.met}
    assert missing == {"stages", "quality"}
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.quality_statement == ""


def test_an_application_that_fails_a_hard_rule_cannot_be_submitted():
    application = _draft(seat_postcode="45127")
    with pytest.raises(ValidationError) as error:
        label_application_submit(application=application, by=application.applicant)
    assert any("45127" in message for message in error.value.messages)
    application.refresh_from_db()
    assert application.status == S.DRAFT and not application.decisions.exists()


def test_a_complete_application_is_submitted_and_confirmed_by_email(
    django_capture_on_commit_callbacks, settings
):
    settings.LABEL_BOARD_EMAIL = "vorstand@example.org"
    application = _draft()
    with django_capture_on_commit_callbacks(execute=True):
        label_application_submit(application=application, by=application.applicant)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.submitted_at is not None
    assert application.decisions.get().decided_by == application.applicant
    to_applicant, to_board = mail.outbox
    assert to_applicant.to == [application.contact_email]
    assert to_board.to == ["vorstand@example.org"]
    # The board's notice links to the admin and carries no personal data.
    assert application.contact_name not in to_board.body
    assert application.contact_email not in to_board.body


def test_a_founder_without_staff_may_submit_but_is_flagged_for_the_board():
    application = _draft(full_time_staff=0, is_founder_or_startup=True)
    results = label_application_save(application=application, by=application.applicant)
    assert next(r for r in results if r.code == "staff").for_the_board
    label_application_submit(application=application, by=application.applicant)
    assert application.status == S.SUBMITTED


def test_only_the_applicant_changes_an_application():
    application = _draft()
    with pytest.raises(ValidationError):
        label_application_save(application=application, by=ApplicantFactory())
    with pytest.raises(ValidationError):
        label_application_submit(application=application, by=ApplicantFactory())


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.REJECTED])
def test_an_application_with_the_board_cannot_be_changed_by_the_applicant(status):
    application = _draft(status=status, submitted_at=timezone.now())
    with pytest.raises(ValidationError):
        label_application_save(application=application, by=application.applicant)
    with pytest.raises(ValidationError):
        label_application_submit(application=application, by=application.applicant)


def test_after_the_board_asks_the_applicant_edits_and_submits_again():
    application = _draft(status=S.NEEDS_INFORMATION, submitted_at=timezone.now())
    application.products = "Tassen und Teller"
    label_application_save(application=application, by=application.applicant)
    label_application_submit(application=application, by=application.applicant, note="Ergänzt")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.products == "Tassen und Teller"


def test_a_point_inside_bochum_meets_the_seat_rule_without_a_bochum_postcode():
    application = _draft(seat_postcode="", location=GEOSGeometry("SRID=4326;POINT(7.2163 51.4818)"))
    label_application_submit(application=application, by=application.applicant)
    assert application.status == S.SUBMITTED


def test_photos_are_added_and_removed_with_the_draft():
    application = _draft()
    label_application_add_photo(
        application=application, by=application.applicant, image=small_png(), description="Tasse"
    )
    photo = application.photos.get()
    assert photo.image.name.startswith("label/applications/") and "produkt" not in photo.image.name
    label_application_save(
        application=application, by=application.applicant, remove_photo_ids=[photo.pk]
    )
    assert not application.photos.exists()


def test_a_file_that_is_not_an_image_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = _draft()
    fake = SimpleUploadedFile("tasse.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        label_application_add_photo(
            application=application, by=application.applicant, image=fake, description="Tasse"
        )
    assert "image" in error.value.message_dict
    assert not application.photos.exists()


def test_photos_are_limited_in_size(settings, monkeypatch):
    import fabtown.validators

    monkeypatch.setattr(fabtown.validators, "MAX_IMAGE_BYTES", 100)
    application = _draft()
    with pytest.raises(ValidationError) as error:
        label_application_add_photo(
            application=application,
            by=application.applicant,
            image=small_png(size=(200, 200)),
            description="Zu groß",
        )
    assert "image" in error.value.message_dict


def test_photos_are_limited_in_number():
    application = _draft()
    for _ in range(MAX_PHOTOS_PER_APPLICATION):
        LabelApplicationPhotoFactory(application=application)
    with pytest.raises(ValidationError):
        label_application_add_photo(
            application=application,
            by=application.applicant,
            image=small_png(),
            description="Noch eins",
        )
    assert application.photos.count() == MAX_PHOTOS_PER_APPLICATION


def test_a_photo_needs_its_description_at_every_door():
    application = _draft()
    with pytest.raises(ValidationError) as error:
        label_application_add_photo(
            application=application, by=application.applicant, image=small_png(), description=" "
        )
    assert error.value.message_dict == {
        "description": ["Beschreiben Sie in einem Satz, was das Foto zeigt."]
    }
    assert not application.photos.exists()


def test_only_the_applicant_adds_photos_and_only_to_an_open_application():
    application = _draft()
    with pytest.raises(ValidationError):
        label_application_add_photo(
            application=application, by=ApplicantFactory(), image=small_png(), description="Tasse"
        )
    application.status, application.submitted_at = S.SUBMITTED, timezone.now()
    application.save()
    with pytest.raises(ValidationError):
        label_application_add_photo(
            application=application,
            by=application.applicant,
            image=small_png(),
            description="Tasse",
        )
    assert not application.photos.exists()


def test_a_stale_save_by_the_applicant_never_undoes_the_boards_decision():
    application = _draft()
    stale = type(application).objects.get(pk=application.pk)  # the form loaded before
    label_application_submit(application=application, by=application.applicant)
    stale.products = "Nachträglich geändert"
    with pytest.raises(ValidationError):
        label_application_save(application=stale, by=stale.applicant)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.products != "Nachträglich geändert"
