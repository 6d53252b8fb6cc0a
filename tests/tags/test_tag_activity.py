"""Each tag's kept last activity (tags/activity.py): raised in the write's transaction by an
ask, an answer, an edit, a retag and a raw update; read by the API's tag lists (sort=activity
and the last_activity_date field) without aggregating; agreeing with `quaestio recount`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Max

from quaestio.core.counters import recount
from quaestio.core.site_counts import SITE_COUNTERS
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post, post_edit
from quaestio.tags import activity
from quaestio.tags.models import Tag

pytestmark = pytest.mark.django_db

BODY = "A body long enough to pass the minimum, about crossing rivers with pontoon bridges."
ANSWER = "An answer long enough to pass the thirty character minimum, with detail."


def kept(name: str):
    return Tag.objects.get(name=name).last_activity_date


def newest_of_questions(name: str):
    return Post.objects.filter(post_tags__tag__name=name).aggregate(n=Max("last_activity_date"))[
        "n"
    ]


def assert_recount_agrees() -> None:
    changed = recount(only={activity.RECOUNT[0]})
    assert changed == {activity.RECOUNT[0]: 0}


def test_ask_answer_edit_and_retag_raise_the_tags(ask, make_user):
    question = ask(tags="rome history")
    asked = Post.objects.get(id=question.id).last_activity_date
    assert kept("rome") == kept("history") == asked
    assert Tag.objects.create(name="unused").last_activity_date is None

    answer_post(make_user(reputation=100), question.id, body=ANSWER)
    answered = Post.objects.get(id=question.id).last_activity_date
    assert answered >= asked
    assert kept("rome") == kept("history") == answered == newest_of_questions("rome")
    assert_recount_agrees()

    Tag.objects.get_or_create(name="bridges")
    post_edit(question.owner, question.id, title=question.title, body=BODY, tags="rome bridges")
    edited = Post.objects.get(id=question.id).last_activity_date
    assert kept("bridges") == kept("rome") == edited
    # history lost the question: it keeps the activity it saw (the retag was activity on it).
    assert kept("history") >= answered
    assert_recount_agrees()


def test_raw_updates_raise_and_never_lower(ask):
    question = ask(tags="rome")
    later = question.last_activity_date + timedelta(days=3)
    Post.objects.filter(id=question.id).update(last_activity_date=later)
    assert kept("rome") == later
    Post.objects.filter(id=question.id).update(last_activity_date=later - timedelta(days=9))
    assert kept("rome") == later
    assert_recount_agrees()


def test_recount_sets_what_the_triggers_keep(ask):
    ask(tags="rome")
    ask(title="Why did the Roman republic fall apart?", tags="rome politics")
    Tag.objects.update(last_activity_date=None)
    changed = recount(only={name for name, _ in SITE_COUNTERS})
    assert changed[activity.RECOUNT[0]] == 2
    assert kept("rome") == newest_of_questions("rome")
    assert kept("politics") == newest_of_questions("politics")
    assert_recount_agrees()


def test_api_tags_sort_by_and_show_the_kept_activity(ask, client):
    older = ask(tags="rome")
    newer = ask(title="Why did the Roman republic fall apart?", tags="politics")
    Post.objects.filter(id=older.id).update(
        last_activity_date=newer.last_activity_date + timedelta(hours=1)
    )
    data = client.get("/2.3/tags", {"sort": "activity", "order": "desc"}).json()
    names = [item["name"] for item in data["items"]]
    assert names.index("rome") < names.index("politics")
    shown = {item["name"]: item["last_activity_date"] for item in data["items"]}
    assert shown["rome"] == int(kept("rome").timestamp())
    assert shown["politics"] == int(kept("politics").timestamp())
