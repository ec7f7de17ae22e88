from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fabtown.backups import BackupError, backup_create, database_label


class Command(BaseCommand):
    help = (
        "Back up the whole database with pg_dump (custom format) into BACKUP_DIR and delete the "
        "backups there older than BACKUP_KEEP_DAYS days. The last line of the output is the "
        "new backup's path. Restore it with restore_database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir",
            dest="directory",
            help="where the backup goes (default: BACKUP_DIR, i.e. backups/)",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            help="delete backups older than this many days (default: BACKUP_KEEP_DAYS, 14)",
        )

    def handle(self, *args, directory: str | None, keep_days: int | None, **options) -> None:
        directory = Path(directory or settings.BACKUP_DIR)
        keep_days = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
        try:
            result = backup_create(directory=directory, keep_days=keep_days)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            f"Backed up {database_label()} with pg_dump {result.pg_dump_version} "
            f"({result.size / 1024:,.0f} KiB)."
        )
        if result.removed:
            self.stdout.write(
                f"Deleted {len(result.removed)} backup(s) older than {keep_days} days: "
                + ", ".join(path.name for path in result.removed)
            )
        # The last line is the path alone, for scripts: `path=$(make backup | tail -n 1)`.
        self.stdout.write(str(result.path))
