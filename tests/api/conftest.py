"""Fixtures for the API tests: a fresh cache (quota and throttle counters) and a JSON client."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_counters():
    """Quota and throttle counters live in the cache; each test starts with a full quota."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(demo):
    """The demo community, with the search room's index built when that room is installed
    (the loader bulk-loads rows, so nothing indexes them as they are written)."""
    try:
        from quaestio.search.services import reindex_all
    except ImportError:
        return demo
    reindex_all()
    return demo


@pytest.fixture(autouse=True)
def static_without_collectstatic(settings):
    """Pages (the tokens page) render without `collectstatic`: plain static storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class ApiClient:
    def __init__(self, client) -> None:
        self.client = client

    def get(self, path: str, **params):
        response = self.client.get(f"/2.3/{path}", params)
        return response, _json(response)

    def post(self, path: str, **data):
        response = self.client.post(f"/2.3/{path}", data)
        return response, _json(response)


def _json(response):
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    try:
        return json.loads(body)
    except ValueError:
        return None


@pytest.fixture
def api(client):
    return ApiClient(client)
