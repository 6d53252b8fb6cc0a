"""Upgrades: a database is brought up to the code's migrations with a progress bar, and a
database written by a newer release is refused before anything touches it (running old code
on it could write rows the newer schema does not expect, and nothing undoes that)."""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from quaestio.backups.archive import BackupError
from quaestio.core.progress import progress_bar


class NewerDatabaseError(BackupError):
    """The database holds migrations this code does not know."""


def unknown_migrations(applied: list[tuple[str, str]]) -> list[str]:
    """Applied migrations, of apps this code has, that this code does not have."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {config.label for config in apps.get_app_configs()}
    return [
        f"{app}.{name}"
        for app, name in applied
        if app in ours and (app, name) not in loader.disk_migrations
    ]


def refuse_newer(applied: list[tuple[str, str]], what: str = "this database") -> None:
    unknown = unknown_migrations(applied)
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise NewerDatabaseError(
            f"{what} was written by a newer release of Quaestio (it has migrations this release "
            f"lacks: {shown}). Install that release or a newer one; running this one could "
            "damage the data. Nothing was changed."
        )


def refuse_newer_database(alias: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[alias]
    if "django_migrations" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        refuse_newer(list(cursor.fetchall()))


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> int:
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def migrate_with_progress(alias: str = DEFAULT_DB_ALIAS) -> int:
    """Apply every pending migration, drawing a bar when there are any; returns how many."""
    refuse_newer_database(alias)
    total = pending_migrations(alias)
    if total:
        command = ProgressMigrate(progress_bar("migrations"), total)
        # Django's own lines ("Applying posts.0003… OK") go nowhere: the bar says it.
        call_command(command, interactive=False, verbosity=1, stdout=io.StringIO())
        refresh_sqlite_statistics(alias)
    else:
        call_command("migrate", interactive=False, verbosity=0)  # post-migrate hooks still run
    return total


def refresh_sqlite_statistics(alias: str = DEFAULT_DB_ALIAS) -> None:
    """After migrations on SQLite, planner statistics for every index, new ones included:
    SQLite never analyses by itself, and an index without statistics can lose to a worse one
    (the lists' partial indexes did, dumps/importer.py). A sampled ANALYZE (analysis_limit)
    costs about the same at any size."""
    target = connections[alias]
    if target.vendor != "sqlite":
        return
    with target.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 1000")
        cursor.execute("ANALYZE")


class ProgressMigrate(MigrateCommand):
    """Django's migrate, reporting each applied migration to a progress bar."""

    def __init__(self, report, total: int) -> None:
        super().__init__()
        self.report = report
        self.total = total
        self.applied = 0

    def migration_progress_callback(self, action, migration=None, fake=False):
        if action == "apply_success":
            self.applied += 1
            self.report(min(self.applied, self.total), self.total)
