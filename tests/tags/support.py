"""Helpers for the tags tests: answer score in a tag, written through the real services."""

from __future__ import annotations

from datetime import timedelta

from quaestio.posts.models import Post
from quaestio.posts.services import answer_post

ANSWER = "An answer long enough to pass the thirty character minimum, with details."


def give_tag_score(user, question, score: int) -> Post:
    """An answer by `user` to `question`, its stored score set to `score` (the counter votes
    keep; casting that many votes would need that many voters)."""
    answer = answer_post(user, question.id, body=f"{ANSWER} {user.id}")
    # Written an hour earlier, so the next answer of the test is not held by the rate limit.
    earlier = answer.creation_date - timedelta(hours=1)
    Post.objects.filter(id=answer.id).update(score=score, creation_date=earlier)
    return answer
