"""The API fuzzed through its own OpenAPI document (issue 15.14): for every operation,
schemathesis generates requests that fit the schema and requests that break it, sent in-process
through WSGI against the demo data on the test's database. None gives a server error or takes
more than two seconds. (tests/api/test_openapi.py checks the responses' shapes on fewer cases.)
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation.modes import GenerationMode  # noqa: E402

EXAMPLES_PER_OPERATION = 15
# Path values the schema's generic strings seldom hit: numbers past what the database holds.
HUGE_IDS = ["9223372036854775808", "12345678901234567890123456", "1;99999999999999999999", "-1e9"]
SLOWEST = 2.0  # seconds of this process's CPU time per request


def _cases(operation):
    """Valid and invalid requests for one operation (some have no invalid form to generate),
    and for operations on ids, ids too long for the database."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    names = re.findall(r"{(\w+)}", operation.path)
    if names:
        strategies.append(
            st.sampled_from(HUGE_IDS).flatmap(
                lambda value: operation.as_strategy(path_parameters=dict.fromkeys(names, value))
            )
        )
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # schemathesis refuses when a schema leaves nothing to break
        pass
    return st.one_of(strategies)


def test_no_api_input_gives_a_server_error_or_takes_two_seconds(api_operations):
    """Every operation of /2.3/openapi.json, with generated valid and invalid parameters."""
    for operation in api_operations:

        @given(case=_cases(operation))
        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            started = time.process_time()
            # The WSGI transport does not gunzip; gzip has its own test.
            response = case.call(headers={"Accept-Encoding": "identity"})
            took = time.process_time() - started
            case.validate_response(response, checks=[not_a_server_error])
            assert took < SLOWEST, (case.method, case.formatted_path, case.query, took)

        fuzz()
