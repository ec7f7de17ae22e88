"""The overview figures of the measure catalogue (Abb. 19–22) in a real browser: the network
drawn by Cytoscape.js, the list beside it with the keyboard, axe and reflow on all four pages,
and the matrix printed on landscape A4."""

import io

import pytest

from measures.models import MeasureInteraction
from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDEX = "/massnahmen/uebersicht/"
ACTORS = "/massnahmen/uebersicht/akteure/"
TIME_COST = "/massnahmen/uebersicht/zeit-und-kosten/"
INTERACTIONS = "/massnahmen/uebersicht/wechselwirkungen/"
NETWORK_READY = "#network[data-ready='true']"


def test_the_network_draws_every_measure_and_a_click_on_a_node_opens_it(
    page, live_server, bochum_data
):
    page.goto(live_server.url + INTERACTIONS)
    page.wait_for_selector(NETWORK_READY)
    network = page.locator("#network")
    assert network.get_attribute("data-nodes") == "25"
    assert network.get_attribute("data-edges") == str(MeasureInteraction.objects.count())
    assert page.locator("#network canvas").count() >= 1
    assert page.evaluate("window.measureNetwork.edges('.reconstructed').length") == 11
    save_screenshot(page, "measure-overview-interactions")

    # a click on the node 4.2.1 (where Cytoscape drew it) opens its page
    position = page.evaluate(
        """() => {
          const node = window.measureNetwork.getElementById('4.2.1').renderedPosition();
          const box = document.getElementById('network').getBoundingClientRect();
          return {x: box.left + node.x, y: box.top + node.y};
        }"""
    )
    page.mouse.move(position["x"], position["y"])
    assert page.locator("#network-status").inner_text().startswith("4.2.1 ")
    page.mouse.click(position["x"], position["y"])
    page.wait_for_url("**/massnahmen/4.2.1/")


def test_the_keyboard_reaches_every_measure_through_the_list(page, live_server, bochum_data):
    page.goto(live_server.url + INTERACTIONS)
    page.wait_for_selector(NETWORK_READY)
    assert page.locator(".network-list > li > a:first-child").count() == 25
    # Tab from the top of the page: past the header and the navigation straight into the list
    # (the network's canvas takes no focus and traps none), the measures in the concept's order
    focused = []
    for _ in range(60):
        page.keyboard.press("Tab")
        node = page.evaluate("document.activeElement.getAttribute('data-node')")
        if node:
            focused.append(node)
            # the network highlights the focused measure
            assert page.locator("#network-status").inner_text().startswith(f"{node} ")
        if len(focused) == 3:
            break
    assert focused[:2] == ["4.1.1", "4.1.2"]  # 4.1.1 names no other measure
    code = page.evaluate("document.activeElement.getAttribute('data-node')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/massnahmen/{code}/")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_overviews_have_no_axe_violations_and_fit_the_screen(
    new_context, live_server, bochum_data, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    for path in (INDEX, ACTORS, TIME_COST, INTERACTIONS, "/en/measures/overview/interactions/"):
        page.goto(live_server.url + path)
        if path.endswith(("wechselwirkungen/", "interactions/")):
            page.wait_for_selector(NETWORK_READY)
        assert axe_violations(page) == [], (path, width)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (path, width, widths)
        if width == 1280 and path != INDEX:
            name = path.strip("/").replace("/", "-")
            save_screenshot(page, f"measure-overview-{name}")
        if width == 320 and path == TIME_COST:
            save_screenshot(page, "measure-overview-time-cost-320")


def test_the_actor_matrix_prints_on_landscape_a4(page, live_server, bochum_data):
    from pypdf import PdfReader

    page.goto(live_server.url + ACTORS)
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    box = pdf.pages[0].mediabox
    # A4 landscape: 297 × 210 mm = 842 × 595 pt
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = pdf.pages[0].extract_text()
    assert "Akteursübersicht I" in text and "4.1.1" in text
    assert len(pdf.pages) <= 4
