"""The whole way to the "Made by Bochum" label in a real browser, from sign-up to the sticker's
check page. Screenshots of every step land in test-artifacts/label-*.png."""

import datetime
import re
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from fabtown.roles import LABEL_BOARD, ensure_staff_groups
from label.models import LabelApplication, Membership
from label.seed import load_fee_tiers
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    MembershipFactory,
    ProducerFactory,
    StaffFactory,
    small_png,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kaffeebohne-Bochum-2026"
EMAIL = "inhaberin@roesterei-kortum.example"


@pytest.fixture
def label_setup(db):
    ensure_staff_groups()
    load_fee_tiers(Counter())
    return StaffFactory(username="vorstand", groups=[Group.objects.get(name=LABEL_BOARD)])


def _sign_up_and_verify(page, url: str) -> None:
    page.goto(f"{url}/label/")
    page.get_by_role("link", name="Konto anlegen und bewerben").click()
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    save_screenshot(page, "label-01-sign-up")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # The verification e-mail, read from Django's test outbox
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/mein-konto/$"))
    save_screenshot(page, "label-02-e-mail-verified-account")


def _fill_application(page, photo_path) -> None:
    page.locator("#id_company_name").fill("Rösterei Kortum")
    page.locator("#id_contact_name").fill("Hanna Beispiel")
    page.locator("#id_stage_product_design").check()  # one stage only: the rule fails
    page.locator("#id_seat_street").fill("Kortumstraße 20")
    page.locator("#id_seat_postcode").fill("44787")
    page.locator("#id_full_time_staff").fill("2")
    page.locator("#id_company_size").fill("4")
    page.locator("#id_products").fill("Kaffee aus der eigenen Trommelröstung")
    page.locator("#id_quality_statement").fill("Kleine Chargen, jede Röstung verkostet.")
    page.locator("#id_photo-image").set_input_files(str(photo_path))
    page.locator("#id_photo-description").fill("Frisch geröstete Bohnen in der Kühlschale")
    map_box = page.locator("#id_location-map")
    map_box.scroll_into_view_if_needed()
    box = map_box.bounding_box()  # a plain click places the point, as the hint says
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _board_decides(board_page, url: str, company: str, decision: str, reason: str) -> None:
    board_page.goto(f"{url}/admin/label/labelapplication/")
    board_page.get_by_role("link", name=company).click()
    board_page.get_by_role("link", name="Entscheiden").click()
    board_page.get_by_label(decision, exact=True).check()
    board_page.locator("#id_reason").fill(reason)
    board_page.locator("input[type=submit]").click()
    board_page.wait_for_selector(".messagelist .success")


