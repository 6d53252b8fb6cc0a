"""The tag lists' filters and orders that issue 20 bounded: `inname` is a substring match
(anywhere in the name, any case, as Stack Exchange's), on tags and users alike, and
sort=popular orders by use either way with ties by id (read from the (count, id) index)."""

from __future__ import annotations

import pytest

from quaestio.tags.models import Tag

pytestmark = pytest.mark.django_db


def _names(api, path: str, **params) -> list[str]:
    response, body = api.get(path, **params)
    assert response.status_code == 200, body
    return [item["name"] for item in body["items"]]


@pytest.fixture
def tags():
    rows = [("python", 9), ("python-3.x", 4), ("cython", 4), ("jython", 1), ("java", 0)]
    return {name: Tag.objects.create(name=name, count=count) for name, count in rows}


def test_tags_inname_matches_a_part_anywhere_in_any_case(api, tags):
    assert _names(api, "tags", inname="YTHO", sort="name", order="asc") == [
        "cython",
        "jython",
        "python",
        "python-3.x",
    ]
    assert _names(api, "tags", inname="3.x") == ["python-3.x"]
    assert _names(api, "tags", inname="zzq") == []


def test_tags_by_popularity_either_way_ties_by_id(api, tags):
    # Descending: the commonest first, ties the newest tag first (as page_of orders by pk).
    assert _names(api, "tags", sort="popular") == [
        "python",
        "cython",
        "python-3.x",
        "jython",
        "java",
    ]
    assert _names(api, "tags", sort="popular", order="asc") == [
        "java",
        "jython",
        "python-3.x",
        "cython",
        "python",
    ]
    # min/max bound the count; pages follow the same order.
    assert _names(api, "tags", sort="popular", order="asc", min=1, max=4, pagesize=2) == [
        "jython",
        "python-3.x",
    ]
    assert _names(api, "tags", sort="popular", order="asc", min=1, max=4, page=2, pagesize=2) == [
        "cython"
    ]


def test_users_inname_matches_a_part_anywhere_in_any_case(api, make_user):
    make_user(name="Marcus Aurelius")
    make_user(name="Aurelia Cotta")
    make_user(name="Julius Caesar")
    response, body = api.get("users", inname="AUREL", sort="name", order="asc")
    assert response.status_code == 200
    assert [u["display_name"] for u in body["items"]] == ["Aurelia Cotta", "Marcus Aurelius"]
    _, body = api.get("users", inname="zzq")
    assert body["items"] == []


def test_users_tags_count_their_live_posts_in_each_tag(api, ask, make_user):
    """users/{ids}/tags: per user, the tags of their questions and of the questions they
    answered, each counting their live posts there (their kept standing per tag)."""
    from quaestio.posts.services import answer_post, post_delete

    marcus, julia = make_user(reputation=1000), make_user(reputation=1000)
    asked = ask(marcus, title="How did Roman legions cross rivers in Gaul?", tags="rome gaul")
    other = ask(julia, title="Which Roman roads crossed the Alps first?", tags="rome alps")
    answer_post(marcus, other.id, body="An answer long enough: the Via Domitia, over Montgenèvre.")
    gone = answer_post(julia, asked.id, body="An answer long enough, deleted by its own author.")
    post_delete(julia, gone.id)
    _, body = api.get(f"users/{marcus.id};{julia.id}/tags", sort="name", order="asc")
    assert [(t["user_id"], t["name"], t["count"]) for t in body["items"]] == [
        (marcus.id, "alps", 1),
        (julia.id, "alps", 1),
        (marcus.id, "gaul", 1),
        (marcus.id, "rome", 2),
        (julia.id, "rome", 1),
    ]  # by name, then by user (Marcus's id is the lower)
