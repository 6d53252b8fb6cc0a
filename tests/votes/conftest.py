"""The SQLite concurrency tests need a database file: the suite's in-memory SQLite (shared
cache) refuses a second writer at once ("database table is locked") where a file makes it wait.
test_concurrency.py runs itself in a separate pytest process with QUAESTIO_TEST_SQLITE_FILE set;
only that process's test database is a file."""

from __future__ import annotations

import os

import pytest

SQLITE_FILE = "QUAESTIO_TEST_SQLITE_FILE"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    path = os.environ.get(SQLITE_FILE)
    if path:
        from django.conf import settings

        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = path


def rerun_on_sqlite_file(test_file: str, tmp_path) -> str:
    """Run a test file in a separate pytest process whose SQLite test database is a file;
    assert it passed and return its progress line (one "." per test passed, "s" skipped)."""
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, SQLITE_FILE: str(tmp_path / "races.sqlite3")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:warnings", "-p", "no:cacheprovider"]
        + [test_file],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result.stdout.split("[")[0].strip()
