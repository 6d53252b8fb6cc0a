"""Rows for the closing tests: users by reputation, questions, gold tag badges (plain ORM rows;
the closing itself always goes through the services under test)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.badges.models import Badge, BadgeClass
from quaestio.posts.models import Post, PostType

_n = itertools.count(1)


def user(reputation: int = 1, **extra) -> User:
    n = next(_n)
    return User.objects.create(
        email=f"closer{n}@example.test", display_name=f"Closer {n}", reputation=reputation, **extra
    )


def question(
    owner: User | None = None, tags: str = "<rome>", title: str | None = None, **extra
) -> Post:
    n = next(_n)
    created = timezone.now() - timedelta(days=2)
    return Post.objects.create(
        post_type=PostType.QUESTION,
        owner=owner,
        title=title or f"How did legion number {n} cross the Rhine?",
        body="<p>body</p>",
        body_markdown="body",
        tags=tags,
        creation_date=created,
        last_activity_date=created,
        answer_count=0,
        **extra,
    )


def gold_tag_badge(holder: User, tag: str) -> Badge:
    return Badge.objects.create(user=holder, name=tag, badge_class=BadgeClass.GOLD, tag_based=True)


def voters(count: int, reputation: int = 3000) -> list[User]:
    return [user(reputation) for _ in range(count)]
