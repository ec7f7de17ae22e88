"""The Content-Security-Policy in a real browser: injected scripts do not run, and every kind
of page the site sends (API docs, browsable API, admin with its add-ons) works under it. The
`page` fixture fails any test whose pages violate the policy (tests/browser/conftest.py)."""

import pytest

from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import ProducerFactory, SiteFactory, SuperuserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_INJECT = """nonce => {
  window.ran = [];
  for (const [name, withNonce] of [["without", false], ["with", true]]) {
    const script = document.createElement("script");
    if (withNonce) script.nonce = nonce;
    script.textContent = `window.ran.push("${name}")`;
    document.body.append(script);
  }
  const image = document.createElement("div");
  image.innerHTML = '<img src="data:," onerror="window.ran.push(\\'handler\\')">';
  document.body.append(image);
}"""


def test_a_script_injected_without_the_nonce_does_not_run(page, live_server, csp_violations):
    # The browsable API's highlighting styles use the nonce, so its policy names one
    response = page.goto(f"{live_server.url}/api/v1/producers/")
    nonce = response.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    page.evaluate(_INJECT, nonce)
    page.wait_for_timeout(200)  # the image's error event
    assert page.evaluate("window.ran") == ["with"]
    blocked = [v for v in csp_violations if v.startswith("script-src")]
    assert len(blocked) == 2, csp_violations  # the script element and the onerror attribute
    csp_violations.clear()


def test_swagger_ui_works_under_the_policy(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".opblock-summary", has_text="/api/v1/producers/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.wait_for_selector(".live-responses-table .response-col_status:has-text('200')")
    save_screenshot(page, "api-docs-swagger")


def test_redoc_works_under_the_policy_without_calling_redocly(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/api/v1/redoc/")
    page.wait_for_selector("#redoc-container .api-content")
    page.get_by_role("textbox", name="Search").fill("producers")  # ReDoc's search worker
    page.wait_for_selector("[data-role='search:results'] li")
    save_screenshot(page, "api-docs-redoc")
    # the one thing blocked on purpose: the footer logo from Redocly's server
    assert {v.split(" at ")[0] for v in csp_violations if not v.startswith("console:")} == {
        "img-src blocked https://cdn.redoc.ly/redoc/logo-mini.svg"
    }
    csp_violations.clear()


def test_the_browsable_api_works_under_the_policy(page, live_server):
    ProducerFactory(name="Röstart")
    page.goto(f"{live_server.url}/api/v1/producers/")
    assert "Röstart" in page.locator(".response-info").inner_text()
    page.locator("#get-form .dropdown-toggle").click()  # its format menu: Bootstrap, jQuery
    page.wait_for_selector("#get-form .dropdown-menu a", state="visible")


def test_the_admin_pages_work_under_the_policy(page, live_server):
    SuperuserFactory(username="redaktion")
    producer = ProducerFactory()
    site = SiteFactory()
    admin_login(page, live_server.url, "redaktion")
    for path in [
        "/admin/producers/producer/",
        f"/admin/producers/producer/{producer.pk}/change/",
        f"/admin/producers/producer/{producer.pk}/history/",
        "/admin/producers/producer/import/",
        "/admin/vacancies/searcharea/add/",
        "/admin/label/labelapplication/",
        "/admin/label/membership/",
        f"/admin/vacancies/site/{site.pk}/change/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    page.wait_for_selector("#id_location-map .leaflet-marker-icon")  # the site on its map

    # django-import-export's export page: "Select all" clears and ticks every field box
    page.goto(f"{live_server.url}/admin/producers/producer/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]")
    page.locator("#select-all-toggle").uncheck()
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
    page.locator("#select-all-toggle").check()
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
