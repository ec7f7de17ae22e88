"""Staff import a spreadsheet of sites in the admin: the bad row is reported, the rest lands."""

import pytest

from tests.browser.conftest import admin_login, save_screenshot
from tests.factories import SuperuserFactory
from vacancies.models import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITES_CSV = (
    "name,kind,street,postcode,longitude,latitude,floor_area_m2,has_shop_window\n"
    "Ladenlokal Brückstraße 10,vacant_unit,Brückstraße 10,44787,7.2150,51.4850,65,1\n"
    "Werkstatt Dorstener Straße 5,vacant_unit,Dorstener Straße 5,44787,7.2090,51.4890,120,0\n"
    "Irgendwo,vacant_unit,Nirgendweg 1,447,,,-5,1\n"
)


def test_staff_import_sites_and_keep_the_good_rows(page, live_server, tmp_path):
    SuperuserFactory(username="redaktion")
    upload = tmp_path / "leerstaende.csv"
    upload.write_text(SITES_CSV, encoding="utf-8")

    admin_login(page, live_server.url, "redaktion", next_path="/admin/vacancies/site/import/")

    page.locator("input[type=file]").set_input_files(str(upload))
    page.locator("select[name=format]").select_option(label="csv")
    page.get_by_role("button", name="Absenden").click()

    # the preview names the bad row and still offers to import the good ones
    page.get_by_text("Irgendwo").first.wait_for()
    save_screenshot(page, "admin-site-import-preview")
    page.get_by_role("button", name="Import bestätigen").click()
    page.wait_for_url(f"{live_server.url}/admin/vacancies/site/")
    assert "Zeile 3 wurde nicht importiert" in page.locator("ul.messagelist").inner_text()

    assert sorted(Site.objects.values_list("name", flat=True)) == [
        "Ladenlokal Brückstraße 10",
        "Werkstatt Dorstener Straße 5",
    ]
    # the status history of an imported site starts with its import, by whom it was imported
    first = Site.objects.get(name="Ladenlokal Brückstraße 10").status_changes.get()
    assert (first.to_status, first.changed_by.username) == ("vacant", "redaktion")


def test_a_large_import_goes_to_the_background_and_its_page_follows_it_to_the_end(
    page, live_server, tmp_path, settings
):
    from tests.fabtown.test_task_queue import _empty_queue, run_worker

    _empty_queue()
    settings.IMPORT_IN_BACKGROUND_ROWS = 2  # the three rows above are "a large file" here
    SuperuserFactory(username="redaktion")
    upload = tmp_path / "leerstaende.csv"
    upload.write_text(SITES_CSV, encoding="utf-8")
    admin_login(page, live_server.url, "redaktion", next_path="/admin/vacancies/site/import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.locator("select[name=format]").select_option(label="csv")
    page.get_by_role("button", name="Absenden").click()
    page.get_by_role("button", name="Import bestätigen").click()

    page.wait_for_url("**/admin/fabtown/importrun/*/change/")
    assert "im Hintergrund importiert" in page.locator("ul.messagelist").inner_text()
    progress = page.locator(".import-run-progress")
    assert "0 von 3 Zeilen" in progress.inner_text() and "wartet" in progress.inner_text()
    assert not Site.objects.exists()

    run_worker()  # while the page is open: it asks for the progress and shows the end

    page.locator('.import-run-progress[data-finished="1"]').wait_for()
    assert "3 von 3 Zeilen" in progress.inner_text() and "fertig" in progress.inner_text()
    assert "floor_area_m2" in page.get_by_role("table").last.inner_text()
    save_screenshot(page, "admin-import-run")
    assert Site.objects.count() == 2
    _empty_queue()
