"""`quaestio restore`: put a backup back into an empty data directory or database, then check
that what came back is what the backup holds (rows per table) and that the site serves it (a
sample of pages). A restore never writes over a site: the target must be empty."""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from quaestio.backups.archive import (
    BackupError,
    Manifest,
    extract_member,
    member_names,
    verify_archive,
)
from quaestio.backups.snapshot import (
    SECRET_MEMBER,
    UPLOADS_PREFIX,
    Say,
    pg_cli_arguments,
    run_pg_tool,
)
from quaestio.backups.upgrade import migrate_with_progress, refuse_newer

SAMPLE_PAGES = 20


@dataclass
class RestoreReport:
    manifest: Manifest
    tables_checked: int = 0
    migrations_applied: int = 0
    pages_checked: list[str] = field(default_factory=list)


def restore_backup(archive: Path, say: Say = print, sample: int = SAMPLE_PAGES) -> RestoreReport:
    say(f"Checking {archive}…")
    manifest = verify_archive(archive)
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"this is a backup of a {manifest.vendor} site and the target is {connection.vendor}; "
            "restore it into the same kind of database (DATABASE_URL), or move between kinds "
            "with `quaestio export-dump` and `quaestio import-dump`"
        )
    refuse_newer([tuple(pair) for pair in manifest.migrations], what="this backup")
    require_empty_target()
    say(f"Restoring the {manifest.vendor} database taken at {manifest.created_at}…")
    if manifest.vendor == "sqlite":
        restore_sqlite(archive, manifest)
    else:
        restore_postgres(archive, manifest)
    report = RestoreReport(manifest)
    report.tables_checked = check_table_rows(manifest)
    restore_files(archive, say)
    say("Bringing the database up to this release…")
    report.migrations_applied = migrate_with_progress()
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages need them
    report.pages_checked = check_pages(sample)
    return report


def require_empty_target() -> None:
    tables = connection.introspection.table_names()
    if tables:
        name = settings.DATABASES["default"]["NAME"]
        raise BackupError(
            f"the database {name} already holds {len(tables)} tables; restore only goes into an "
            "empty one (create a new database, or point QUAESTIO_DATA_DIR at an empty "
            "directory). Nothing was changed."
        )
    uploads = uploads_root()
    if uploads and uploads.is_dir() and any(uploads.iterdir()):
        raise BackupError(f"{uploads} already holds files; restore into an empty data directory")


def restore_sqlite(archive: Path, manifest: Manifest) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    connection.close()  # the emptiness check opened (and so created) the file
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".restoring") as tmp:
        partial = Path(tmp.name)
    try:
        extract_member(archive, manifest.database_member, partial)
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def restore_postgres(archive: Path, manifest: Manifest) -> None:
    connection.close()
    with tempfile.TemporaryDirectory(prefix="quaestio-restore-") as work:
        dump = Path(work) / manifest.database_member
        extract_member(archive, manifest.database_member, dump)
        command = [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # a failed restore leaves the database as empty as it was
            "--exit-on-error",
            "--verbose",
            *pg_cli_arguments(),
            str(dump),
        ]
        run_pg_tool(
            command,
            "processing data for table",
            len(manifest.table_rows),
            "pg_restore failed and changed nothing",
        )


def check_table_rows(manifest: Manifest) -> int:
    """Every table holds the rows the snapshot held; raises BackupError listing any that do
    not."""
    differences = []
    with connection.cursor() as cursor:
        for table, expected in manifest.table_rows.items():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found = cursor.fetchone()[0]
            if found != expected:
                differences.append(f"{table}: {found:,} rows, the backup holds {expected:,}")
    if differences:
        raise BackupError(
            "the restored database differs from the backup: " + "; ".join(differences)
        )
    return len(manifest.table_rows)


def restore_files(archive: Path, say: Say) -> None:
    if not os.environ.get("QUAESTIO_SECRET_KEY") and SECRET_MEMBER in member_names(archive, ""):
        # The site's signed links and sessions were made with this key; a deployment that sets
        # QUAESTIO_SECRET_KEY keeps its own.
        secret = settings.DATA_DIR / "secret_key"
        extract_member(archive, SECRET_MEMBER, secret)
        secret.chmod(0o600)
    uploads = member_names(archive, UPLOADS_PREFIX)
    root = uploads_root()
    if uploads and root is None:
        raise BackupError("the backup holds uploads but this release has no MEDIA_ROOT for them")
    if uploads:
        say(f"Restoring {len(uploads):,} uploaded files…")
    for name in uploads:
        relative = Path(name[len(UPLOADS_PREFIX) :])
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"the backup names an unsafe upload path {name!r}")
        destination = root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        extract_member(archive, name, destination)


def uploads_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", None)
    return Path(root) if root else None


def check_pages(sample: int) -> list[str]:
    """Serve the home page and a random sample of question pages through the whole stack."""
    from django.test import Client

    from quaestio.core.links import question_url
    from quaestio.posts.models import Post, PostType

    questions = list(
        Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
        .order_by("-id")
        .values_list("id", "title")[:1000]
    )
    chosen = random.sample(questions, min(sample, len(questions)))
    paths = ["/"] + [question_url(pk, title) for pk, title in chosen]
    client = Client()
    for path in paths:
        response = client.get(path, follow=True)
        if response.status_code != 200:
            raise BackupError(f"the restored site answers {path} with {response.status_code}")
    return paths
