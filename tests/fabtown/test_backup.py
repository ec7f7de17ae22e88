"""Backups: `make backup` / `make restore` bring back exactly what was there (README, "Backups").

Every test dumps and restores the pytest test database, never the development one.
"""

import datetime
import os
import re
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from fabtown import backups
from label.models import LabelApplication, LabelDecision, Membership
from measures.models import Measure
from producers.models import Producer
from tests.factories import (
    InterimUseFactory,
    LabelApplicationFactory,
    MeasureFactory,
    MembershipFactory,
    ProducerFactory,
    SearchAreaFactory,
    StaffFactory,
)
from vacancies.models import InterimUse, SearchArea, Site

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = [
    Producer,
    Site,
    SearchArea,
    InterimUse,
    Measure,
    Membership,
    LabelApplication,
    LabelDecision,
    get_user_model(),
]
BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture
def backup_dir(settings, tmp_path) -> Path:
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


@pytest.fixture
def records():
    """Committed records in every main table, a board decision among them."""
    membership = MembershipFactory()
    InterimUseFactory()
    SearchAreaFactory()
    MeasureFactory()
    application = LabelApplicationFactory(producer=membership.producer)
    LabelDecision.objects.create(
        application=application,
        from_status="submitted",
        to_status="in_review",
        decided_by=StaffFactory(),
        decided_at=timezone.now(),
        reason="Vollständig",
    )
    return membership


def _snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def _backup(*args: str) -> tuple[Path, str]:
    out = StringIO()
    call_command("backup_database", *args, stdout=out)
    output = out.getvalue()
    return Path(output.splitlines()[-1]), output


def _restore(path: Path) -> str:
    out = StringIO()
    call_command("restore_database", str(path), "--no-input", stdout=out)
    return out.getvalue()


def _count_line(output: str, label: str) -> str:
    return re.search(rf"^  {label} .*$", output.split("after the restore")[1], re.MULTILINE)[0]


def test_a_restore_brings_back_every_record_exactly_as_it_was_backed_up(backup_dir, records):
    before_backup = _snapshot()
    path, output = _backup()

    # The last line is the path alone; the file is the test database's, readable by its owner.
    assert path.parent == backup_dir.resolve()
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert re.fullmatch(rf"{connection.settings_dict['NAME']}-\d{{8}}T\d{{6}}Z\.dump", path.name)
    assert connection.settings_dict["NAME"].startswith("test_")
    assert backups.backup_read(path).database == connection.settings_dict["NAME"]

    Producer.objects.filter(pk=records.producer.pk).update(
        name="Überschrieben", location=GEOSGeometry("SRID=4326;POINT(7.3 51.5)")
    )
    InterimUse.objects.all().delete()
    Site.objects.all().delete()
    LabelApplication.objects.all().delete()  # and the board's decision
    ProducerFactory(name="Erst nach der Sicherung angelegt")
    producers_before_restore = Producer.objects.count()

    output = _restore(path)

    assert _snapshot() == before_backup
    assert re.search(r"^  sites +0$", output, re.MULTILINE)  # the counts before the restore
    assert re.fullmatch(
        rf"  producers +{producers_before_restore} → +{producers_before_restore - 1}",
        _count_line(output, "producers"),
    )
    assert re.fullmatch(r"  sites +0 → +1", _count_line(output, "sites"))
    assert re.fullmatch(r"  label decisions +0 → +1", _count_line(output, "label decisions"))
    assert "up to date with the code" in output
    # The database's own rules came back with the tables: decisions still cannot be changed.
    with pytest.raises(DatabaseError), transaction.atomic():
        LabelDecision.objects.update(reason="nachträglich geändert")


def test_a_restore_into_a_database_with_newer_tables_leaves_only_the_backup(backup_dir, records):
    path, _ = _backup()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE backup_test_newer (id serial PRIMARY KEY, "
            "producer_id bigint REFERENCES producers_producer (id), point geometry(Point, 4326))"
        )
    try:
        _restore(path)

        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('backup_test_newer')")
            assert cursor.fetchone()[0] is None
    finally:
        # a table the test database does not know would break the flush of every later test
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS backup_test_newer")


@pytest.fixture
def label_one_migration_behind():
    """The test database without label's latest migration, as an older release left it.

    That migration only moves photos to private storage: it changes no table, so it can be
    undone and redone here. Whatever the test does, the database is migrated again after it.
    """
    call_command("migrate", "label", "0004_label_decisions_are_immutable", verbosity=0)
    yield
    call_command("migrate", verbosity=0)


def test_a_backup_older_than_the_code_gets_the_missing_migrations_after_the_restore(
    backup_dir, records, label_one_migration_behind
):
    path, _ = _backup()
    call_command("migrate", verbosity=0)
    info = backups.backup_read(path)
    assert "label.0005_application_photos_private" in info.missing_migrations

    output = _restore(path)

    assert re.search(
        r"^Migrations applied after the restore: .*label\.0005_application_photos_private",
        output,
        re.MULTILINE,
    )
    assert MigrationRecorder.Migration.objects.filter(
        app="label", name="0005_application_photos_private"
    ).exists()
    assert Membership.objects.filter(pk=records.pk).exists()


