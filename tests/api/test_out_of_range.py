"""The API refuses numbers the database cannot hold as Stack Exchange does: 400 bad_parameter
(issue 15.3), instead of failing inside the query."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "questions/9223372036854775808",
        "questions/1;9223372036854775808",
        "users/12345678901234567890123456",
        "answers/99999999999999999999/comments",
        "posts/-99999999999999999999",
    ],
)
def test_api_refuses_ids_too_long_for_the_database(api, demo, path):
    """The API answers an id it cannot look up as Stack Exchange does: 400 bad_parameter."""
    response, body = api.get(path)
    assert response.status_code == 400
    assert body["error_name"] == "bad_parameter" and body["error_id"] == 400


def test_api_refuses_numbers_too_long_for_the_database_in_parameters(api, demo):
    """Numeric query parameters too long for the database are a bad parameter as well."""
    for path, params in [
        ("questions", {"sort": "votes", "min": "1e30"}),
        ("search/advanced", {"views": "99999999999999999999"}),
        ("questions", {"page": "9223372036854775808"}),
    ]:
        response, body = api.get(path, **params)
        assert response.status_code == 400, (path, params)
        assert body["error_name"] == "bad_parameter"