def test_a_producer_earns_the_label_from_sign_up_to_a_valid_sticker(
    page, new_context, live_server, label_setup, tmp_path
):
    photo_path = tmp_path / "bohnen.png"
    photo_path.write_bytes(small_png().read())
    url = live_server.url

    _sign_up_and_verify(page, url)
    page.get_by_role("button", name="Um das Label bewerben").click()
    page.wait_for_url(re.compile(r"/mein-konto/antrag/\d+/bearbeiten/$"))
    assert "Monatsbeitrag" in page.locator(".criteria-check").inner_text()

    # Fill in, with one stage only: submitting is refused and the page says why
    _fill_application(page, photo_path)
    page.get_by_role("button", name="Antrag einreichen").click()
    summary = page.locator("#error-summary")
    assert "Mindestens zwei der drei Stufen" in summary.inner_text()
    assert page.locator('[data-rule="stages"]').get_attribute("class") == "rule missing"
    save_screenshot(page, "label-03-failed-rule")
    application = LabelApplication.objects.get(company_name="Rösterei Kortum")
    assert application.status == "draft" and application.photos.count() == 1  # nothing lost
    # the point placed by a click, where the map opens: Bochum's centre
    assert application.location.x == pytest.approx(7.2162, abs=0.005)
    assert application.location.y == pytest.approx(51.4818, abs=0.005)

    # Fix it and submit
    page.locator("#id_stage_manufacturing").check()
    page.get_by_role("button", name="Antrag einreichen").click()
    page.wait_for_url(re.compile(r"/mein-konto/antrag/\d+/$"))
    assert "Eingereicht" in page.locator(".status-line").inner_text()
    assert page.locator('[data-rule="stages"]').get_attribute("class") == "rule met"
    save_screenshot(page, "label-04-submitted")

    # A board member reviews and approves in the admin
    board = new_context()
    board_page = board.new_page()
    admin_login(board_page, url, "vorstand")
    _board_decides(board_page, url, "Rösterei Kortum", "in Prüfung", "Wir sehen uns das an.")
    board_page.goto(f"{url}/admin/label/labelapplication/{application.pk}/decide/")
    save_screenshot(board_page, "label-05-board-decides")
    _board_decides(
        board_page, url, "Rösterei Kortum", "bewilligt", "Zwei Stufen in Bochum, Sitz in 44787."
    )
    assert "Zwei Stufen in Bochum" in board_page.locator(".inline-group").first.inner_text() or (
        "Zwei Stufen in Bochum" in board_page.content()
    )
    save_screenshot(board_page, "label-06-approved-in-the-admin")
    board.close()

    # The applicant was told at every step, with the board's reason
    to_applicant = [m for m in mail.outbox if EMAIL in m.to]
    assert len(to_applicant) == 1 + 3  # verification, submitted, in review, approved
    assert "Zwei Stufen in Bochum, Sitz in 44787." in to_applicant[-1].body

    # The badge is in the directory (label filter) and on the account page
    page.goto(f"{url}/produzenten/?label=true")
    page.wait_for_selector("#directory-map[data-features='1']")  # the new profile is on the map
    card = page.locator(".cards > li", has_text="Rösterei Kortum")
    assert card.locator(".badge").inner_text() == "Made by Bochum"
    save_screenshot(page, "label-07-directory-badge")

    membership = Membership.objects.get(producer__name="Rösterei Kortum")
    assert membership.fee_tier.monthly_fee_eur == 15
    page.goto(f"{url}/mein-konto/")
    page.get_by_role("link", name="Öffentliche Prüfseite").click()
    assert page.url.endswith(f"/label/pruefen/{membership.public_id}/")
    verdict = page.locator(".verdict").inner_text()
    assert "Gültig" in verdict and "Rösterei Kortum" in verdict
    assert "Produktdesign, Anfertigung" in page.locator(".facts").inner_text()
    save_screenshot(page, "label-08-check-page-valid")

    sticker = page.request.get(f"{url}/label/pruefen/{membership.public_id}/aufkleber.pdf")
    assert sticker.ok and sticker.body().startswith(b"%PDF")


def test_an_expired_membership_is_shown_as_not_valid(page, live_server):
    expired = MembershipFactory(
        producer=ProducerFactory(name="Polsterei Gestern", is_published=True),
        valid_from=datetime.date(2024, 6, 1),
        valid_until=datetime.date(2025, 5, 31),
    )
    page.goto(f"{live_server.url}/label/pruefen/{expired.public_id}/")
    assert "Nicht gültig" in page.locator(".verdict").inner_text()
    save_screenshot(page, "label-09-check-page-not-valid")
    assert axe_violations(page) == []


def _log_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/konto/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/mein-konto/$"))


@pytest.mark.parametrize(
    "path",
    ["/konto/signup/", "/konto/login/", "/konto/password/reset/", "/en/account/login/"],
)
def test_the_account_entrance_pages_meet_wcag_aa(page, live_server, path):
    page.goto(live_server.url + path)
    assert axe_violations(page) == []


def test_the_producers_own_pages_meet_wcag_aa(page, live_server):
    applicant = ApplicantFactory()
    producer = ProducerFactory(account=applicant, is_published=True)
    application = LabelApplicationFactory(applicant=applicant, stage_manufacturing=False)
    MembershipFactory(producer=producer)
    _log_in(page, live_server.url, applicant.email)
    assert axe_violations(page) == [], "account page"
    page.goto(f"{live_server.url}/mein-konto/antrag/{application.pk}/bearbeiten/")
    page.get_by_role("button", name="Antrag einreichen").click()
    page.wait_for_selector("#error-summary")
    assert axe_violations(page) == [], "application form with errors"
    page.goto(f"{live_server.url}/mein-konto/antrag/{application.pk}/")
    assert axe_violations(page) == [], "application status"
    page.goto(f"{live_server.url}/mein-konto/profil/{producer.slug}/")
    assert axe_violations(page) == [], "profile form"
    page.goto(f"{live_server.url}/en/my-account/")
    assert axe_violations(page) == [], "account page in English"
    for path in ("/konto/email/", "/konto/password/change/"):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path


