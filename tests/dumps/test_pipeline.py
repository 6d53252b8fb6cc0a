"""The parsing process and the steps between files: errors surface with file, line and row id,
the spool is bounded and cleaned up, and a refused import leaves indexes and keys as they were.

The import tests elsewhere run inside the test's transaction; these run the import as the
command does, outside any transaction (transaction=True), where the importer turns SQLite's
per-row foreign-key checks off (its own checks name the row instead) and PostgreSQL's foreign
keys are dropped for the load.
"""

from __future__ import annotations

import os
import tempfile

import pytest
from django.db import connection

from quaestio.dumps import pipeline
from quaestio.dumps.errors import DumpError
from quaestio.dumps.importer import import_dump
from tests.dumps.conftest import MINIMAL, table_counts, write_dump

pytestmark = pytest.mark.django_db(transaction=True)


def _schema() -> set[tuple]:
    """Every index and foreign key of the database, by name and definition."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE type = 'index'")
            found = set(cursor.fetchall())
            cursor.execute("PRAGMA foreign_keys")
            found.add(("foreign_keys pragma", cursor.fetchone()[0], None))
            return found
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        found = set(cursor.fetchall())
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f'"
        )
        return found | set(cursor.fetchall())


@pytest.fixture(autouse=True)
def private_temp_dir(tmp_path, monkeypatch):
    """This test's own temporary folder for the spool: other imports running at the same time
    (another test run on this machine) spool into the shared one, and _spools compares it."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


def _spools() -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("quaestio-import-spool-")}


def _refused(folder, quiet, **options) -> DumpError:
    counts, schema, spools = table_counts(), _schema(), _spools()
    with pytest.raises(DumpError) as caught:
        import_dump(folder, out=quiet, **options)
    assert table_counts() == counts, "a refused import must leave the rows as they were"
    assert _schema() == schema, "a refused import must leave indexes and keys as they were"
    assert _spools() == spools, "the parsing process's spool must be removed"
    return caught.value


def test_a_badge_of_a_missing_user_is_refused_by_line_outside_a_transaction(tmp_path, quiet):
    """With the per-row foreign-key checks off for the load, the importer's own check still
    refuses a reference to nothing (here in the last big file, after the steps of the files
    before it built their indexes and wrote the ledger) and names file, line and row id."""
    files = dict(MINIMAL)
    files["Badges"] = MINIMAL["Badges"] + [
        '<row Id="2" UserId="404" Name="Student" Date="2014-01-21T20:52:16.970" Class="3" '
        'TagBased="False" />'
    ]
    error = _refused(write_dump(tmp_path / "d", files), quiet)
    assert (error.file, error.line, error.row_id) == ("Badges.xml", 4, "2")
    assert "UserId=404" in error.message


def test_the_parsing_process_error_in_a_later_file_names_file_line_and_row(tmp_path, quiet):
    """A bad value found by the parsing process while the importer is still on earlier files
    reaches the importer in file order, with file, line and row id; nothing is kept."""
    files = dict(MINIMAL)
    files["Votes"] = MINIMAL["Votes"] + [
        '<row Id="2" PostId="1" VoteTypeId="two" CreationDate="2014-01-21T00:00:00.000" />'
    ]
    error = _refused(write_dump(tmp_path / "d", files), quiet, workers=1)
    assert (error.file, error.line, error.row_id) == ("Votes.xml", 4, "2")
    assert "VoteTypeId='two'" in error.message


def test_a_successful_import_restores_indexes_and_checks(generated, quiet):
    """After the import every index and foreign key is back, SQLite checks references per row
    again, and the spool is gone."""
    schema, spools = _schema(), _spools()
    report = import_dump(generated, out=quiet)
    assert report.rows > 1000
    assert _schema() == schema
    assert _spools() == spools


def test_a_spool_of_one_batch_gives_the_same_rows(generated, quiet, monkeypatch):
    """The parsing process waits whenever the importer has not read its last batch yet (the
    bound on the spool); many small batches still give every row, in order."""
    monkeypatch.setattr(pipeline, "SPOOL_AHEAD", 1)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 8 * 1024)
    report = import_dump(generated, out=quiet, workers=1)
    counts = table_counts()
    for table, name in (("posts_post", "Posts.xml"), ("votes_vote", "Votes.xml")):
        assert counts[table] == next(r.rows for r in report.files if r.name == name)


def test_a_bad_value_before_malformed_xml_in_the_same_batch_is_the_error(tmp_path, quiet):
    """Rows are converted a batch at a time: a bad value earlier in the file than a malformed
    spot of the same batch (but in an earlier read of the file) is still the error reported,
    as it comes first."""
    files = dict(MINIMAL)
    valid = [
        f'<row Id="{n}" PostId="1" VoteTypeId="2" CreationDate="2014-01-21T00:00:00.000" />'
        for n in range(3, 1_500)  # about 120 KB: the malformed row is read separately
    ]
    files["Votes"] = [
        *MINIMAL["Votes"],
        '<row Id="2" PostId="1" VoteTypeId="two" CreationDate="2014-01-21T00:00:00.000" />',
        *valid,
        '<row Id="9999" PostId="1" VoteTypeId="2" <broken',
    ]
    error = _refused(write_dump(tmp_path / "d", files), quiet)
    assert (error.file, error.line, error.row_id) == ("Votes.xml", 4, "2")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
def test_postgresql_vacuums_the_loaded_tables_after_the_commit(generated, quiet):
    """Once the import has committed (here, as from the command, outside a transaction), the
    loaded tables are vacuumed: their pages all-visible, so index-only scans of the lists
    read no table pages."""
    report = import_dump(generated, out=quiet)
    assert "vacuum and analyze the loaded tables" in report.phases
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible, relpages FROM pg_class WHERE relname = 'posts_post'")
        all_visible, pages = cursor.fetchone()
    assert pages > 0 and all_visible == pages
