"""Long imports: a large file confirmed in the admin is imported by the worker in chunks, with
its progress on a page one can leave and come back to; the command line runs the same service.

Tests in which the worker runs use real commits (transaction=True), as in test_task_queue.
"""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from fabtown import import_runs
from fabtown.import_runs import import_run_progress, progress_text
from fabtown.models import ImportRun
from fabtown.roles import ensure_staff_groups
from fabtown.storage import private_storage
from producers.models import Producer
from tests.fabtown.test_task_queue import _empty_queue, make_retries_due, run_worker
from tests.factories import (
    ProductCategoryFactory,
    ProductionFormFactory,
    StaffFactory,
    SuperuserFactory,
)
from vacancies.models import Site

HEADER = "slug,name,category,production_form,founded_year,employees_min,employees_max,postcode,"
HEADER += "longitude,latitude,is_published\n"
INVALID_ROWS = (5, 450)  # row numbers as the admin counts them: the first row below the header


def producers_csv(rows: int = 600) -> str:
    lines = [HEADER]
    for number in range(1, rows + 1):
        postcode = "4478" if number in INVALID_ROWS else "44787"  # a postcode has five digits
        lines.append(
            f"betrieb-{number},Betrieb {number},musik,manufactory-repair-craft,2018,1,2,"
            f"{postcode},7.2163,51.4818,1\n"
        )
    return "".join(lines)


def sites_csv(rows: int = 600) -> str:
    # No id column: every row is a new site, so a chunk imported twice would show twice.
    lines = ["name,kind,longitude,latitude\n"]
    lines += [f"Ladenlokal {number},vacant_unit,7.2163,51.4818\n" for number in range(rows)]
    return "".join(lines)


@pytest.fixture(autouse=True)
def empty_queue(request):
    if "django_db_setup" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    _empty_queue()
    yield
    _empty_queue()


@pytest.fixture
def taxonomy(db):
    ProductCategoryFactory(slug="musik", name="Musikinstrumente")
    ProductionFormFactory()


def import_jobs() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status::text FROM procrastinate_jobs"
            " WHERE task_name = 'fabtown.tasks.process_import_run' ORDER BY id"
        )
        return [row[0] for row in cursor.fetchall()]


def confirm_in_admin(client, text: str, model: str = "producers/producer"):
    app_model = model.replace("/", "_")
    upload = SimpleUploadedFile("betriebe.csv", text.encode(), "text/csv")
    preview = client.post(f"/admin/{model}/import/", {"format": 0, "import_file": upload})
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    return client.post(reverse(f"admin:{app_model}_process_import"), data)


def start_run(*, text: str, model=Producer) -> ImportRun:
    return import_runs.import_run_start(
        model=model,
        resource=import_runs.resource_for_model(model),
        data=text,
        file_name="liste.csv",
        file_format="csv",
    )


# --- The admin ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_large_file_confirmed_in_the_admin_is_imported_by_the_worker_keeping_the_good_rows(
    client, taxonomy
):
    client.force_login(SuperuserFactory())

    response = confirm_in_admin(client, producers_csv(600))

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:fabtown_importrun_change", args=[run.pk])
    assert Producer.objects.count() == 0  # nothing imported in the request
    assert (run.status, run.rows_total, run.rows_done) == ("waiting", 600, 0)
    assert import_jobs() == ["todo"]
    stored = run.file.name
    assert private_storage.exists(stored)

    run_worker()

    run.refresh_from_db()
    assert (run.status, run.rows_done, run.new, run.invalid) == ("done", 600, 598, 2)
    assert [entry["row"] for entry in run.invalid_rows] == list(INVALID_ROWS)
    assert set(run.invalid_rows[0]["errors"]) == {"postcode"}
    assert Producer.objects.count() == 598
    assert not Producer.objects.filter(slug__in=["betrieb-5", "betrieb-450"]).exists()
    assert run.started_at <= run.finished_at
    assert not private_storage.exists(stored) and not run.file  # its personal data is gone
    assert import_jobs() == []  # a finished job is deleted


