"""The producer's account pages: sign-up, the application form, status, profile editing."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from label.models import ApplicationStatus as S
from label.models import LabelApplication
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    ProducerFactory,
    small_png,
)
from tests.label.helpers import application_form_data as _form_data

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def applicant_client(client):
    applicant = ApplicantFactory()
    client.force_login(applicant)
    client.applicant = applicant
    return client


def _draft(client, **values) -> LabelApplication:
    return LabelApplicationFactory(applicant=client.applicant, **values)


@pytest.mark.parametrize(
    "name", ["label:account", "label:application_new"], ids=["account", "new-application"]
)
def test_account_pages_ask_for_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert reverse("account_login") in response["Location"]


def test_signing_up_sends_a_verification_link_and_the_account_works_after_it(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    assert client.get(reverse("label:account")).status_code == 302  # not verified yet
    path = link.split("testserver", 1)[1]
    assert client.post(path).status_code == 302
    assert client.get(reverse("label:account")).status_code == 200


def test_sign_up_is_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    codes = [
        client.post(
            reverse("account_signup"),
            {"email": f"n{i}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        ).status_code
        for i in range(3)
    ]
    assert codes[-1] == 429


def test_after_five_failed_logins_even_the_right_password_is_refused_for_a_while(client):
    ApplicantFactory(email="werkstatt@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "werkstatt@example.org", "password": "x"})
    response = client.post(
        reverse("account_login"), {"login": "werkstatt@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429 and not response.wsgi_request.user.is_authenticated
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()


def test_logins_are_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    codes = [
        client.post(
            reverse("account_login"), {"login": f"{i}@example.org", "password": "x"}
        ).status_code
        for i in range(4)
    ]
    assert codes[-1] == 429


def test_starting_an_application_opens_a_draft_and_reuses_an_open_one(applicant_client):
    first = applicant_client.post(reverse("label:application_new"))
    second = applicant_client.post(reverse("label:application_new"))
    assert first["Location"] == second["Location"]
    assert LabelApplication.objects.filter(applicant=applicant_client.applicant).count() == 1


def test_a_member_sees_the_membership_instead_of_a_new_application(applicant_client):
    from tests.factories import FeeTierFactory, MembershipFactory

    producer = ProducerFactory(account=applicant_client.applicant, name="Rösterei Kortum")
    approved = _draft(applicant_client, status=S.APPROVED, submitted_at="2026-01-05T10:00Z")
    tier = FeeTierFactory(name="Kleinbetrieb", monthly_fee_eur=15)
    MembershipFactory(
        producer=producer,
        application=approved,
        fee_tier=tier,
        valid_from=datetime.date(2026, 1, 12),
        valid_until=datetime.date(2027, 1, 11),
    )
    body = applicant_client.get(reverse("label:account")).content.decode()
    section = re.search(r'id="membership-in-force".*?</div>', body, re.S).group(0)
    assert "Rösterei Kortum ist Mitglied im BYBOCHUM e.V." in section
    assert "12. Januar 2026 – 11. Januar 2027" in section
    assert "Kleinbetrieb, 15,00 € im Monat" in section
    assert "30 Tage vor dem Ende der Laufzeit" in section  # the reminder, with how to renew
    assert reverse("label:application_new") not in body
    assert "Antrag fortsetzen oder beginnen" not in body

    # and a forged post starts nothing: the account page says why
    response = applicant_client.post(reverse("label:application_new"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("label:account")
    assert "Statt eines neuen Antrags verlängern Sie bitte die Mitgliedschaft" in (
        response.content.decode()
    )
    assert LabelApplication.objects.filter(applicant=applicant_client.applicant).count() == 1


def test_an_applicant_whose_membership_ended_may_apply_again(applicant_client):
    from tests.factories import MembershipFactory

    producer = ProducerFactory(account=applicant_client.applicant)
    MembershipFactory(
        producer=producer,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2024, 12, 31),
    )
    body = applicant_client.get(reverse("label:account")).content.decode()
    assert 'id="membership-in-force"' not in body
    assert reverse("label:application_new") in body
    response = applicant_client.post(reverse("label:application_new"))
    assert "/bearbeiten/" in response["Location"]


def test_saving_a_draft_shows_the_criteria_rule_by_rule(applicant_client):
    application = _draft(applicant_client)
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(application, stage_manufacturing=None, quality_statement="")
    response = applicant_client.post(url, data, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-rule="stages"' in body and "fehlt" in body
    assert "15,00 €" in body or "Monatsbeitrag" in body
    application.refresh_from_db()
    assert application.status == S.DRAFT and not application.stage_manufacturing


def test_submitting_with_a_failed_rule_keeps_the_input_and_says_why(applicant_client):
    application = _draft(applicant_client)
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(application, seat_postcode="45127", products="Neue Tassen", action="submit")
    response = applicant_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "45127 ist keine Bochumer Postleitzahl" in body
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.products == "Neue Tassen"


def test_a_complete_application_is_submitted_from_the_form(applicant_client):
    application = _draft(applicant_client)
    url = reverse("label:application_edit", args=[application.pk])
    response = applicant_client.post(url, _form_data(application, action="submit"))
    assert response["Location"] == reverse("label:application", args=[application.pk])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    page = applicant_client.get(response["Location"]).content.decode()
    assert "Eingereicht" in page


def test_invalid_input_is_refused_with_messages_and_nothing_is_saved(applicant_client):
    application = _draft(applicant_client, products="Alt")
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(application, seat_postcode="4478x", products="Neu")
    response = applicant_client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["seat_postcode"]
    application.refresh_from_db()
    assert application.products == "Alt"


def test_a_photo_is_uploaded_with_the_draft(applicant_client):
    application = _draft(applicant_client)
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(application, **{"photo-image": small_png(), "photo-description": "Tasse"})
    assert applicant_client.post(url, data).status_code == 302
    assert application.photos.get().description == "Tasse"


def test_a_broken_photo_is_refused_next_to_its_field_and_the_rest_is_saved(applicant_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = _draft(applicant_client, products="Alt")
    url = reverse("label:application_edit", args=[application.pk])
    broken = SimpleUploadedFile("tasse.jpg", b"kein Bild", content_type="image/jpeg")
    data = _form_data(
        application, products="Neu", **{"photo-image": broken, "photo-description": "Tasse"}
    )
    response = applicant_client.post(url, data)
    assert response.status_code == 400
    assert response.context["photo_form"].errors["image"]
    application.refresh_from_db()
    assert application.products == "Neu" and not application.photos.exists()
    body = response.content.decode()
    assert "Ihre übrigen Angaben sind gespeichert, das Foto nicht" in body
    assert 'value="Tasse"' in body  # the description stays for the next attempt


def _summary(body: str) -> str:
    return re.search(r'<div class="error-summary".*?</div>', body, re.S).group(0)


@pytest.fixture
def photos_up_to_500_bytes(monkeypatch):
    import fabtown.validators

    monkeypatch.setattr(fabtown.validators, "MAX_IMAGE_BYTES", 500)


def _too_big():
    return small_png(size=(600, 600))  # about 3 KB


def test_the_error_summary_links_every_error_to_its_field(applicant_client, photos_up_to_500_bytes):
    application = _draft(applicant_client)
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(
        application,
        seat_postcode="4478x",
        location="kein Punkt",
        **{"photo-image": _too_big(), "photo-description": "Riesig"},
    )
    response = applicant_client.post(url, data)
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert '<a href="#id_seat_postcode">' in summary
    assert '<a href="#id_location-map">' in summary  # the map takes the focus, not its textarea
    assert '<a href="#id_photo-image">Foto:' in summary
    # each message stays beside its field, which names it
    body = response.content.decode()
    assert 'id="id_seat_postcode_error"' in body
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_seat_postcode_error', body)


def test_a_description_left_by_a_refused_photo_blocks_no_later_save(
    applicant_client, photos_up_to_500_bytes
):
    """The reported dead end: the upload fails, its description stays, every later save was
    refused with "Wählen Sie das Foto aus, zu dem diese Beschreibung gehört"."""
    application = _draft(applicant_client, products="Alt")
    url = reverse("label:application_edit", args=[application.pk])
    big = {"photo-image": _too_big(), "photo-description": "Unsere Tassen"}
    assert applicant_client.post(url, _form_data(application, **big)).status_code == 400

    # the next save without choosing the photo again: saved, the description kept as a draft
    again = _form_data(
        application, products="Tassen und Teller", **{"photo-description": "Unsere Tassen"}
    )
    response = applicant_client.post(url, again)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.products == "Tassen und Teller" and not application.photos.exists()
    page = applicant_client.get(url).content.decode()
    assert 'value="Unsere Tassen"' in page and 'id="photo-description-waits"' in page
    assert "error-summary" not in page

    # the photo chosen again takes the kept description; the draft value is gone
    fixed = _form_data(
        application, **{"photo-image": small_png(), "photo-description": "Unsere Tassen"}
    )
    assert applicant_client.post(url, fixed).status_code == 302
    assert application.photos.get().description == "Unsere Tassen"
    page = applicant_client.get(url).content.decode()
    assert 'value="Unsere Tassen"' not in page and "photo-description-waits" not in page


def test_a_refused_photo_holds_the_submission_back_and_says_so(
    applicant_client, photos_up_to_500_bytes
):
    application = _draft(applicant_client)
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(
        application,
        action="submit",
        **{"photo-image": _too_big(), "photo-description": "Unsere Tassen"},
    )
    response = applicant_client.post(url, data)
    assert response.status_code == 400
    assert "Der Antrag ist noch nicht eingereicht" in _summary(response.content.decode())
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_photo_without_a_description_is_refused_beside_it_and_the_rest_is_saved(
    applicant_client,
):
    application = _draft(applicant_client, products="Alt")
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(application, products="Neu", **{"photo-image": small_png()})
    response = applicant_client.post(url, data)
    assert response.status_code == 400
    assert response.context["photo_form"].errors["description"] == [
        "Beschreiben Sie in einem Satz, was das Foto zeigt."
    ]
    assert '<a href="#id_photo-description">' in _summary(response.content.decode())
    application.refresh_from_db()
    assert application.products == "Neu" and not application.photos.exists()


def test_nobody_else_sees_or_edits_an_application(applicant_client):
    other = LabelApplicationFactory(applicant=ApplicantFactory())
    for name in ("label:application", "label:application_edit"):
        assert applicant_client.get(reverse(name, args=[other.pk])).status_code == 404


def test_a_submitted_application_is_no_longer_editable(applicant_client):
    from django.utils import timezone

    application = _draft(applicant_client, status=S.SUBMITTED, submitted_at=timezone.now())
    url = reverse("label:application_edit", args=[application.pk])
    assert applicant_client.post(url, _form_data(application))["Location"] == reverse(
        "label:application", args=[application.pk]
    )


def test_submissions_are_rate_limited(applicant_client, settings):
    settings.LABEL_SUBMISSIONS_PER_HOUR = 1
    first, second = _draft(applicant_client, seat_postcode="45127"), _draft(applicant_client)
    for application in (first,):
        url = reverse("label:application_edit", args=[application.pk])
        applicant_client.post(url, _form_data(application, seat_postcode="45127", action="submit"))
    url = reverse("label:application_edit", args=[second.pk])
    response = applicant_client.post(url, _form_data(second, action="submit"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert re.search(r"Bitte versuchen Sie es in \d+ Minuten? erneut\.", response.content.decode())
    assert response.context["form"].is_bound  # the page keeps what was typed
    second.refresh_from_db()
    assert second.status == S.DRAFT


def test_forms_refuse_posts_without_a_csrf_token():
    applicant = ApplicantFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    assert client.post(reverse("label:application_new")).status_code == 403


def test_the_account_page_takes_a_constant_number_of_queries(
    applicant_client, django_assert_max_num_queries
):
    """Reason: applications, profiles and memberships are one query each (with their related
    rows joined), the membership in force one more, the label settings (reminder days) one
    for a member; the rest is session, user and allauth's e-mail address."""
    from label.models import LabelSettings
    from tests.factories import MembershipFactory

    LabelSettings.load()
    for _ in range(4):
        _draft(applicant_client)
        producer = ProducerFactory(account=applicant_client.applicant)
        MembershipFactory(producer=producer)
    with django_assert_max_num_queries(10):
        body = applicant_client.get(reverse("label:account")).content.decode()
    assert 'id="membership-in-force"' in body


