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
