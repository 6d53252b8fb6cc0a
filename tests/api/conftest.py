"""Fixtures for the API tests: a fresh cache (quota and throttle counters) and a JSON client."""

from __future__ import annotations

import gzip
import json

import pytest


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