def test_the_application_form_takes_a_constant_number_of_queries(
    applicant_client, django_assert_max_num_queries
):
    """Reason: the application with its photos and decisions (prefetched), the fee tier, the
    account's profiles for the choice; plus session and user."""
    application = _draft(applicant_client)
    with django_assert_max_num_queries(9):
        applicant_client.get(reverse("label:application_edit", args=[application.pk]))


# --- Profile ---------------------------------------------------------------------------------


def test_a_producer_keeps_its_profile_current_and_staff_see_who_changed_what(applicant_client):
    producer = ProducerFactory(account=applicant_client.applicant, opening_hours="Mo–Fr")
    url = reverse("producers:profile_edit", args=[producer.slug])
    response = applicant_client.post(url, {"opening_hours": "Di–Sa 10–18 Uhr", "website": ""})
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.opening_hours == "Di–Sa 10–18 Uhr"
    latest = producer.history.first()
    assert latest.history_user == applicant_client.applicant
    assert "opening_hours" in {c.field for c in latest.diff_against(latest.prev_record).changes}


def test_a_producer_cannot_edit_someone_elses_profile(applicant_client):
    other = ProducerFactory(account=ApplicantFactory())
    unlinked = ProducerFactory()
    for producer in (other, unlinked):
        url = reverse("producers:profile_edit", args=[producer.slug])
        assert applicant_client.get(url).status_code == 404


