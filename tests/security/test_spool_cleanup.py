"""Issue 15.6: an import killed with kill -9 leaves its spool folder behind; the next import
(or `quaestio setup`) removes the folders of importers that are no longer running."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile

import pytest

from quaestio.dumps.importer import import_dump
from quaestio.dumps.pipeline import SPOOL_PREFIX, remove_stale_spools
from tests.dumps.conftest import MINIMAL, write_dump


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _spool(folder, pid: int):
    path = folder / f"{SPOOL_PREFIX}{pid}-abc123"
    path.mkdir()
    (path / "7").write_bytes(b"a spooled batch")
    return path


def test_stale_spools_go_and_running_importers_keep_theirs(tmp_path):
    """A spool whose importer is dead is removed; one of a running process stays, and so does
    anything else in the temporary directory."""
    stale = _spool(tmp_path, _dead_pid())
    live = _spool(tmp_path, os.getpid())
    other = tmp_path / "quaestio-import-spool-notapid"
    other.mkdir()
    assert remove_stale_spools(str(tmp_path)) == [str(stale)]
    assert not stale.exists() and live.exists() and other.exists()


@pytest.mark.django_db
def test_the_next_import_removes_a_killed_imports_spool(tmp_path, monkeypatch):
    """Starting an import clears the spool a killed import left in the temporary directory."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    stale = _spool(temporary, _dead_pid())
    import_dump(write_dump(tmp_path / "d", MINIMAL), out=io.StringIO(), workers=1)
    assert not stale.exists()
    assert list(temporary.iterdir()) == []  # the import's own spool is gone too
