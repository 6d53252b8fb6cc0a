"""Two submissions of one ask form racing in parallel still make one question (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from quaestio.posts.models import Post, PostType
from quaestio.posts.services import question_ask
from quaestio.tags.models import Tag
from tests.writing_support import BODY


@pytest.mark.django_db(transaction=True)
def test_parallel_double_submit_creates_one_question(make_user):
    """The unique form-token row makes the second transaction return the first question."""
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (run with DATABASE_URL=postgres://...)")
    user = make_user(reputation=1000)
    Tag.objects.create(name="rome")
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            post = question_ask(
                user, title="One question, sent twice at once", body=BODY, tags="rome", token="race"
            )
            results.append(post.id)
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Post.objects.filter(post_type=PostType.QUESTION).count() == 1
