"""Staff place a producer on the map in the admin, in a real browser."""

import pytest

from producers.models import Producer
from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import ProductCategoryFactory, ProductionFormFactory, SuperuserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_log_in_and_place_a_producer_on_the_map(page, live_server):
    SuperuserFactory(username="redaktion")
    ProductCategoryFactory(name="Musikinstrumente", slug="musikinstrumente")
    ProductionFormFactory()

    admin_login(page, live_server.url, "redaktion")

    page.goto(f"{live_server.url}/admin/producers/producer/add/")
    page.locator("#id_name").fill("Geigenbau am Rathaus")
    page.locator("#id_is_published").check()

    map_box = page.locator("#id_location-map")
    map_box.scroll_into_view_if_needed()
    page.locator("#id_location-map .leaflet-draw-draw-marker").click()
    box = map_box.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    save_screenshot(page, "admin-producer-on-map")

    page.locator("input[name=_save]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/producers/producer/")

    producer = Producer.objects.get(name="Geigenbau am Rathaus")
    assert producer.slug == "geigenbau-am-rathaus"  # prepopulated from the name
    assert producer.is_published
    # the map opens on Bochum's centre (settings.LEAFLET_CONFIG), where the click landed
    assert producer.location.srid == 4326
    assert producer.location.x == pytest.approx(7.2162, abs=0.005)
    assert producer.location.y == pytest.approx(51.4818, abs=0.005)
