"""The API client of tests/api, for the closing fields."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient


@pytest.fixture
def api(client):
    return ApiClient(client)
