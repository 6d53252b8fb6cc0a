"""Shared fixtures: the real database (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import pytest

from tests.writing_support import ask, make_user  # noqa: F401  (fixtures for every test folder)


@pytest.fixture(autouse=True, scope="session")
def _static_files_without_collectstatic():
    """Pages link static files by name; the hashed manifest exists only after collectstatic,
    which the server runs and the test suite does not need."""
    from django.test import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture
def demo(db):
    """The demo community, loaded by the same code `quaestio demo` runs."""
    from quaestio.demo.loader import load_demo

    return load_demo()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, view windows, cached sessions)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def connections_kept_open():
    """Calling the WSGI application directly (as schemathesis does) fires request_started and
    request_finished, which would close the test's database connection; Django's own test client
    disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
