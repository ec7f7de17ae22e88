"""The site speaks to people with "Sie", greets them by the name they gave (or neutrally) and
signs as FabTown Bochum: on allauth's account pages, in allauth's e-mails and in our own."""

import datetime
import gettext
import html
import re
from email.utils import parseaddr
from pathlib import Path

import allauth
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from fabtown.auth import user_display
from fabtown.services import accessibility_feedback_submit
from label.emails import send_status_change, send_to_member, tell_board_about_submission
from label.models import LabelDecision
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    MatchingSpaceRequestFactory,
    MeasureFactory,
    MembershipFactory,
    ProductionFormFactory,
    SiteFactory,
    SpaceRequestFactory,
    UserFactory,
)
from vacancies.models import CadastreSettings
from vacancies.services.matching import match_notifications_send
from vacancies.services.space_requests import space_request_create, space_requests_send_reminders
from vacancies.services.verification import site_report_create, verification_digest_send

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
# Second-person singular and plural ("du", "dein…", "ihr" is ambiguous and left out) and the
# verb forms that only go with "du".
INFORMAL = re.compile(
    r"\b(du|dich|dir|dein\w*|euch|euer\w*|eure\w*|hast|bist|kannst|musst|möchtest|willst|"
    r"solltest|gib|stelle sicher|wähle|korrigiere|gebe)\b",
    re.IGNORECASE,
)


def _informal_words(text: str) -> list[str]:
    return [match.group(0) for match in INFORMAL.finditer(text)]


