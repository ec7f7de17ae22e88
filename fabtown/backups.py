"""Backups of the whole database with pg_dump, and their restore (README, "Backups").

Both use Django's own connection (`DATABASES["default"]`; in the suite the test database). The
password reaches the PostgreSQL clients through their environment, never their command line,
which every user of the machine can read.
"""

import datetime
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# Debian installs one client per major version side by side; the newest reads every server
# and every archive the older ones can.
PG_LIB = Path("/usr/lib/postgresql")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
# <database>-<UTC time>.dump, and the hidden .partial file a running or crashed pg_dump writes
BACKUP_NAME = re.compile(r"^\.?(?P<database>.+)-(?P<stamp>\d{8}T\d{6}Z)\.dump(?:\.partial)?$")


def pg_client(tool: str) -> Path:
    """The newest installed PostgreSQL client program `tool` (pg_dump, pg_restore, psql)."""
    installed = []
    for bindir in PG_LIB.glob("*/bin"):
        if bindir.parent.name.isdigit() and (bindir / tool).is_file():
            installed.append((int(bindir.parent.name), bindir / tool))
    if installed:
        return max(installed)[1]
    found = shutil.which(tool)
    if found is None:
        raise BackupError(
            f"{tool} was not found: install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client)."
        )
    return Path(found)


def client_version(tool: Path) -> str:
    """The version `tool` reports: "15.18" for "pg_dump (PostgreSQL) 15.18 (Debian …)"."""
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\)\s*(\d+(?:\.\d+)?)", out) or re.search(r"(\d+(?:\.\d+)?)", out)
    if match is None:
        raise BackupError(f"{tool} --version did not say which version it is: {out.strip()!r}")
    return match[1]


def server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _major(version: str) -> int:
    return int(version.split(".")[0])


def client_older_than_server(tool: Path) -> str | None:
    """A warning if `tool` is older than the database server, else None."""
    version = client_version(tool)
    server = server_major()
    if _major(version) >= server:
        return None
    return (
        f"{tool} is version {version}, older than the database server (PostgreSQL {server}). "
        f"Install the client of version {server} or newer (Debian: postgresql-client-{server})."
    )


def database_label() -> str:
    """Which database this is, without the password: 'database "fabtown" on host:port'."""
    settings_dict = connection.settings_dict
    host = settings_dict.get("HOST") or "the local socket"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f'database "{settings_dict["NAME"]}" on {host}{port}'


def _invocation(tool: Path, *options: str) -> tuple[list[str], dict[str, str]]:
    """The command line (host, port, user, database; no password) and environment of `tool`."""
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, [])
    # -w: never wait for a password prompt (cron and systemd have nobody to answer it)
    return [str(tool), "-w", *options, *args[1:]], {
        **os.environ,
        **(env or {}),
        "PGAPPNAME": "fabtown-backup",
    }


def _last_lines(text: str, returncode: int, count: int = 8) -> str:
    text = text.strip()
    if not text:
        return f"(it stopped with exit status {returncode} and no message)"
    return "\n".join(text.splitlines()[-count:])


# --- Backup -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    pg_dump_version: str
    removed: list[Path] = field(default_factory=list)


def backup_create(
    *, directory: Path, keep_days: int, now: datetime.datetime | None = None
) -> BackupResult:
    """Dump the whole database into `directory`, then delete backups older than `keep_days`."""
    if keep_days < 1:
        raise BackupError(f"Backups must be kept at least one day (not {keep_days}).")
    now = now or datetime.datetime.now(datetime.UTC)
    pg_dump = pg_client("pg_dump")
    if too_old := client_older_than_server(pg_dump):
        raise BackupError(f"{too_old} pg_dump cannot back up a newer server.")
    version = client_version(pg_dump)
    directory = directory.resolve()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"Cannot create the backup directory {directory}: {error}") from None
    name = f"{connection.settings_dict['NAME']}-{now.strftime(STAMP_FORMAT)}.dump"
    target = directory / name
    # pg_dump writes into a hidden file that becomes the backup only when it succeeded, so a
    # failed run never leaves a file that looks like a backup (nor prunes the old ones).
    partial = directory / f".{name}.partial"
    # Unlogged tables (the rate counters) keep their structure but not their rows: counters
    # are worthless after a restore. Uploads are not in the database: they stay where
    # STORAGES keeps them (MEDIA_ROOT, or the bucket) and are backed up there (README).
    args, env = _invocation(pg_dump, "--format=custom", "--no-unlogged-table-data")
    try:
        # Owner-only from the first byte: a backup holds everyone's personal data.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise BackupError(f"Cannot write into the backup directory {directory}: {error}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            result = subprocess.run(args, stdout=out, stderr=subprocess.PIPE, env=env, check=False)
        if result.returncode != 0:
            stderr = result.stderr.decode(errors="replace")
            message = _last_lines(stderr, result.returncode)
            raise BackupError(f"pg_dump failed, no backup was made:\n{message}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    removed = backups_prune(directory=directory, keep_days=keep_days, now=now)
    return BackupResult(
        path=target, size=target.stat().st_size, pg_dump_version=version, removed=removed
    )


def backups_prune(*, directory: Path, keep_days: int, now: datetime.datetime) -> list[Path]:
    """Delete the backups in `directory` made more than `keep_days` days before `now`.

    Only files named like our backups are touched; the time comes from the name, which a copy
    or a `touch` does not change.
    """
    cutoff = now - datetime.timedelta(days=keep_days)
    removed = []
    for path in sorted(directory.iterdir()):
        match = BACKUP_NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        made = datetime.datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=datetime.UTC)
        if made < cutoff:
            path.unlink()
            removed.append(path)
    return removed


