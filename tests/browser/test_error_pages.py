"""The site's 404, 403, 429 and 500 pages in headless Chromium: accessible, German and English,
and usable on a 320 px wide phone. Screenshots land in test-artifacts/error-*.png."""

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"de": "de-DE", "en": "en-GB"}
PREFIX = {"de": "", "en": "/en"}
FEEDBACK = {"de": "/barrierefreiheit/", "en": "/en/accessibility/"}
LOGIN = {"de": "/konto/login/", "en": "/en/account/login/"}
WIDTHS = [320, 1280]


@pytest.fixture
def open_page(new_context):
    """A fresh browser tab in the given language and width (policy violations fail the test)."""

    def open_(language: str, width: int):
        context = new_context(viewport={"width": width, "height": 800}, locale=LOCALES[language])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    return open_


def _check(page, *, status: int, response, heading: str, name: str) -> None:
    assert response.status == status
    assert page.get_by_role("heading", level=1).inner_text() == heading
    fits = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits, "no horizontal scrolling"
    save_screenshot(page, name)
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("language", "path", "heading"),
    [
        ("de", "/gibt-es-nicht/", "Seite nicht gefunden"),
        ("en", "/en/no-such-page/", "Page not found"),
    ],
)
def test_the_404_page(open_page, live_server, language, path, heading, width):
    page = open_page(language, width)
    response = page.goto(live_server.url + path)
    _check(
        page, status=404, response=response, heading=heading, name=f"error-404-{language}-{width}"
    )
    # The way on: search the directory from the 404 page (its own box, not the header's)
    page.locator("#error-search").fill("Kaffee")
    page.locator("#error-search").press("Enter")
    page.wait_for_url("**q=Kaffee**")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Das Formular konnte nicht gesendet werden"), ("en", "The form could not be sent")],
)
def test_the_403_page_after_a_form_lost_its_token(open_page, live_server, language, heading, width):
    page = open_page(language, width)
    page.goto(live_server.url + FEEDBACK[language])
    page.locator("#id_message").fill("Die Karte lässt sich nicht vergrößern.")
    page.context.clear_cookies()  # as if the page had been open for too long
    with page.expect_navigation() as navigation:
        page.locator("#feedback ~ form button[type=submit]").click()
    _check(
        page,
        status=403,
        response=navigation.value,
        heading=heading,
        name=f"error-403-{language}-{width}",
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("language", "heading", "sentence"),
    [
        ("de", "Zu viele Anfragen", "Bitte versuchen Sie es in 10 Minuten erneut."),
        ("en", "Too many requests", "Please try again in 10 minutes."),
    ],
)
def test_the_429_page_after_too_many_sign_ins(
    open_page, live_server, settings, language, heading, sentence, width
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/10m/ip"}
    page = open_page(language, width)
    response = None
    for _ in range(2):
        page.goto(live_server.url + LOGIN[language])
        page.locator("input[name=login]").fill("werkstatt@example.org")
        page.locator("input[name=password]").fill("falsch")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").first.click()
        response = navigation.value
    _check(
        page, status=429, response=response, heading=heading, name=f"error-429-{language}-{width}"
    )
    assert page.get_by_text(sentence).is_visible()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Bei uns ist etwas schiefgegangen"), ("en", "Something went wrong on our side")],
)
def test_the_500_page(open_page, live_server, monkeypatch, language, heading, width):
    def fail():
        raise RuntimeError("the database is down")

    monkeypatch.setattr("fabtown.views.home_figures", fail)
    page = open_page(language, width)
    response = page.goto(f"{live_server.url}{PREFIX[language]}/")
    _check(
        page, status=500, response=response, heading=heading, name=f"error-500-{language}-{width}"
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_feedback_form_beyond_its_limit_keeps_the_text_and_says_when(
    open_page, live_server, settings, language
):
    settings.FEEDBACK_RATE = (0, 3600)
    page = open_page(language, 320)
    page.goto(live_server.url + FEEDBACK[language])
    page.locator("#id_message").fill("Die Karte lässt sich nicht vergrößern.")
    with page.expect_navigation() as navigation:
        page.locator("#feedback ~ form button[type=submit]").click()
    assert navigation.value.status == 429
    assert page.locator("#id_message").input_value() == "Die Karte lässt sich nicht vergrößern."
    assert page.get_by_role("alert").is_visible()
    save_screenshot(page, f"error-429-feedback-{language}")
    assert axe_violations(page) == []
