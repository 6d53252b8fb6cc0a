"""The OpenAPI document describes the whole API, and fuzzing it finds no server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
)

from quaestio.api.registry import ENDPOINTS  # noqa: E402

EXAMPLES_PER_OPERATION = 6


def test_document_lists_every_method(api):
    """/2.3/openapi.json has one path per registered method, with its sorts as an enum."""
    response = api.client.get("/2.3/openapi.json")
    document = response.json()
    assert document["openapi"].startswith("3.0")
    assert {f"/{e.path}" for e in ENDPOINTS} == set(document["paths"])
    questions = document["paths"]["/questions"]["get"]
    sort = next(p for p in questions["parameters"] if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["activity", "creation", "votes", "hot", "week", "month"]


def test_fuzzing_every_operation_finds_no_server_error(api_operations):
    """Schemathesis generates requests for every operation (in-process through WSGI, on the
    demo data): no 500, responses match the documented schema and content type."""
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    for operation in api_operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            # The WSGI transport does not gunzip; gzip has its own test.
            case.call_and_validate(checks=checks, headers={"Accept-Encoding": "identity"})

        fuzz()