def test_a_backup_from_newer_code_is_refused_and_nothing_changes(backup_dir, records):
    MigrationRecorder.Migration.objects.create(app="label", name="9999_from_the_future")
    future = MigrationRecorder.Migration.objects.filter(app="label", name="9999_from_the_future")
    path, _ = _backup()
    future.delete()
    ProducerFactory(name="Nach der Sicherung")
    try:
        with pytest.raises(CommandError, match=r"newer code.*label\.9999_from_the_future"):
            _restore(path)

        assert Producer.objects.filter(name="Nach der Sicherung").exists()
    finally:
        # the flush after each test leaves django_migrations alone
        future.delete()


def test_a_restore_that_fails_in_the_database_changes_nothing(backup_dir, records):
    # The archive creates this schema, which is still there when it is restored.
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA backup_test_leftover")
    try:
        path, _ = _backup()
        Producer.objects.update(name="Nach der Sicherung")
        expected = _snapshot()

        with pytest.raises(CommandError, match="nothing was changed") as failure:
            _restore(path)

        assert "backup_test_leftover" in str(failure.value)
        assert _snapshot() == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS backup_test_leftover CASCADE")


def test_a_restore_whose_archive_breaks_off_changes_nothing(
    backup_dir, records, monkeypatch, tmp_path
):
    path, _ = _backup()
    Producer.objects.update(name="Nach der Sicherung")
    expected = _snapshot()
    # pg_restore that hands over the whole archive and then fails, as on a damaged file
    real = backups.pg_client("pg_restore")
    broken = tmp_path / "pg_restore"
    broken.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *--use-list*) "{real}" "$@"; echo "damaged block" >&2; exit 1;; esac\n'
        f'exec "{real}" "$@"\n'
    )
    broken.chmod(0o755)
    real_client = backups.pg_client
    monkeypatch.setattr(
        backups, "pg_client", lambda tool: broken if tool == "pg_restore" else real_client(tool)
    )

    with pytest.raises(CommandError, match=r"(?s)nothing was changed.*damaged block"):
        _restore(path)

    assert _snapshot() == expected


def test_a_restore_asks_first_and_refuses_where_nobody_can_answer(backup_dir, records):
    path, _ = _backup()
    Producer.objects.update(name="Nach der Sicherung")

    with pytest.raises(CommandError, match="--no-input"):
        call_command("restore_database", str(path), stdout=StringIO())  # stdin is no terminal

    assert set(Producer.objects.values_list("name", flat=True)) == {"Nach der Sicherung"}


def _test_database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}"
        f"@{db['HOST']}:{db['PORT']}/{quote(db['NAME'], safe='')}"
    )


def test_restoring_a_missing_file_says_so_and_exits_non_zero_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "restore_database", "--no-input", str(tmp_path / "x.dump")],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": _test_database_url()},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert f"There is no backup at {tmp_path / 'x.dump'}." in result.stderr
    assert "Traceback" not in result.stderr


def test_restoring_a_file_that_is_no_backup_says_so(tmp_path):
    not_a_backup = tmp_path / "notes.dump"
    not_a_backup.write_text("Einkaufsliste\n")

    with pytest.raises(CommandError, match=r"is not a backup pg_restore .* can read"):
        _restore(not_a_backup)


def _stamp(days_ago: float) -> str:
    made = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days_ago)
    return made.strftime(backups.STAMP_FORMAT)


def test_a_backup_deletes_the_backups_older_than_the_retention_period(backup_dir):
    backup_dir.mkdir()
    expired = backup_dir / f"fabtown-{_stamp(15)}.dump"
    crashed = backup_dir / f".fabtown-{_stamp(20)}.dump.partial"
    kept = backup_dir / f"fabtown-{_stamp(13)}.dump"
    unrelated = backup_dir / "fabtown-vor-dem-update.dump"
    for file in (expired, crashed, kept, unrelated):
        file.write_bytes(b"")

    path, output = _backup("--keep-days", "14")

    assert sorted(backup_dir.iterdir()) == sorted([kept, unrelated, path])
    assert f"Deleted 2 backup(s) older than 14 days: {crashed.name}, {expired.name}" in output


def test_a_failed_backup_leaves_no_file_and_deletes_no_old_backup(backup_dir, monkeypatch):
    backup_dir.mkdir()
    old = backup_dir / f"fabtown-{_stamp(30)}.dump"
    old.write_bytes(b"")
    real_client = backups.pg_client
    monkeypatch.setattr(
        backups,
        "pg_client",
        lambda tool: Path("/bin/false") if tool == "pg_dump" else real_client(tool),
    )
    monkeypatch.setattr(backups, "client_version", lambda tool: "99.0")

    with pytest.raises(CommandError, match="pg_dump failed, no backup was made"):
        _backup()

    assert list(backup_dir.iterdir()) == [old]


def test_a_client_older_than_the_server_is_named_with_the_package_to_install(
    backup_dir, monkeypatch
):
    monkeypatch.setattr(backups, "client_version", lambda tool: "9.6")

    with pytest.raises(CommandError, match=r"older than the database server.*postgresql-client-"):
        _backup()