def test_a_producer_updates_the_profile_with_the_keyboard(page, live_server):
    applicant = ApplicantFactory()
    producer = ProducerFactory(account=applicant, is_published=True, opening_hours="")
    _log_in(page, live_server.url, applicant.email)
    page.get_by_role("link", name=f"bearbeiten {producer.name}").click()
    page.locator("#id_opening_hours").focus()
    page.keyboard.type("Di–Sa 10–18 Uhr")
    page.get_by_role("button", name="Profil speichern").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mein-konto/$"))
    producer.refresh_from_db()
    assert producer.opening_hours == "Di–Sa 10–18 Uhr"
    assert producer.history.first().history_user == applicant


def _too_big_png(path) -> None:
    """A real PNG of noise beyond the 5 MB limit (noise does not compress)."""
    import os

    from PIL import Image

    Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3)).save(path, format="PNG")
    assert path.stat().st_size > 5 * 1024 * 1024


def test_a_refused_photo_is_named_at_the_top_and_holds_back_nothing(page, live_server, tmp_path):
    applicant = ApplicantFactory()
    application = LabelApplicationFactory(applicant=applicant, products="Tassen")
    big, small = tmp_path / "tassen-gross.png", tmp_path / "tassen.png"
    _too_big_png(big)
    small.write_bytes(small_png().read())
    _log_in(page, live_server.url, applicant.email)
    page.goto(f"{live_server.url}/mein-konto/antrag/{application.pk}/bearbeiten/")

    # A photo beyond the limit, with its description, and a change further up
    page.locator("#id_products").fill("Tassen und Teller aus Bochumer Ton")
    page.locator("#id_photo-image").set_input_files(str(big))
    page.locator("#id_photo-description").fill("Unsere Tassen im Schaufenster")
    page.get_by_role("button", name="Entwurf speichern").click()

    # The summary at the top takes the focus and names the photo field, far below
    summary = page.locator("#error-summary")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Ihre übrigen Angaben sind gespeichert, das Foto nicht" in summary.inner_text()
    link = summary.get_by_role("link", name=re.compile(r"^Foto: Das Foto ist größer als 5 MB"))
    assert summary.bounding_box()["y"] < page.locator("#id_photo-image").bounding_box()["y"]
    save_screenshot(page, "label-10-refused-photo-summary")
    assert axe_violations(page) == [], "form with a refused photo"
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_photo-image"
    assert page.locator("#id_photo-image").is_visible()  # scrolled to it, label included
    assert page.locator("label[for=id_photo-image]").is_visible()
    save_screenshot(page, "label-11-photo-field-focused")
    application.refresh_from_db()
    assert application.products == "Tassen und Teller aus Bochumer Ton"  # not held back

    # Saving again without the photo: no dead end, the description waits as a draft
    page.locator("#id_quality_statement").fill("Jede Tasse von Hand gedreht.")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_text("Ihr Entwurf ist gespeichert.").wait_for()
    assert page.locator("#error-summary").count() == 0
    assert page.locator("#id_photo-description").input_value() == "Unsere Tassen im Schaufenster"
    assert page.locator("#photo-description-waits").is_visible()

    # Fixed: a smaller photo, and the kept description goes with it
    page.locator("#id_photo-image").set_input_files(str(small))
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_text("Ihr Entwurf ist gespeichert.").wait_for()
    assert application.photos.get().description == "Unsere Tassen im Schaufenster"
    application.refresh_from_db()
    assert application.quality_statement == "Jede Tasse von Hand gedreht."
    assert page.locator("#photo-description-waits").count() == 0
    assert axe_violations(page) == [], "form after the photo was saved"


def test_a_member_sees_the_membership_instead_of_a_new_application(page, live_server):
    applicant = ApplicantFactory()
    producer = ProducerFactory(account=applicant, name="Rösterei Kortum", is_published=True)
    LabelApplicationFactory(applicant=applicant, status="approved", submitted_at=timezone.now())
    MembershipFactory(producer=producer)
    _log_in(page, live_server.url, applicant.email)
    member = page.locator("#membership-in-force")
    assert "Rösterei Kortum ist Mitglied im BYBOCHUM e.V." in member.inner_text()
    for term in ("Laufzeit", "Beitragsstufe", "Verlängerung"):
        assert term in member.inner_text()
    assert page.get_by_role("button", name="Antrag fortsetzen oder beginnen").count() == 0
    save_screenshot(page, "label-12-member-account")
    assert axe_violations(page) == [], "account page of a member"