def _visible_text(response) -> str:
    """The page's text as a reader sees it: no markup, scripts or attributes (`dir="ltr"`)."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# --- Catalogues ---------------------------------------------------------------------------------


def _msgids(mo: Path) -> list[tuple[str, bool]]:
    """(msgid, is plural) of every entry of a compiled catalogue."""
    with mo.open("rb") as file:
        catalog = gettext.GNUTranslations(file)._catalog
    ids = {(key[0], True) if isinstance(key, tuple) else (key, False) for key in catalog}
    return sorted(entry for entry in ids if entry[0])


ALLAUTH_MO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"
OUR_MO = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.mo"
# Every installed app's German catalogue (Django REST framework's and django-import-export's
# say "du" too), so an app added later is checked as well.
APP_MOS = {
    config.label: Path(config.path) / "locale" / "de" / "LC_MESSAGES" / "django.mo"
    for config in apps.get_app_configs()
    if (Path(config.path) / "locale" / "de" / "LC_MESSAGES" / "django.mo").is_file()
}


def test_the_catalogues_of_the_apps_that_say_du_are_among_those_checked():
    assert {"rest_framework", "import_export", "allauth"} <= set(APP_MOS)


@pytest.mark.parametrize("mo", [*APP_MOS.values(), OUR_MO], ids=[*APP_MOS, "fabtown"])
def test_no_german_text_of_a_catalogue_says_du(mo):
    """What the site shows for every msgid, i.e. each app's catalogue as our overrides change it
    (fabtown/translation_overrides) and our own (compiled by compilemessages)."""
    entries = _msgids(mo)
    assert entries
    informal = {}
    with translation.override("de"):
        for msgid, plural in entries:
            texts = (
                [translation.ngettext(msgid, msgid, n) for n in (1, 2)]
                if plural
                else [translation.gettext(msgid)]
            )
            if words := [w for text in texts for w in _informal_words(text)]:
                informal[msgid] = words
    assert informal == {}


def test_allauth_s_msgids_are_overridden_outside_the_catalogue_makemessages_writes():
    # makemessages writes our strings to the first path and marks msgids it does not find in
    # our code as obsolete there; allauth's overrides therefore live in the second.
    first, overrides = (Path(path) for path in settings.LOCALE_PATHS)
    assert first == Path(settings.BASE_DIR) / "locale"
    assert (overrides / "de" / "LC_MESSAGES" / "django.po").exists()
    with translation.override("de"):
        assert translation.gettext("Are you sure you want to sign out?") == (
            "Möchten Sie sich wirklich abmelden?"
        )


# --- allauth's pages ----------------------------------------------------------------------------


def _assert_formal(response, *, expect: str):
    assert response.status_code == 200
    text = _visible_text(response)
    assert expect in text
    assert _informal_words(text) == [], text


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("account_login", "Sie haben noch kein Konto?"),
        ("account_signup", "Sie haben bereits ein Konto?"),
        ("account_reset_password", "Geben Sie unten Ihre E-Mail-Adresse ein"),
        ("account_reset_password_done", "Wir haben Ihnen eine E-Mail gesendet"),
        ("account_email_verification_sent", "Bestätigen Sie Ihre E-Mail-Adresse"),
        ("account_inactive", "Dieses Konto ist inaktiv."),
    ],
)
def test_allauth_s_pages_for_visitors_say_sie(client, name, expect):
    _assert_formal(client.get(reverse(name)), expect=expect)


def test_a_failed_sign_in_and_sign_up_answer_with_sie(client):
    ApplicantFactory(email="werkstatt@example.org")
    response = client.post(
        reverse("account_login"), {"login": "werkstatt@example.org", "password": "x"}
    )
    _assert_formal(response, expect="Die E-Mail-Adresse und/oder das Passwort sind leider falsch.")
    response = client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    _assert_formal(response, expect="Bitte geben Sie zweimal dasselbe Passwort ein.")


@pytest.fixture
def signed_in(client):
    user = ApplicantFactory(username="walk-220050", email="werkstatt@example.org")
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("account_logout", "Möchten Sie sich wirklich abmelden?"),
        ("account_change_password", "Aktuelles Passwort"),
        ("account_email", "Folgende E-Mail-Adressen sind mit diesem Konto verknüpft"),
        ("account_reauthenticate", "Bitte authentifizieren Sie sich erneut"),
    ],
)
def test_allauth_s_pages_for_members_say_sie(signed_in, name, expect):
    _assert_formal(signed_in.get(reverse(name)), expect=expect)


def test_setting_a_password_says_sie(signed_in):
    signed_in.user.set_unusable_password()
    signed_in.user.save()
    signed_in.force_login(signed_in.user)
    _assert_formal(signed_in.get(reverse("account_set_password")), expect="Passwort setzen")


def test_a_signed_in_member_is_named_by_e_mail_address_never_by_the_generated_user_name(client):
    user = ApplicantFactory(username="walk-220050", email="werkstatt@example.org")
    user.set_password(PASSWORD)
    user.save()
    response = client.post(
        reverse("account_login"),
        {"login": "werkstatt@example.org", "password": PASSWORD},
        follow=True,
    )
    text = _visible_text(response)
    assert "Erfolgreich als werkstatt@example.org angemeldet." in text
    assert "walk-220050" not in text


def test_an_account_is_shown_by_its_person_s_name_else_its_address():
    assert user_display(UserFactory(username="walk-1", first_name="Anna", last_name="Berg")) == (
        "Anna Berg"
    )
    assert user_display(UserFactory(username="walk-2", email="a@example.org")) == "a@example.org"


def test_the_e_mail_confirmation_page_says_sie_and_names_no_user(client):
    user = UserFactory(username="walk-220050", email="neu@example.org")
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key
    response = client.get(reverse("account_confirm_email", args=[key]))
    _assert_formal(response, expect="Ihre E-Mail-Adresse ist.")
    assert "walk-220050" not in _visible_text(response)
    response = client.get(reverse("account_confirm_email", args=["kaputt"]))
    _assert_formal(response, expect="fordern Sie eine neue Bestätigungs-E-Mail an")


def test_the_password_reset_link_pages_say_sie(client):
    user = ApplicantFactory(email="werkstatt@example.org")
    uid = user_pk_to_url_str(user)
    bad = client.get(reverse("account_reset_password_from_key", args=[uid, "kaputt-1"]))
    _assert_formal(bad, expect="fordern Sie einen neuen Link an")
    token = default_token_generator.make_token(user)
    url = reverse("account_reset_password_from_key", args=[uid, token])
    response = client.get(url, follow=True)
    _assert_formal(response, expect="Neues Passwort")
    done = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else url,
        {"password1": PASSWORD + "!", "password2": PASSWORD + "!"},
        follow=True,
    )
    _assert_formal(done, expect="Ihr Passwort wurde geändert.")


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("account_login", "If you have not created an account yet"),
        ("account_signup", "Already have an account?"),
        ("account_reset_password", "Forgotten your password?"),
    ],
)
def test_the_english_account_pages_stay_english(client, name, expect):
    with translation.override("en"):
        url = reverse(name)
    assert url.startswith("/en/")
    assert expect in _visible_text(client.get(url))


# --- E-mails ------------------------------------------------------------------------------------

GREETING = re.compile(r"^(Guten Tag|Hello)( [^\n,]+)?,$")


def _assert_written_properly(message, *, greeting: str, signed: str = "FabTown Bochum"):
    """German with "Sie", greeted by name or neutrally (never the host or a user name), signed,
    from "FabTown Bochum"."""
    assert parseaddr(message.from_email)[0] == "FabTown Bochum"
    body = message.body
    first_line = body.strip().splitlines()[0]
    assert first_line == greeting
    assert GREETING.match(first_line)
    assert "127.0.0.1" not in first_line and "testserver" not in first_line
    assert "Hallo von" not in body
    assert "Benutzer" not in body and "walk-" not in body
    assert _informal_words(message.subject + "\n" + body) == []
    assert body.rstrip().endswith(f"Mit freundlichen Grüßen\n{signed}")
    assert "\n\n\n" not in body  # paragraphs apart by one empty line


def test_the_sign_up_confirmation_greets_neutrally_and_says_sie(client):
    client.post(
        reverse("account_signup"),
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mail.outbox
    _assert_written_properly(message, greeting="Guten Tag,")
    assert message.subject == "[FabTown Bochum] Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:" in message.body


def test_signing_up_again_with_a_known_address_says_so_politely(client):
    ApplicantFactory(email="werkstatt@example.org", username="walk-220050")
    client.post(
        reverse("account_signup"),
        {"email": "werkstatt@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mail.outbox
    _assert_written_properly(message, greeting="Guten Tag,")
    assert "Mit dieser Adresse gibt es bereits ein Konto." in message.body


def test_the_password_reset_e_mail_names_no_user_name(client):
    ApplicantFactory(email="werkstatt@example.org", username="walk-220050")
    client.post(reverse("account_reset_password"), {"email": "werkstatt@example.org"})
    (message,) = mail.outbox
    _assert_written_properly(message, greeting="Guten Tag,")
    assert "Anmeldename" not in message.body


def test_a_password_reset_for_an_unknown_address_answers_politely(client):
    client.post(reverse("account_reset_password"), {"email": "fremd@example.org"})
    (message,) = mail.outbox
    _assert_written_properly(message, greeting="Guten Tag,")
    assert message.subject == "[FabTown Bochum] Unbekanntes Konto"


def test_allauth_s_e_mails_greet_a_named_account_by_name(client):
    user = ApplicantFactory(email="anna@example.org", first_name="Anna", last_name="Berg")
    client.post(reverse("account_reset_password"), {"email": user.email})
    (message,) = mail.outbox
    _assert_written_properly(message, greeting="Guten Tag Anna Berg,")


def test_a_bare_sender_address_still_shows_fabtown_bochum(monkeypatch):
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "noreply@bochum.example")
    import importlib

    import fabtown.settings as settings_module

    try:
        assert importlib.reload(settings_module).DEFAULT_FROM_EMAIL == (
            "FabTown Bochum <noreply@bochum.example>"
        )
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_label_e_mails_greet_the_applicant_by_name_and_sign_as_the_association():
    application = LabelApplicationFactory(contact_name="Max Antragsteller")
    decision = LabelDecision(
        application=application, from_status="submitted", to_status="approved",
        reason="Alles da.", decided_at=timezone.now(),
    )  # fmt: skip
    send_status_change(decision=decision)
    tell_board_about_submission(application=application)
    status, board = mail.outbox
    _assert_written_properly(
        status, greeting="Guten Tag Max Antragsteller,", signed="BYBOCHUM e.V. – FabTown Bochum"
    )
    _assert_written_properly(board, greeting="Guten Tag,")


@pytest.mark.parametrize("template", ["renewal_reminder", "expiry_notice"])
def test_membership_notices_greet_the_member(template):
    membership = MembershipFactory(application=LabelApplicationFactory(contact_name="Eva Mitglied"))
    assert send_to_member(membership=membership, template=template)
    (message,) = mail.outbox
    _assert_written_properly(
        message, greeting="Guten Tag Eva Mitglied,", signed="BYBOCHUM e.V. – FabTown Bochum"
    )


def test_space_request_e_mails_greet_by_name_or_neutrally_and_sign_as_the_office():
    space_request_create(
        data={"title": "Siebdruck", "contact_email": "a@example.org", "contact_name": "Jana Berg"},
        by=None,
        source="public_form",
    )
    SpaceRequestFactory(
        contact_name="", expires_on=timezone.localdate() + datetime.timedelta(days=2)
    )
    space_requests_send_reminders()
    confirmation, reminder = mail.outbox
    office = "Wirtschaftsförderung – FabTown Bochum"
    _assert_written_properly(confirmation, greeting="Guten Tag Jana Berg,", signed=office)
    _assert_written_properly(reminder, greeting="Guten Tag,", signed=office)


def test_a_match_e_mail_greets_the_requester_by_name():
    MatchingSpaceRequestFactory(
        contact_name="Max Suchender", floor_area_min_m2=60, floor_area_max_m2=100,
        notify_matches=True, max_rent_eur_per_month=1000,
    )  # fmt: skip
    site = SiteFactory(floor_area_m2=80, rent_eur_per_month=900)
    site.suitable_forms.set([ProductionFormFactory(code="food", name="Lebensmittel")])
    assert match_notifications_send(site=site) == 1
    (message,) = mail.outbox
    _assert_written_properly(
        message, greeting="Guten Tag Max Suchender,", signed="Wirtschaftsförderung – FabTown Bochum"
    )


def test_the_office_s_digest_and_feedback_notice_greet_and_sign(settings):
    settings_row = CadastreSettings.current()
    settings_row.office_email = "leerstand@bochum.example.org"
    settings_row.save()
    site_report_create(site=SiteFactory(), message="Hier ist ein Café eingezogen", client_key="a")
    assert verification_digest_send() == 1
    accessibility_feedback_submit(message="Kontrast zu schwach")
    digest, feedback = mail.outbox
    _assert_written_properly(digest, greeting="Guten Tag,")
    _assert_written_properly(feedback, greeting="Guten Tag,")


def test_the_measure_tracking_reminder_and_its_escalation_greet_and_sign():
    from measures.models import Measure
    from measures.reminders import measure_reminders_send
    from tests.factories import OfficeFactory

    office = OfficeFactory(email="amt@bochum.example", lead_name="Dr. Lea Leitung",
                           lead_email="leitung@bochum.example")  # fmt: skip
    today = timezone.localdate()
    measure = MeasureFactory(responsible_office=office, planned_start=today - datetime.timedelta(1))
    Measure.objects.filter(pk=measure.pk).update(tracking_updated_at=timezone.now())
    measure_reminders_send()
    measure_reminders_send(now=timezone.now() + datetime.timedelta(days=15))
    reminder, escalation = mail.outbox
    _assert_written_properly(reminder, greeting="Guten Tag,")
    _assert_written_properly(escalation, greeting="Guten Tag Dr. Lea Leitung,")


def test_the_english_e_mails_greet_and_sign_in_english(client):
    with translation.override("en"):
        url = reverse("account_signup")
    client.post(url, {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD})
    (message,) = mail.outbox
    assert message.body.startswith("Hello,\n")
    assert message.body.rstrip().endswith("Kind regards\nFabTown Bochum")


# --- Plurals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "german"),
    [(1, "sie werden 1 Tag nach Ablauf"), (2, "sie werden 2 Tage nach Ablauf")],
)
def test_the_space_request_confirmation_counts_the_retention_days_in_real_plurals(days, german):
    CadastreSettings.objects.update_or_create(pk=1, defaults={"request_retention_days": days})
    space_request_create(
        data={"title": "Siebdruck", "contact_email": "a@example.org"}, by=None, source="public_form"
    )
    (message,) = mail.outbox
    assert german in " ".join(message.body.split())


@pytest.mark.parametrize(
    ("measures", "german"),
    [(1, "von 1 Maßnahme in Umsetzung"), (2, "von 2 Maßnahmen in Umsetzung")],
)
def test_the_home_page_counts_the_measures_in_real_plurals(client, measures, german):
    MeasureFactory.create_batch(measures)
    assert german in _visible_text(client.get(reverse("home")))


@pytest.mark.parametrize(
    ("members", "german"),
    [
        (1, "1 Mitgliedschaft wurde um ein Jahr verlängert."),
        (2, "2 Mitgliedschaften wurden um ein Jahr verlängert."),
    ],
)
def test_renewing_memberships_in_the_admin_counts_in_real_plurals(
    superuser, client, members, german
):
    memberships = MembershipFactory.create_batch(members)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:label_membership_changelist"),
        {"action": "renew", "_selected_action": [m.pk for m in memberships]},
        follow=True,
    )
    assert german in [str(message) for message in response.context["messages"]]


def test_every_model_has_a_real_german_plural_for_the_admin_s_counts():
    """The admin counts with the model's names ("1 Fläche", "2 Flächen gelöscht")."""
    from django.apps import apps

    same_in_both = {"Gebäude", "Einstellungen des Leerstandskatasters", "Label-Einstellungen"}
    apps_of_ours = {"fabtown", "producers", "vacancies", "measures", "label", "region"}
    with translation.override("de"):
        names = {
            (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))
            for model in apps.get_models()
            if model._meta.app_label in apps_of_ours
            and not model.__name__.startswith("Historical")
            and not model._meta.auto_created
        }
    assert [pair for pair in names if pair[0] == pair[1] and pair[0] not in same_in_both] == []
