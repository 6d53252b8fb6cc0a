"""SQLite connection settings held for the length of an import: bounded memory, and references
checked by the importer's own queries rather than row by row (PostgreSQL needs neither)."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

# SQLite page cache for an import: enough for appending rows in id order (indexes are dropped
# meanwhile); the site's larger cache would only make the importer's memory grow with the dump
# until it is full.
IMPORT_CACHE_KIB = 8_000


@contextmanager
def sqlite_import_memory():
    """Keep an SQLite import's memory bounded and small.

    SQLite sorts (index builds) and collects rows to update in temporary storage; the site
    keeps that in memory (fast for page-sized work), which for a whole dump would grow with
    the dump: during an import it goes to temporary files instead (SQLite allows that switch
    only outside a transaction, so an import inside an outer transaction keeps the setting).
    The page cache is held at IMPORT_CACHE_KIB.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store")
        temp_store = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        if not connection.in_atomic_block:
            cursor.execute("PRAGMA temp_store = FILE")
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            if not connection.in_atomic_block:
                cursor.execute(f"PRAGMA temp_store = {int(temp_store)}")


@contextmanager
def sqlite_references_checked_by_importer():
    """SQLite: the import's references are checked by the importer's own queries, not row by
    row as they are inserted.

    Every foreign key of the loaded tables is either one of the references the importer
    checks once each file is loaded (checks.refuse_broken_references, which names the file,
    line and row) or one the importer makes itself (a post's tags, the ledger's users), so
    SQLite's own check per row only repeats the work: a probe of the parent table for each
    post, revision, comment and badge (about 1.5 s a million rows, measured in the importer's
    CPU time). SQLite allows the switch only outside a transaction: an import inside an
    outer one keeps the per-row checks as well.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    disabled = connection.disable_constraint_checking()
    try:
        yield
    finally:
        if disabled:
            connection.enable_constraint_checking()
