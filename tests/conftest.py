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


@pytest.fixture(autouse=True)
def _no_page_cache_unless_asked(settings):
    """The anonymous page cache (web/page_cache.py) is invalidated by the services' writes; many
    tests arrange rows with the ORM directly, which no deployed site does, and would then read
    the page cached before. Off by default here; tests/web/test_page_cache*.py and
    test_thread_versions.py (every write path, through the services) turn it on."""
    settings.QUAESTIO_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _no_link_checks_to_the_internet(settings):
    """Tests never reach the internet: `daily-jobs` leaves links unchecked and dead links find
    no archived copy, unless a test (tests/linkcheck/) points the checker at its local server."""
    settings.QUAESTIO_LINKCHECK_DAILY = False
    settings.QUAESTIO_LINKCHECK_RESOLVER = "quaestio.linkcheck.resolvers.NullResolver"


@pytest.fixture
def demo(db):
    """The demo community, loaded by the same code `quaestio demo` runs."""
    from quaestio.demo.loader import load_demo

    return load_demo()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, view windows, cached sessions, the
    blocklist compiled for a database the previous test rolled back), and with no kept thread
    HTML: each test's database starts again at thread version 0, which a live site's never does.
    The default cache without Redis is a table of the test database, emptied with everything
    else when a test's transaction rolls back; other backends are cleared here."""
    from django.core.cache import caches

    from quaestio.core.shared_cache import DatabaseCache
    from quaestio.moderation.blocklist import forget_compiled
    from quaestio.posts.services import forget_recent_views
    from quaestio.web.thread_cache import thread_cache

    def forget() -> None:
        if not isinstance(caches["default"], DatabaseCache):
            caches["default"].clear()
        thread_cache().clear()
        forget_recent_views()
        forget_compiled()

    forget()
    yield
    forget()


@pytest.fixture
def api_operations(demo, settings):
    """Every operation of /2.3/openapi.json as schemathesis loads it, called in-process through
    WSGI on the demo data, with quotas out of the way.

    Calling the WSGI application directly fires request_started and request_finished, which
    would close the test's database connection: they are disconnected meanwhile, as Django's
    own test client does."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from quaestio.api.registry import ENDPOINTS
    from quaestio.wsgi import application

    settings.QUAESTIO_API_QUOTA_ANONYMOUS = 10**9
    settings.QUAESTIO_API_REQUESTS_PER_SECOND = 10**9
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/2.3/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= len(ENDPOINTS)
    yield operations
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
