import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Every page reports what the Content-Security-Policy blocked; the test then fails (see
# `new_context`). Installed before any script of the page runs.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
      `at ${event.sourceFile || document.location.href}:${event.lineNumber} ` +
      `(${event.sample || "no sample"})`
  );
});
"""
_POLICY_MESSAGES = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """What the security policies blocked or complained about during the test, page by page.

    A test that provokes a violation on purpose checks this list and empties it.
    """
    return []


@pytest.fixture
def new_context(browser, live_server, csp_violations):
    """Opens browser contexts (German, desktop size unless told otherwise) whose pages fail the
    test on any Content-Security-Policy violation or policy error, and that answer map tiles
    with nothing: tests have no internet and must not depend on (or wait for) tile servers."""
    contexts = []

    def report_console(message) -> None:
        if message.type in ("error", "warning") and any(
            name in message.text for name in _POLICY_MESSAGES
        ):
            csp_violations.append(f"console: {message.text}")

    def report_violation(description: str) -> None:
        csp_violations.append(description)

    def open_context(**options):
        context = browser.new_context(
            **{"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", **options}
        )
        context.route("**/tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
        context.expose_function("__reportCspViolation", report_violation)
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", report_console)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    if csp_violations:
        pytest.fail("Security policy violations:\n" + "\n".join(csp_violations), pytrace=False)


@pytest.fixture
def page(new_context):
    page = new_context().new_page()
    page.set_default_timeout(15_000)
    return page


def save_screenshot(page, name: str) -> None:
    """Keep a screenshot as a test artefact (test-artifacts/, ignored by git)."""
    from tests.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def admin_login(page, base_url: str, username: str, *, next_path: str = "") -> None:
    """Sign in to the admin through its login form (German), as staff do."""
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{base_url}/admin/login/{query}")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill("correct horse battery")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base_url}{next_path or '/admin/'}")
