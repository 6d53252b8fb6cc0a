"""Voting works on the demo community (ids kept from the seed thread)."""

from __future__ import annotations

import pytest
from django.core.management.color import no_style
from django.db import connection

from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostType
from quaestio.reputation.models import ReputationChange
from quaestio.votes.models import Vote
from quaestio.votes.services import vote_set
from tests.votes.factories import make_user

pytestmark = pytest.mark.django_db


def _reset_sequences() -> None:
    """The demo loader inserts explicit ids and (as of this branch) leaves PostgreSQL's
    sequences behind them, so the next new row would collide; reported to the lead. SQLite
    needs nothing."""
    statements = connection.ops.sequence_reset_sql(no_style(), [User, Post, Vote, ReputationChange])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_vote_on_a_demo_question(demo):
    """A new user's upvote on a seeded question lands after the seeded votes."""
    _reset_sequences()
    question = Post.objects.filter(post_type=PostType.QUESTION).order_by("id").first()
    before = question.score
    outcome = vote_set(make_user(200), question.id, "up")
    assert outcome.score == before + 1
