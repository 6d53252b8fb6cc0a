"""The Community user's jobs (spec §7.7, §7.11): the three clean-up rules, each criterion at
its edge, deletions by Community through the deletion service, the bump, and the jobs'
output."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.comments.models import Comment
from quaestio.moderation import roomba
from quaestio.moderation.models import CloseVote, CloseVoteKind
from quaestio.posts.models import Post, PostHistory
from quaestio.votes.models import Vote
from tests.moderation.support import question, user
from tests.votes.factories import make_answer

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def aged(days: float, **extra) -> Post:
    q = question(user(10), **extra)
    when = NOW - timedelta(days=days)
    Post.objects.filter(id=q.id).update(creation_date=when, last_activity_date=when)
    q.refresh_from_db()
    return q


def downvote(post: Post, days_ago: float) -> None:
    Vote.objects.create(
        post=post, vote_type=3, user=user(200), creation_date=NOW - timedelta(days=days_ago)
    )


def deleted_ids() -> set[int]:
    return set(Post.objects.filter(deletion_date__isnull=False).values_list("id", flat=True))


# RemoveDeadQuestions


def test_dead_question_is_deleted_by_community_with_its_history_row():
    """31 days old, score -1 from a downvote 3 days old, no answers: deleted by Community,
    PostHistory 12 naming the rule."""
    q = aged(31, score=-1)
    downvote(q, 3)
    assert roomba.roomba_run(NOW)["RemoveDeadQuestions"] == 1
    q.refresh_from_db()
    assert q.deletion_date is not None
    row = PostHistory.objects.get(post=q, post_history_type=12)
    assert row.user_id == COMMUNITY_USER_ID and row.comment == "RemoveDeadQuestions"


def test_dead_rule_keeps_what_it_must():
    """Kept: a downvote newer than 2 days, an answer, a lock, 29 days of age, score 0."""
    fresh = aged(31, score=-1)
    downvote(fresh, 1)
    answered = aged(31, score=-1)
    downvote(answered, 3)
    make_answer(answered, user(10))
    locked = aged(31, score=-1, locked_date=NOW)
    young = aged(29, score=-1)
    zero = aged(31, score=0)
    assert roomba.roomba_run(NOW, ["RemoveDeadQuestions"]) == {"RemoveDeadQuestions": 0}
    assert not deleted_ids() & {fresh.id, answered.id, locked.id, young.id, zero.id}


def test_migrated_in_questions_are_not_dead():
    q = aged(40, score=-2)
    PostHistory.objects.create(post=q, post_history_type=36, revision_guid="x", comment="from")
    assert roomba.dead_questions(NOW) == []


# RemoveAbandonedQuestions


def test_abandoned_question_is_deleted():
    """400 days, score 0, no answers, 100 views (<= 1.5 x 400), one comment: deleted."""
    q = aged(400, view_count=100)
    Comment.objects.create(post=q, text="a comment", user=user(50))
    Post.objects.filter(id=q.id).update(comment_count=1)
    assert roomba.roomba_run(NOW, ["RemoveAbandonedQuestions"]) == {"RemoveAbandonedQuestions": 1}
    assert q.id in deleted_ids()


def test_abandoned_rule_keeps_what_it_must():
    """Kept: too many views for its age, two comments, score 1 with an owner, 300 days."""
    viewed = aged(400, view_count=601)
    talked = aged(400, view_count=0)
    Comment.objects.create(post=talked, text="one", user=user(50))
    Comment.objects.create(post=talked, text="two", user=user(50))
    Post.objects.filter(id=talked.id).update(comment_count=2)
    liked = aged(400, score=1)
    young = aged(300)
    roomba.roomba_run(NOW, ["RemoveAbandonedQuestions"])
    assert not deleted_ids() & {viewed.id, talked.id, liked.id, young.id}


def test_abandoned_score_1_counts_when_the_owner_is_gone():
    q = aged(400, score=1)
    Post.objects.filter(id=q.id).update(owner=None)
    assert roomba.abandoned_questions(NOW) == [q.id]


# RemoveAbandonedClosed


def closed(days: float, **extra) -> Post:
    return aged(days + 5, closed_date=NOW - timedelta(days=days), close_reason=104, **extra)


def test_abandoned_closed_question_is_deleted():
    q = closed(10)
    assert roomba.roomba_run(NOW, ["RemoveAbandonedClosed"]) == {"RemoveAbandonedClosed": 1}
    assert q.id in deleted_ids()


def test_abandoned_closed_rule_keeps_what_it_must():
    """Kept: a duplicate, closed 8 days ago, an answer scored 1, an accepted answer, a pending
    reopen vote, an edit 3 days ago, score 1."""
    duplicate = aged(20, closed_date=NOW - timedelta(days=10), close_reason=101)
    recent = closed(8)
    good = closed(10)
    make_answer(good, user(10), score=1)
    accepted = closed(10)
    Post.objects.filter(id=accepted.id).update(accepted_answer=make_answer(accepted, user(10)))
    reopening = closed(10)
    CloseVote.objects.create(question=reopening, user=user(3000), kind=CloseVoteKind.REOPEN)
    edited = closed(10, last_edit_date=NOW - timedelta(days=3))
    liked = closed(10, score=1)
    roomba.roomba_run(NOW, ["RemoveAbandonedClosed"])
    kept = {duplicate, recent, good, accepted, reopening, edited, liked}
    assert not deleted_ids() & {p.id for p in kept}


def test_each_rule_is_one_query():
    """Set-based: each rule's search is a single SQL query, whatever the number of posts."""
    for _ in range(3):
        closed(10)
        aged(400)
        aged(31, score=-1)
    for find in roomba.ROOMBA_RULES.values():
        with CaptureQueriesContext(connection) as queries:
            assert len(find(NOW)) >= 1
        assert len(queries) == 1


# Bumping and the jobs' output


def test_bump_moves_one_old_unanswered_question_into_the_active_list():
    q = aged(60)
    answered = aged(60)
    make_answer(answered, user(10), score=2)
    aged(5)
    assert roomba.bump_question(NOW) == q.id
    q.refresh_from_db()
    assert q.last_activity_date == NOW
    row = PostHistory.objects.get(post=q, post_history_type=50)
    assert row.user_id == COMMUNITY_USER_ID


def test_bump_finds_none_when_none_qualifies():
    aged(5)
    assert roomba.bump_question(NOW) is None


def test_daily_and_hourly_jobs_report_counts(capsys):
    from quaestio.moderation.commands import hourly_jobs
    from quaestio.votes.commands import daily_jobs

    closed(10)
    aged(60)
    assert daily_jobs(None) == 0
    out = capsys.readouterr().out
    assert "RemoveAbandonedClosed 1 deleted" in out and "RemoveDeadQuestions 0 deleted" in out
    assert hourly_jobs(None) == 0
    assert "1 question bumped" in capsys.readouterr().out
