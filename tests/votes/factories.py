"""Small factories for the voting, reputation and badge tests: ORM rows, no services."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostType

_counter = itertools.count(1)


def make_user(reputation: int = 1, **extra) -> User:
    n = next(_counter)
    return User.objects.create(
        email=f"user{n}@example.test", display_name=f"User {n}", reputation=reputation, **extra
    )


def make_question(owner: User | None = None, age: timedelta = timedelta(days=3), **extra) -> Post:
    n = next(_counter)
    created = timezone.now() - age
    return Post.objects.create(
        post_type=PostType.QUESTION,
        owner=owner,
        title=f"Question number {n} about history",
        body="<p>body</p>",
        body_markdown="body",
        tags="<history>",
        creation_date=created,
        last_activity_date=created,
        answer_count=0,
        **extra,
    )


def make_answer(
    question: Post, owner: User | None = None, age: timedelta | None = None, **extra
) -> Post:
    created = timezone.now() - age if age is not None else timezone.now()
    answer = Post.objects.create(
        post_type=PostType.ANSWER,
        parent=question,
        owner=owner,
        body="<p>answer</p>",
        body_markdown="answer",
        creation_date=created,
        last_activity_date=created,
        **extra,
    )
    Post.objects.filter(id=question.id).update(answer_count=(question.answer_count or 0) + 1)
    return answer
