"""A founder tells the office what space they need: the public request form in Chromium."""

import pytest
from django.core import mail

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot
from tests.factories import ProductionFormFactory, SearchAreaFactory
from vacancies.models import SpaceRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def choices():
    SearchAreaFactory(name="Gleisdreieck")
    SearchAreaFactory(name="Innenstadt")
    ProductionFormFactory(name="Urbane Manufaktur, Reparaturbetriebe und Handwerk")


@pytest.mark.parametrize("width", [1280, 320])
def test_a_founder_corrects_the_form_loses_nothing_and_sends_the_request(
    new_context, live_server, choices, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/flaechen/")
    page.get_by_role("link", name="Noch nichts Passendes dabei?").click()
    page.wait_for_url(f"{live_server.url}/flaechen/gesuch/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_label("Wofür brauchen Sie die Fläche?").fill("Siebdruckwerkstatt")
    page.get_by_label("Fläche ab (m²)").fill("150")
    page.get_by_label("Fläche bis (m²)").fill("80")  # smaller than the smallest
    page.get_by_label("Die Fläche muss im Erdgeschoss liegen").check()
    page.get_by_label("Gleisdreieck").check()
    page.get_by_label("Name der Ansprechperson").fill("Jana Gesuchstellerin")
    page.get_by_label("E-Mail der Ansprechperson").fill("jana.gesuch@example.org")
    # consent not given
    page.get_by_role("button", name="Gesuch senden").click()

    summary = page.locator("#error-summary")
    assert "noch nicht gesendet" in summary.inner_text()
    # each message beside its field, and in the summary as a link to it
    beside = page.locator("form .errorlist")
    assert beside.get_by_text("Die größte Fläche kann nicht kleiner sein").is_visible()
    assert beside.get_by_text("Ohne Ihre Einwilligung").is_visible()
    assert summary.get_by_role("link", name="Die größte Fläche kann nicht kleiner sein").count()
    assert page.get_by_label("Wofür brauchen Sie die Fläche?").input_value() == "Siebdruckwerkstatt"
    assert page.get_by_label("Fläche ab (m²)").input_value() == "150"
    assert page.get_by_label("Gleisdreieck").is_checked()
    assert not page.get_by_label("Innenstadt").is_checked()
    assert page.get_by_label("Die Fläche muss im Erdgeschoss liegen").is_checked()
    assert page.get_by_label("E-Mail der Ansprechperson").input_value() == (
        "jana.gesuch@example.org"
    )
    assert axe_violations(page) == []
    save_screenshot(page, f"space-request-form-errors-{width}")
    assert not SpaceRequest.objects.exists()

    page.get_by_label("Fläche bis (m²)").fill("200")
    page.get_by_label("Ich willige ein", exact=False).check()
    page.get_by_role("button", name="Gesuch senden").click()
    page.wait_for_url(f"{live_server.url}/flaechen/gesuch/danke/")
    assert page.get_by_role("heading", name="Vielen Dank für Ihr Gesuch").is_visible()
    assert "Jana" not in page.content()
    assert axe_violations(page) == []

    record = SpaceRequest.objects.get()
    assert record.title == "Siebdruckwerkstatt" and record.needs_ground_floor is True
    assert [a.name for a in record.search_areas.all()] == ["Gleisdreieck"]
    assert mail.outbox[-1].to == ["jana.gesuch@example.org"]
