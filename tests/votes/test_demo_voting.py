"""Voting works on the demo community (ids kept from the seed thread)."""

from __future__ import annotations

import pytest
from django.db import connection

from quaestio.posts.models import Post, PostType
from quaestio.votes.services import vote_cast
from tests.votes.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(
    connection.vendor == "postgresql",
    reason="the demo loader inserts explicit ids without resetting PostgreSQL sequences, so the "
    "next new row collides (reported to the lead; remove this mark when the loader is fixed)",
    strict=True,
)
def test_vote_on_a_demo_question(demo):
    """A new user's upvote on a seeded question lands after the seeded votes."""
    question = Post.objects.filter(post_type=PostType.QUESTION).order_by("id").first()
    before = question.score
    outcome = vote_cast(make_user(200), question.id, "up")
    assert outcome.score == before + 1
