"""The API's `link` fields: absolute, on the host the request came to, built by core.links."""

from __future__ import annotations

import json

from django.test import override_settings
from django.test.utils import override_script_prefix


def _items(client, path: str, **params) -> list[dict]:
    response = client.get(f"/2.3/{path}", {"filter": "withbody", **params})
    assert response.status_code == 200
    return json.loads(response.content)["items"]


@override_settings(SITE_URL="http://configured.example", ALLOWED_HOSTS=["qa.example.org"])
def test_links_name_the_requests_host_not_a_configured_one(client, demo):
    """`quaestio demo --port 8731` served links for port 8000: links follow the request."""
    client.defaults["HTTP_HOST"] = "qa.example.org"
    [question] = _items(client, "questions/38738")
    assert (
        question["link"]
        == "http://qa.example.org/questions/38738/why-did-stalin-have-trotsky-killed"
    )
    assert question["owner"]["link"].startswith("http://qa.example.org/users/")
    assert question["owner"]["profile_image"].startswith("http://qa.example.org/")


def test_links_carry_the_script_prefix_and_badges_link_to_their_page(client, demo):
    """Under a sub-path the links carry it; a badge links to /badges/<name>, which answers."""
    with override_script_prefix("/qa/"):
        [user] = _items(client, "users/5")
        badges = _items(client, "badges", pagesize=3)
    assert user["link"] == "http://testserver/qa/users/5/tom-au"
    for badge in badges:
        assert badge["link"].startswith("http://testserver/qa/badges/")
        path = badge["link"].removeprefix("http://testserver/qa")
        assert client.get(path).status_code == 200, path
