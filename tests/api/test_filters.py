"""Filters: built-in names, the clients' legacy and opaque names, and custom filters."""

from __future__ import annotations

import pytest

from quaestio.api import filters

pytestmark = pytest.mark.django_db


def test_withbody_adds_bodies_and_default_has_none(api, demo):
    """`withbody` is default + *.body; `default` carries no body."""
    _, plain = api.get("questions/38738")
    _, bodied = api.get("questions/38738", filter="withbody")
    assert "body" not in plain["items"][0]
    assert bodied["items"][0]["body"].startswith("<p>")
    assert set(bodied["items"][0]) - set(plain["items"][0]) == {"body"}


def test_none_filter_returns_an_empty_object(api, demo):
    """`none` includes nothing at all (error fields would still come)."""
    _, body = api.get("questions", filter="none")
    assert body == {}


@pytest.mark.parametrize(
    ("name", "has_body", "has_comments", "has_answers"),
    [
        ("_b", True, False, False),
        ("_c", False, True, False),
        ("_a", False, False, True),
        ("_ba", True, False, True),
        ("_ac", False, True, True),
        ("_bca", True, True, True),
    ],
)
def test_legacy_names_of_py_stackexchange(api, demo, name, has_body, has_comments, has_answers):
    """py-stackexchange's `_bca` family: b = body, c = comments, a = answers."""
    _, body = api.get("questions/38738", filter=name)
    question = body["items"][0]
    assert ("body" in question) is has_body
    assert ("comments" in question) is has_comments
    assert ("answers" in question) is has_answers
    if has_answers:
        assert len(question["answers"]) == 7
        assert ("body" in question["answers"][0]) is has_body


def test_legacy_flags_without_a_filter_pick_the_legacy_filter(api, demo):
    """body=true&answers=true with no filter (py-stackexchange's recent_questions) = `_ba`."""
    _, body = api.get("questions/38738", body="true", answers="true", comments="false")
    assert "body" in body["items"][0] and "answers" in body["items"][0]


def test_client_opaque_names_map_as_the_checklist_says(api, demo):
    """The clients' hard-coded opaque names: users get counts, info gets the site."""
    _, users = api.get("users/1", filter="!-*f(6q3e0kcP")
    assert {"answer_count", "question_count"} <= set(users["items"][0])
    _, info = api.get("info", filter="!9YdnSFfpS")
    assert info["items"][0]["site"]["api_site_parameter"]
    _, comments = api.get("questions/38738/comments", filter="!-*7AsUyrEan0")
    assert "body" in comments["items"][0]
    _, sites = api.get("sites", filter="!*L1*AY-85YllAr2)", pagesize=1000)
    assert {"api_site_parameter", "name", "site_url"} <= set(sites["items"][0])


def test_unknown_filter_names_fall_back_to_default(api, demo):
    """A Stack Exchange opaque name we cannot decode serves the default field set."""
    _, default = api.get("questions/38738")
    _, unknown = api.get("questions/38738", filter="!9Z(-wwYGT")
    assert unknown["items"] == default["items"]


def test_custom_filters_are_stable_decodable_and_applied(api, demo):
    """/filters/create gives the same `!` name for the same definition; the name alone
    reproduces the fields, and /filters/{name} describes it."""
    params = {"include": "question.body_markdown;.total", "exclude": "question.owner"}
    _, first = api.get("filters/create", **params)
    _, second = api.post("filters/create", **params)
    name = first["items"][0]["filter"]
    assert name.startswith("!")
    assert second["items"][0]["filter"] == name
    decoded = filters.decode(name)
    assert "question.body_markdown" in decoded.fields and "question.owner" not in decoded.fields
    _, body = api.get("questions/38738", filter=name)
    assert "owner" not in body["items"][0] and "body_markdown" in body["items"][0]
    assert body["total"] == 1
    _, described = api.get(f"filters/{name};nonsense")
    assert described["items"][0]["filter_type"] == "safe"
    assert ".error_id" in described["items"][0]["included_fields"]
    assert described["items"][1]["filter_type"] == "invalid"


def test_safe_filters_escape_and_unsafe_ones_do_not(api, demo):
    """Safe (default) filters HTML-escape titles; unsafe=true returns them raw."""
    from quaestio.posts.models import Post

    Post.objects.filter(id=38738).update(title="Stalin & Trotsky <3")
    _, safe = api.get("questions/38738")
    _, created = api.get("filters/create", unsafe="true")
    _, raw = api.get("questions/38738", filter=created["items"][0]["filter"])
    assert safe["items"][0]["title"] == "Stalin &amp; Trotsky &lt;3"
    assert raw["items"][0]["title"] == "Stalin & Trotsky <3"
    assert created["items"][0]["filter_type"] == "unsafe"


def test_a_whole_type_can_be_included(api, demo):
    """include=user (no field) adds every field of the type."""
    _, created = api.get("filters/create", include="user")
    _, body = api.get("users/1", filter=created["items"][0]["filter"])
    assert {"view_count", "up_vote_count", "down_vote_count"} <= set(body["items"][0])
