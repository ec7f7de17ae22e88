import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fabtown.backups import (
    BackupError,
    backup_check_restorable,
    backup_read,
    backup_restore,
    client_older_than_server,
    database_label,
    migrations_apply_missing,
    pg_client,
    row_counts,
)


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by backup_database (make backup), in one "
        "transaction, then apply the migrations the backup is missing. Prints the row counts of "
        "the main tables before and after."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", help="the backup file (backups/<database>-<time>.dump)")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="do not ask before replacing the database",
        )

    def handle(self, *args, backup: str, interactive: bool, **options) -> None:
        try:
            self._restore(Path(backup), interactive=interactive)
        except BackupError as error:
            raise CommandError(str(error)) from None

    def _restore(self, path: Path, *, interactive: bool) -> None:
        info = backup_read(path)
        backup_check_restorable(info)
        for tool in ("pg_restore", "psql"):
            if warning := client_older_than_server(pg_client(tool)):
                self.stderr.write(f"Warning: {warning}")
        target = database_label()
        self.stdout.write(
            f"Backup {info.path}: database {info.database}, made {info.created} "
            f"by pg_dump {info.pg_dump_version}."
        )
        if info.missing_migrations:
            self.stdout.write(
                f"The backup is older than the code: {len(info.missing_migrations)} "
                "migration(s) will be applied after the restore."
            )
        before = row_counts()
        self.stdout.write(f"Row counts before the restore ({target}):")
        for label, count in before.items():
            self.stdout.write(f"  {label:<20} {_count(count):>8}")
        if interactive:
            self._confirm(target)
        self.stdout.write(f"Restoring into {target} …")
        backup_restore(info)
        applied = migrations_apply_missing()
        if applied:
            self.stdout.write("Migrations applied after the restore: " + ", ".join(applied))
        else:
            self.stdout.write("Migrations: the restored database is up to date with the code.")
        self.stdout.write("Row counts after the restore (before → after):")
        for label, count in row_counts().items():
            self.stdout.write(f"  {label:<20} {_count(before[label]):>8} → {_count(count):>8}")

    def _confirm(self, target: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                "Nobody can confirm the restore here: run it with --no-input "
                "(make restore BACKUP=… NO_INPUT=1)."
            )
        answer = input(f'Everything in {target} is replaced by the backup. Type "yes" to go on: ')
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")


def _count(count: int | None) -> str:
    return "–" if count is None else str(count)
