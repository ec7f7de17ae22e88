"""WCAG 1.4.10 Reflow: no public or account page is wider than a phone's viewport.

One browser context crawls the site from the German and the English home page, following
every same-origin link, and then, signed in as a producer, the account pages. Each page is
measured at 320 px and at 390 px wide; every page that scrolls sideways is named in one
failure message with its widths, and a screenshot of it is kept (test-artifacts/reflow-*.png).
"""

import re
from urllib.parse import urldefrag, urlsplit

import pytest

from measures.models import Measure
from producers.models import Producer
from tests.browser.conftest import save_screenshot
from tests.factories import (
    ApplicantFactory,
    LabelApplicationFactory,
    MembershipFactory,
    ProducerFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390)
# Downloads and machine doors are no pages to read on a phone; signing out ends the session.
SKIPPED_EXTENSIONS = (".pdf", ".csv", ".geojson", ".ics", ".gpx", ".svg", ".png", ".json", ".xlsx")
SKIPPED_PREFIXES = ("/admin/", "/api/", "/i18n/", "/static/", "/media/")
SKIPPED_PATHS = re.compile(r"/(konto|account)/logout/")
# Facet and sort links multiply the same page by its filters; one of each path is enough.
ONE_PER_PATH_WITH_QUERY = True
# The page's widths, and for the message the innermost elements that reach past the viewport
# or whose text spills out of them (a long word or address in a box too narrow for it).
MEASURE = """() => {
  const root = document.documentElement, limit = root.clientWidth + 1;
  const name = (e) => e.tagName.toLowerCase()
    + (typeof e.className === "string" && e.className.trim()
      ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const culprits = [...document.body.querySelectorAll("*")].filter((e) => {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    const spills = e.scrollWidth > e.clientWidth + 1 && style.overflowX === "visible"
      && box.left + e.scrollWidth > limit;
    return (box.right > limit || spills) && !e.closest(".leaflet-container > *");
  });
  const innermost = culprits.filter((e) => !culprits.some((o) => o !== e && e.contains(o)));
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    widest: innermost.slice(0, 4).map((e) => name(e) + " "
      + JSON.stringify((e.textContent || "").trim().slice(0, 40))),
  };
}"""


NEXT_FRAMES = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)


@pytest.fixture
def reflow_data(bochum_data):
    """The seeded Bochum data, one label member, and a producer with an account, a minimal
    profile and a submitted label application (the account pages)."""
    MembershipFactory(
        producer=Producer.objects.get(slug="roestart"), valid_from="2022-05-24", valid_until=None
    )
    applicant = ApplicantFactory(email="inhaberin@werkstatt-mit-sehr-langem-namen.example")
    producer = ProducerFactory(
        account=applicant,
        name="Polsterei und Raumausstattungsmeisterbetrieb Kortumstraßenviertel",
        website="https://www.polsterei-und-raumausstattung-im-kortumstrassenviertel.example/",
        email="kontaktaufnahme-werkstatt@polsterei-kortumstrassenviertel.example",
        opening_hours="",
    )
    application = LabelApplicationFactory(
        applicant=applicant,
        producer=producer,
        products="Polstermöbelrestaurierungsarbeiten, Raumausstattungsdienstleistungen",
    )
    return {"applicant": applicant, "producer": producer, "application": application}


def _is_page(base: str, url: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return False
    path = parts.path.lower()
    return not (
        path.endswith(SKIPPED_EXTENSIONS)
        or path.startswith(SKIPPED_PREFIXES)
        or SKIPPED_PATHS.search(path)
    )


def _measure(page, url: str, offenders: list[str], name: str) -> None:
    """Measures the page at each width (the first is the one it was loaded at). Scripts that
    size things to the page (maps, charts) follow a resize in the next frames: wait for two."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.evaluate(NEXT_FRAMES)
        size = page.evaluate(MEASURE)
        if size["scrollWidth"] > size["clientWidth"]:
            offenders.append(
                f"{url} at {width} px: {size['scrollWidth']} px wide "
                f"(viewport {size['clientWidth']} px), e.g. {', '.join(size['widest'])}"
            )
            save_screenshot(page, f"reflow-{width}-{name}")


def _slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.lower()).strip("-") or "home"


def _crawl(page, base: str, start: list[str], offenders: list[str], visited: set[str]) -> None:
    queue = list(start)
    seen_paths_with_query: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        response = page.goto(url)
        assert response is not None and response.ok, (
            f"{url} answered {response and response.status}"
        )
        _measure(page, url, offenders, _slug(url) + ("-q" if "?" in url else ""))
        for href in page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)"):
            link = urldefrag(href).url
            if link in visited or link in queue or not _is_page(base, link):
                continue
            parts = urlsplit(link)
            if parts.query and ONE_PER_PATH_WITH_QUERY:
                if parts.path in seen_paths_with_query:
                    continue
                seen_paths_with_query.add(parts.path)
            queue.append(link)


def _log_in(page, base: str, email: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/konto/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/mein-konto/$"))


def test_no_public_or_account_page_scrolls_sideways_on_a_phone(
    new_context, live_server, reflow_data
):
    base = live_server.url
    page = new_context(viewport={"width": 320, "height": 800}).new_page()
    page.set_default_timeout(15_000)
    offenders: list[str] = []
    visited: set[str] = set()

    _crawl(page, base, [f"{base}/", f"{base}/en/"], offenders, visited)
    account_entrances = [
        "/konto/login/", "/konto/signup/", "/konto/password/reset/",
        "/en/account/login/", "/en/account/signup/", "/en/account/password/reset/",
    ]  # fmt: skip
    _crawl(page, base, [base + path for path in account_entrances], offenders, visited)

    producer, application = reflow_data["producer"], reflow_data["application"]
    _log_in(page, base, reflow_data["applicant"].email)
    signed_in = [
        "/mein-konto/", f"/mein-konto/profil/{producer.slug}/",
        f"/mein-konto/antrag/{application.pk}/", f"/mein-konto/antrag/{application.pk}/bearbeiten/",
        "/en/my-account/", f"/en/my-account/application/{application.pk}/",
    ]  # fmt: skip
    _crawl(page, base, [base + path for path in signed_in], offenders, visited)

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{base}/produzenten/geigenbaumeister-kehnen/")
    save_screenshot(page, "profile-320")

    # The crawl reached what the issue found too wide: every profile and measure, both languages.
    expected = {"/datenschutz/", "/en/privacy/", f"/mein-konto/antrag/{application.pk}/"}
    for slug in Producer.objects.published().values_list("slug", flat=True):
        expected |= {f"/produzenten/{slug}/", f"/en/producers/{slug}/"}
    for code in Measure.objects.values_list("code", flat=True):
        expected |= {f"/massnahmen/{code}/", f"/en/measures/{code}/"}
    assert not {base + path for path in expected} - visited, "pages the crawl did not reach"
    assert not offenders, f"{len(offenders)} pages scroll sideways:\n" + "\n".join(offenders)
