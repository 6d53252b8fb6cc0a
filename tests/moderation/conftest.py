"""The API client of tests/api, for the closing fields."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """test_deletion_race.py reruns itself with a file SQLite database (see tests/votes)."""
    import os

    from tests.votes.conftest import SQLITE_FILE

    path = os.environ.get(SQLITE_FILE)
    if path:
        from django.conf import settings

        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = path