@pytest.mark.django_db
def test_a_small_file_is_still_imported_in_the_request(client, taxonomy, settings):
    settings.IMPORT_IN_BACKGROUND_ROWS = 500
    client.force_login(SuperuserFactory())

    response = confirm_in_admin(client, producers_csv(20))

    assert response["Location"] == reverse("admin:producers_producer_changelist")
    assert Producer.objects.count() == 19
    assert not ImportRun.objects.exists() and import_jobs() == []


@pytest.mark.django_db
def test_a_sites_file_goes_to_the_background_as_well(client, settings):
    settings.IMPORT_IN_BACKGROUND_ROWS = 10
    client.force_login(SuperuserFactory())

    confirm_in_admin(client, sites_csv(11), model="vacancies/site")

    run = ImportRun.objects.get()
    assert (run.model_label, run.resource) == ("vacancies.Site", "vacancies.admin.SiteResource")
    assert not Site.objects.exists()


@pytest.mark.django_db
def test_the_run_page_shows_the_progress_to_who_may_import_the_records(client, taxonomy):
    ensure_staff_groups()
    run = start_run(text=producers_csv(600))
    ImportRun.objects.filter(pk=run.pk).update(status="running", rows_done=400, new=399, invalid=1)
    run.refresh_from_db()
    client.force_login(StaffFactory(groups=[Group.objects.get(name="Redaktion")]))

    page = client.get(reverse("admin:fabtown_importrun_change", args=[run.pk]))
    progress = client.get(reverse("admin:fabtown_importrun_progress", args=[run.pk]))
    listing = client.get(reverse("admin:fabtown_importrun_changelist"))

    assert page.status_code == 200
    with translation.override(page["Content-Language"]):
        assert progress_text(run) in page.content.decode()  # "400 of 600 rows"
        assert json.loads(progress.content) == import_run_progress(run)
    assert 'data-finished="0"' in page.content.decode()
    assert "fabtown/import-run.js" in page.content.decode()  # which asks again while it runs
    assert json.loads(progress.content)["rows_done"] == 400
    assert list(listing.context["cl"].result_list) == [run]


@pytest.mark.django_db
def test_the_run_page_is_refused_to_staff_who_may_not_import_and_to_anonymous_visitors(
    client, taxonomy
):
    ensure_staff_groups()
    run = start_run(text=producers_csv(600))
    page = reverse("admin:fabtown_importrun_change", args=[run.pk])
    progress = reverse("admin:fabtown_importrun_progress", args=[run.pk])

    anonymous = [client.get(page), client.get(progress)]
    assert [response.status_code for response in anonymous] == [302, 302]
    assert all(r["Location"].startswith(reverse("admin:login")) for r in anonymous)

    client.force_login(StaffFactory(groups=[Group.objects.get(name="Lesezugriff")]))
    assert client.get(page).status_code == 403
    assert client.get(progress).status_code == 403
    assert client.get(reverse("admin:fabtown_importrun_changelist")).status_code == 403
    missing = reverse("admin:fabtown_importrun_progress", args=[run.pk + 1])
    assert client.get(missing).status_code in (403, 404)


@pytest.mark.django_db
def test_the_run_page_lists_the_invalid_rows_with_their_errors_after_the_run(client, taxonomy):
    run = start_run(text=producers_csv(600))
    import_runs.import_run_process(run_id=run.pk)
    client.force_login(SuperuserFactory())

    page = client.get(reverse("admin:fabtown_importrun_change", args=[run.pk])).content.decode()

    assert 'data-finished="1"' in page
    assert "<td>5</td><td>postcode:" in page and "<td>450</td><td>postcode:" in page
    assert "Betrieb 5" not in page  # the rows' values are not kept


