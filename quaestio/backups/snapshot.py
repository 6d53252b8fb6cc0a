"""`quaestio backup`: a consistent snapshot of a site that keeps serving while it is taken.

SQLite: the online backup API copies the database in one step inside a read transaction, which
WAL lets writers work beside; the row counts are then read from the copy itself.
PostgreSQL: one REPEATABLE READ transaction exports its snapshot, counts the rows in it, and
`pg_dump --snapshot` dumps exactly that snapshot, so the manifest and the dump agree to the row.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.db import connection

from quaestio.backups.archive import BackupError, Manifest, write_archive
from quaestio.core.progress import progress_bar

SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
SECRET_MEMBER = "secret_key"
UPLOADS_PREFIX = "uploads/"

Say = Callable[[str], None]


def default_backup_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return settings.DATA_DIR / "backups" / f"quaestio-backup-{stamp}.tar"


def make_backup(target: Path, say: Say = print) -> tuple[Manifest, str]:
    """Write a backup of the site to `target`; returns its manifest and SHA-256."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name or move it away")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        work_dir = Path(work)
        say(f"Taking a snapshot of the {connection.vendor} database…")
        manifest, database_file = database_snapshot(work_dir)
        members = {manifest.database_member: database_file}
        secret = settings.DATA_DIR / "secret_key"
        if secret.is_file():
            members[SECRET_MEMBER] = secret
        uploads = list(upload_files())
        if uploads:
            say(f"Adding {len(uploads):,} uploaded files…")
        members.update({UPLOADS_PREFIX + name: path for name, path in uploads})
        say("Writing the archive and its checksums…")
        digest = write_archive(target, manifest, members)
    return manifest, digest


def database_snapshot(work_dir: Path) -> tuple[Manifest, Path]:
    if connection.vendor == "sqlite":
        return sqlite_snapshot(work_dir)
    if connection.vendor == "postgresql":
        return postgres_snapshot(work_dir)
    raise BackupError(f"backing up a {connection.vendor} database is not supported")


def sqlite_snapshot(work_dir: Path) -> tuple[Manifest, Path]:
    source_path = Path(settings.DATABASES["default"]["NAME"])
    if not source_path.is_file():
        raise BackupError(f"there is no database at {source_path}; nothing to back up")
    copy_path = work_dir / SQLITE_MEMBER
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(copy_path)
    try:
        # pages=-1: one step, one read transaction, so writes that land meanwhile (WAL lets
        # them) are simply not in the copy, instead of restarting a paged copy for ever.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")
        rows = _table_rows(copy, _sqlite_tables(copy))
        migrations = copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    finally:
        copy.close()
        source.close()
    return _manifest("sqlite", SQLITE_MEMBER, rows, migrations), copy_path


def postgres_snapshot(work_dir: Path) -> tuple[Manifest, Path]:
    dump_path = work_dir / PG_MEMBER
    with snapshot_transaction() as (cursor, snapshot_id):
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        rows = _table_rows(cursor, tables)
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = cursor.fetchall()
        run_pg_dump(dump_path, snapshot_id, len(tables))
    return _manifest("postgresql", PG_MEMBER, rows, migrations), dump_path


@contextmanager
def snapshot_transaction() -> Iterator[tuple[object, str]]:
    """A read-only REPEATABLE READ transaction on its own connection, and its exported
    snapshot's id: valid for pg_dump until the transaction ends."""
    import psycopg

    conn = psycopg.connect(**pg_connect_arguments())
    try:
        with conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            yield cursor, snapshot_id
            cursor.execute("COMMIT")
    finally:
        conn.close()


def run_pg_dump(dump_path: Path, snapshot_id: str, table_count: int) -> None:
    command = [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        "--verbose",
        f"--snapshot={snapshot_id}",
        f"--file={dump_path}",
        *pg_cli_arguments(),
    ]
    run_pg_tool(command, "dumping contents of table", table_count, "pg_dump failed")


def run_pg_tool(command: list[str], table_marker: str, tables: int, failure: str) -> None:
    """Run pg_dump or pg_restore with --verbose, drawing a bar from the lines that name each
    table as it is done; raises BackupError with the tool's own error lines when it fails."""
    report, done, errors = progress_bar("tables"), 0, []
    try:
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=pg_environment())
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed; install PostgreSQL's client tools (Debian: "
            "postgresql-client) at the server's version or newer"
        ) from error
    for line in process.stderr:
        if table_marker in line:
            done += 1
            report(min(done, tables), tables)
        elif "error" in line.lower():
            errors.append(line.strip())
    if process.wait() != 0:
        raise BackupError(f"{failure}: " + ("; ".join(errors) or f"exit {process.returncode}"))
    if done < tables:
        report(tables, tables)


def pg_connect_arguments() -> dict[str, str]:
    db = settings.DATABASES["default"]
    arguments = {"dbname": db["NAME"], "user": db.get("USER") or None}
    arguments |= {"host": db.get("HOST") or None, "port": db.get("PORT") or None}
    arguments |= {"password": db.get("PASSWORD") or None}
    return {name: value for name, value in arguments.items() if value}


def pg_cli_arguments(dbname: str | None = None) -> list[str]:
    db = settings.DATABASES["default"]
    arguments = [f"--dbname={dbname or db['NAME']}"]
    if db.get("HOST"):
        arguments.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        arguments.append(f"--port={db['PORT']}")
    if db.get("USER"):
        arguments.append(f"--username={db['USER']}")
    return arguments


def pg_environment() -> dict[str, str]:
    password = settings.DATABASES["default"].get("PASSWORD")
    return os.environ | ({"PGPASSWORD": password} if password else {})


def upload_files() -> Iterator[tuple[str, Path]]:
    """(name relative to the uploads root, path) for every uploaded file (images in posts)."""
    root = getattr(settings, "MEDIA_ROOT", None)
    if not root or not Path(root).is_dir():
        return
    root = Path(root)
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


SAFE_TABLE = re.compile(r"^[A-Za-z0-9_]+$")


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
    ).fetchall()
    return [name for (name,) in rows]


def _table_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        if not SAFE_TABLE.match(table):
            raise BackupError(f"unexpected table name {table!r}")
        # sqlite3's and psycopg's execute() both return the cursor
        counts[table] = cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return counts


def _manifest(vendor: str, member: str, rows: dict[str, int], migrations) -> Manifest:
    return Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        vendor=vendor,
        database_member=member,
        table_rows=rows,
        migrations=[[app, name] for app, name in migrations],
        quaestio_version=version("quaestio"),
    )