def test_a_bad_website_address_is_refused_with_a_message(applicant_client):
    producer = ProducerFactory(account=applicant_client.applicant, website="")
    url = reverse("producers:profile_edit", args=[producer.slug])
    response = applicant_client.post(url, {"website": "kein link"})
    assert response.status_code == 400 and response.context["form"].errors["website"]


def test_application_photos_are_shown_to_the_applicant_and_staff_only(client, settings):
    from django.contrib.auth.models import Permission

    from tests.factories import LabelApplicationPhotoFactory, StaffFactory

    applicant = ApplicantFactory()
    photo = LabelApplicationPhotoFactory(application=LabelApplicationFactory(applicant=applicant))
    url = reverse("label:application_photo", args=[photo.pk])
    assert not str(photo.image.path).startswith(str(settings.MEDIA_ROOT))  # never served as media
    assert client.get(url).status_code == 302  # login first
    client.force_login(ApplicantFactory())
    assert client.get(url).status_code == 404
    client.force_login(applicant)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"\x89PNG"
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_labelapplication"))
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_a_forgotten_password_is_reset_by_email(client):
    applicant = ApplicantFactory(email="vergesslich@example.org")
    client.post(reverse("account_reset_password"), {"email": "vergesslich@example.org"})
    (message,) = mail.outbox
    link = re.search(r"https?://testserver(\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "Neues-Passwort-2026"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    applicant.refresh_from_db()
    assert applicant.check_password(new_password)


def test_the_application_form_speaks_english_under_en(applicant_client):
    application = _draft(applicant_client, language="en")
    response = applicant_client.get(f"/en/my-account/application/{application.pk}/edit/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Submit application" in body and "Criteria check" in body
    assert '<html lang="en">' in body


def test_members_find_their_sticker_badge_and_embed_code_on_the_account_page(applicant_client):
    from tests.factories import MembershipFactory

    producer = ProducerFactory(account=applicant_client.applicant, is_published=True)
    membership = MembershipFactory(producer=producer)
    body = applicant_client.get(reverse("label:account")).content.decode()
    assert reverse("label:sticker_pdf", args=[membership.public_id]) in body
    assert reverse("label:badge_svg", args=[membership.public_id]) in body
    assert "&lt;img src=&quot;" in body or "&lt;img src=" in body


def test_a_photo_beyond_the_limit_is_refused_next_to_the_photo_field(applicant_client):
    from label.models import MAX_PHOTOS_PER_APPLICATION
    from tests.factories import LabelApplicationPhotoFactory

    application = _draft(applicant_client, products="Alt")
    for _ in range(MAX_PHOTOS_PER_APPLICATION):
        LabelApplicationPhotoFactory(application=application)
    url = reverse("label:application_edit", args=[application.pk])
    data = _form_data(
        application, products="Neu", **{"photo-image": small_png(), "photo-description": "Mehr"}
    )
    response = applicant_client.post(url, data)
    assert response.status_code == 400
    assert response.context["photo_form"].errors["image"]
    assert (
        'value="Neu"' in response.content.decode() or "Neu</textarea>" in response.content.decode()
    )
    application.refresh_from_db()
    assert application.products == "Neu"  # the refused photo holds back nothing else


def test_staff_see_in_the_profile_history_what_the_producer_changed(applicant_client, client):
    from tests.factories import SuperuserFactory

    producer = ProducerFactory(account=applicant_client.applicant, opening_hours="Mo–Fr")
    url = reverse("producers:profile_edit", args=[producer.slug])
    applicant_client.post(url, {"opening_hours": "Sa 9–14 Uhr", "website": ""})
    staff = Client()
    staff.force_login(SuperuserFactory())
    history = staff.get(reverse("admin:producers_producer_history", args=[producer.pk]))
    body = history.content.decode()
    assert "Sa 9–14 Uhr" in body and "Mo–Fr" in body
    assert applicant_client.applicant.username in body
