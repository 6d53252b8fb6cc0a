"""Fixtures for tests that need users and questions written through the real services
(collected for the whole suite by tests/conftest.py)."""

from __future__ import annotations

import itertools

import pytest

_numbers = itertools.count(1)

BODY = "This is the body of a question, long enough to pass the thirty character minimum."


@pytest.fixture
def make_user(db):
    from quaestio.accounts.models import User

    def make(reputation: int = 1, name: str | None = None, **extra) -> User:
        number = next(_numbers)
        return User.objects.create_user(
            f"user{number}@example.org",
            name or f"User {number}",
            "correct horse battery",
            reputation=reputation,
            **extra,
        )

    return make


@pytest.fixture
def ask(make_user):
    """A question by a fresh 200-reputation user (or a given one), via the real service."""
    from quaestio.posts.services import question_ask
    from quaestio.tags.models import Tag

    def ask_question(
        user=None, title="How did Roman legions cross rivers?", body=BODY, tags="rome"
    ):
        user = user or make_user(reputation=1000)
        for name in [n for n in str(tags).split() if len(n) <= 35]:
            Tag.objects.get_or_create(name=name)
        return question_ask(user, title=title, body=body, tags=tags)

    return ask_question