# --- Chunks, retries, the file -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_retried_after_a_crash_goes_on_after_its_last_chunk_without_duplicate_rows(
    monkeypatch,
):
    run = start_run(text=sites_csv(600), model=Site)
    record_chunk = import_runs._record_chunk
    calls = []

    def crash_in_the_second_chunk(**kwargs):
        calls.append(kwargs["start"])
        if len(calls) == 2:
            raise ConnectionError("the worker's connection broke")
        record_chunk(**kwargs)

    monkeypatch.setattr(import_runs, "_record_chunk", crash_in_the_second_chunk)
    run_worker()

    run.refresh_from_db()
    assert (run.status, run.rows_done) == ("running", 200)
    assert Site.objects.count() == 200  # the second chunk rolled back with its progress
    assert import_jobs() == ["todo"]  # to be retried
    assert private_storage.exists(run.file.name)

    make_retries_due()
    run_worker()

    run.refresh_from_db()
    assert calls == [0, 200, 200, 400]
    assert (run.status, run.rows_done, run.new, run.invalid) == ("done", 600, 600, 0)
    assert Site.objects.count() == 600
    assert Site.objects.values("name").distinct().count() == 600


@pytest.mark.django_db
def test_a_run_that_cannot_go_on_ends_as_failed_and_its_file_is_deleted(monkeypatch):
    run = start_run(text=sites_csv(300), model=Site)
    stored = run.file.name

    def broken(**kwargs):
        raise ConnectionError("gone")

    monkeypatch.setattr(import_runs, "_record_chunk", broken)
    run = import_runs.import_run_process(run_id=run.pk, give_up_on_error=True)

    assert run.status == "failed" and "ConnectionError" in run.error
    assert not private_storage.exists(stored) and not run.file
    assert Site.objects.count() == 0


def test_the_file_is_kept_in_the_private_storage():
    assert ImportRun._meta.get_field("file").storage is private_storage


# --- The command line ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_a_file_showing_its_progress_and_the_invalid_rows(taxonomy, tmp_path):
    path = tmp_path / "betriebe.csv"
    path.write_text(producers_csv(600), encoding="utf-8")
    out, err = StringIO(), StringIO()

    call_command("import_records", "producers.Producer", str(path), stdout=out, stderr=err)

    progress = err.getvalue()
    assert "200 of 600 rows" in progress and "400 of 600 rows" in progress
    assert "600 of 600 rows" in progress
    report = out.getvalue()
    assert "done, 600 of 600 rows; new 598, updated 0, unchanged 0, invalid 2" in report
    assert "Row 5: postcode:" in report and "Row 450: postcode:" in report
    assert Producer.objects.count() == 598
    run = ImportRun.objects.get()
    assert not run.file and not any(private_storage.listdir("imports")[1])


@pytest.mark.django_db
def test_the_command_leaves_a_file_to_the_worker_and_shows_its_status(taxonomy, tmp_path):
    path = tmp_path / "betriebe.txt"
    path.write_text(producers_csv(10), encoding="utf-8")
    out = StringIO()

    call_command(
        "import_records", "producers.Producer", str(path), "--format", "csv", "--background",
        stdout=out,
    )  # fmt: skip

    run = ImportRun.objects.get(pk=int(out.getvalue()))
    assert import_jobs() == ["todo"] and Producer.objects.count() == 0
    status = StringIO()
    call_command("import_records", "--status", str(run.pk), stdout=status)
    assert f"Import run {run.pk} (producers.Producer, betriebe.txt): waiting, 0 of 10 rows" in (
        status.getvalue()
    )


@pytest.mark.django_db
def test_the_command_reads_xlsx_files_as_the_admin_does(taxonomy, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    for line in producers_csv(30).splitlines():
        workbook.active.append(line.split(","))
    path = tmp_path / "betriebe.xlsx"
    workbook.save(path)
    out = StringIO()

    call_command("import_records", "producers.Producer", str(path), stdout=out, stderr=StringIO())

    assert "done, 30 of 30 rows; new 29, updated 0, unchanged 0, invalid 1" in out.getvalue()
    assert Producer.objects.count() == 29


@pytest.mark.django_db
def test_the_command_refuses_records_without_a_spreadsheet_import(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no spreadsheet import"):
        call_command("import_records", "fabtown.AccessibilityFeedback", str(path))
    assert not ImportRun.objects.exists()