# --- Restore ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: str
    database: str
    pg_dump_version: str
    # "app.migration" the code does not know: the backup comes from newer code
    unknown_migrations: list[str]
    # "app.migration" of the code that the backup lacks: applied after the restore
    missing_migrations: list[str]


def backup_read(path: Path) -> BackupInfo:
    """Check that `path` is a readable pg_dump archive of a FabTown database; changes nothing."""
    if not path.exists():
        raise BackupError(f"There is no backup at {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if not os.access(path, os.R_OK):
        raise BackupError(f"{path} cannot be read (permissions).")
    pg_restore = pg_client("pg_restore")
    listing = subprocess.run(
        [pg_restore, "--list", path], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        message = _last_lines(listing.stderr, listing.returncode)
        raise BackupError(
            f"{path} is not a backup pg_restore {client_version(pg_restore)} can read "
            f"(expected a pg_dump archive in custom format):\n{message}"
        )

    def header(label: str) -> str:
        match = re.search(rf"^;\s*{label}:?\s*(.*)$", listing.stdout, re.MULTILINE)
        return match[1].strip() if match else "?"

    applied = _applied_migrations(pg_restore, path)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = sorted(m for m in applied if m[0] in loader.migrated_apps and m not in known)
    missing = sorted(m for m in known if m not in applied)
    return BackupInfo(
        path=path,
        created=header("Archive created at"),
        database=header("dbname"),
        pg_dump_version=header("Dumped by pg_dump version"),
        unknown_migrations=[f"{app}.{name}" for app, name in unknown],
        missing_migrations=[f"{app}.{name}" for app, name in missing],
    )


def _applied_migrations(pg_restore: Path, path: Path) -> set[tuple[str, str]]:
    """The rows of django_migrations in the archive, read without restoring anything."""
    result = subprocess.run(
        [pg_restore, "--data-only", "--table=django_migrations", "--file=-", path],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = iter(result.stdout.splitlines())
    for line in lines:
        if match := re.match(r"^COPY \S*django_migrations \((.*)\) FROM stdin;$", line):
            columns = [column.strip() for column in match[1].split(",")]
            break
    else:
        raise BackupError(
            f"{path} holds no table django_migrations: it is not a backup of this platform."
        )
    app, name = columns.index("app"), columns.index("name")
    applied = set()
    for line in lines:
        if line == "\\.":
            break
        values = line.split("\t")
        applied.add((values[app], values[name]))
    return applied


# Empties the schema before the archive is restored into it, so that the database becomes the
# backup and nothing else: a table that a newer migration created would otherwise survive, and
# migrating afterwards would stumble over it. Objects of extensions (PostGIS, its
# spatial_ref_sys) stay: the extension belongs to the server's installation, and dropping it
# would need rights the site's role usually lacks. The lock timeout makes a restore that waits
# for a busy site fail instead of hanging.
CLEAR_SCHEMA = r"""
BEGIN;
SET lock_timeout = '60s';
DO $clear$
DECLARE
    statement text;
BEGIN
    -- Tables before sequences: an identity column's sequence goes with its table.
    FOREACH statement IN ARRAY ARRAY(
        SELECT drop_statement FROM (
            SELECT CASE c.relkind WHEN 'S' THEN 2 ELSE 1 END AS priority,
                   format('DROP %s IF EXISTS %I.%I CASCADE',
                          CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                         WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                                         ELSE 'TABLE' END,
                          n.nspname, c.relname) AS drop_statement
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 3, format('DROP %s IF EXISTS %I.%I(%s) CASCADE',
                             CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                                            ELSE 'FUNCTION' END,
                             n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public'
              AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                              AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 4, format('DROP %s IF EXISTS %I.%I CASCADE',
                             CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                             n.nspname, t.typname)
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_class r ON r.oid = t.typrelid
            WHERE n.nspname = 'public'
              AND (t.typtype IN ('d', 'e', 'r') OR (t.typtype = 'c' AND r.relkind = 'c'))
              AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                              AND d.objid = t.oid AND d.deptype = 'e')
        ) AS objects
        ORDER BY priority
    ) LOOP
        EXECUTE statement;
    END LOOP;
END
$clear$;
"""


def _restore_list(pg_restore: Path, path: Path) -> str:
    """The archive's table of contents without what belongs to an extension's installation.

    The extension itself stays in (pg_dump writes CREATE EXTENSION IF NOT EXISTS, which creates
    PostGIS in an empty database and passes over an installed one); its comment and the rows
    of its configuration tables (spatial_ref_sys: tables the archive has data but no
    definition for) would need the extension owner's rights and are left as installed.
    """
    listing = subprocess.run(
        [pg_restore, "--list", path], capture_output=True, text=True, check=True
    ).stdout
    entry = re.compile(r"^\d+; \d+ \d+ (?P<kind>TABLE DATA|TABLE|COMMENT) (?P<what>\S+ \S+)")
    tables = {
        m["what"]
        for line in listing.splitlines()
        if (m := entry.match(line)) and m["kind"] == "TABLE"
    }
    kept = []
    for line in listing.splitlines():
        match = entry.match(line)
        if match and (
            (match["kind"] == "COMMENT" and match["what"].startswith("- EXTENSION"))
            or (match["kind"] == "TABLE DATA" and match["what"] not in tables)
        ):
            line = f";{line}"
        kept.append(line)
    return "\n".join(kept) + "\n"


def backup_check_restorable(info: BackupInfo) -> None:
    """Refuse a backup of a newer version of the platform: this code cannot migrate it."""
    if info.unknown_migrations:
        raise BackupError(
            f"{info.path} comes from newer code: it has migrations this checkout does not know "
            f"({', '.join(info.unknown_migrations)}). Restore it with the version of the "
            "platform that made it. Nothing was changed."
        )


def backup_restore(info: BackupInfo) -> None:
    """Replace the whole database with the backup, in one transaction: if anything fails,
    nothing has changed."""
    backup_check_restorable(info)
    pg_restore = pg_client("pg_restore")
    psql = pg_client("psql")
    psql_args, env = _invocation(psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1")
    # Django's own sessions must not hold locks on the tables the restore drops.
    connections.close_all()
    with tempfile.TemporaryDirectory(prefix="fabtown-restore-") as tmp:
        toc = Path(tmp) / "restore.list"
        toc.write_text(_restore_list(pg_restore, info.path))
        restore_errors = open(Path(tmp) / "pg_restore.err", "w+b")  # noqa: SIM115
        psql_errors = open(Path(tmp) / "psql.err", "w+b")  # noqa: SIM115
        with restore_errors, psql_errors:
            psql_process = subprocess.Popen(
                psql_args,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
                env=env,
            )
            restore_process = subprocess.Popen(
                [
                    pg_restore,
                    # Objects belong to the role of DATABASE_URL, grants to other roles are
                    # left out: the backup restores on another server with other roles too.
                    "--no-owner",
                    "--no-privileges",
                    f"--use-list={toc}",
                    "--file=-",
                    info.path,
                ],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
            )
            psql_alive = True
            try:
                psql_process.stdin.write(CLEAR_SCHEMA.encode())
                shutil.copyfileobj(restore_process.stdout, psql_process.stdin, 1 << 16)
            except BrokenPipeError:
                psql_alive = False
                restore_process.kill()
            restore_process.stdout.close()
            restored = restore_process.wait() == 0 and psql_alive
            try:
                # psql commits only when the whole archive went through; otherwise its end of
                # input closes the session and PostgreSQL rolls the transaction back.
                if restored:
                    psql_process.stdin.write(b"COMMIT;\n")
                psql_process.stdin.close()
            except BrokenPipeError:
                restored = False
            psql_status = psql_process.wait()
            restore_errors.seek(0)
            psql_errors.seek(0)
            if psql_status != 0:
                raise BackupError(
                    "The restore failed; nothing was changed (it runs in one transaction):\n"
                    + _last_lines(psql_errors.read().decode(errors="replace"), psql_status)
                )
            if not restored:
                raise BackupError(
                    f"pg_restore could not read all of {info.path}; nothing was changed:\n"
                    + _last_lines(
                        restore_errors.read().decode(errors="replace"), restore_process.returncode
                    )
                )


def migrations_apply_missing() -> list[str]:
    """Bring a restored database that is older than the code up to date; the names applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    try:
        if plan:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
    except Exception as error:
        raise BackupError(
            f"The backup is restored, but applying its missing migrations ({', '.join(names)}) "
            f"failed: {error}. Run manage.py migrate to see the details."
        ) from error
    return names


# --- Row counts ---------------------------------------------------------------------------------


def main_tables() -> list[tuple[str, type]]:
    from label.models import LabelApplication, LabelDecision, Membership
    from measures.models import Measure
    from producers.models import Producer
    from vacancies.models import InterimUse, SearchArea, Site

    return [
        ("producers", Producer),
        ("sites", Site),
        ("search areas", SearchArea),
        ("interim uses", InterimUse),
        ("measures", Measure),
        ("memberships", Membership),
        ("label applications", LabelApplication),
        ("label decisions", LabelDecision),
        ("users", get_user_model()),
    ]


def row_counts() -> dict[str, int | None]:
    """Rows of the main tables; None for a table the database does not have (yet)."""
    counts: dict[str, int | None] = {}
    with connection.cursor() as cursor:
        for label, model in main_tables():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if cursor.fetchone()[0]:
                cursor.execute(f"SELECT count(*) FROM {table}")
                counts[label] = cursor.fetchone()[0]
            else:
                counts[label] = None
    return counts
