"""Flags (spec §7.8, §2, §11): who may flag, the kinds a post or comment takes, the daily
allowance, one standing flag per user, and the automatic outcomes: six spam or rude flags (or
a moderator's one) delete and lock the post, cost its author 100 and bring Community's
downvote; "no longer needed" flags remove a comment; NAA and VLQ flags queue the post for
low-quality review; "needs improvement" is a close flag."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.core.errors import PermissionDenied, RateLimited, ValidationFailed
from quaestio.moderation import flags
from quaestio.moderation.flag_handling import flagger_records_rebuild
from quaestio.moderation.flags import comment_flag_raise, post_flag_raise
from quaestio.moderation.models import (
    CloseVote,
    Flag,
    FlagState,
    ModeratorAction,
    PostLock,
    ReviewQueue,
    ReviewTask,
)
from quaestio.posts.models import CloseReason, Post, PostHistory, PostHistoryType
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.reputation.recalc import recalculate
from quaestio.votes.models import Vote, VoteType
from tests.moderation.flag_support import author, comment_on, flaggers, reputation_of
from tests.moderation.states_support import community
from tests.moderation.support import question, user
from tests.votes.factories import make_answer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def community_user():
    """The Community user of migration accounts/0002, which a transactional test's flush may
    have removed: its downvote is part of what these tests check."""
    return community()


# Who may flag


def test_fifteen_reputation_flags_and_fourteen_does_not():
    """Flagging posts needs 15 reputation (spec §2); the refusal says so and writes nothing."""
    q = question(user(10))
    with pytest.raises(PermissionDenied, match="15 reputation"):
        post_flag_raise(user(14), q.id, "spam")
    assert post_flag_raise(user(15), q.id, "spam").action == "flagged"
    assert Flag.objects.filter(post=q).count() == 1


def test_deleted_posts_and_own_posts():
    """A deleted post takes no flag; on your own post only a moderator flag."""
    owner = user(100)
    q = question(owner)
    with pytest.raises(PermissionDenied, match="own post"):
        post_flag_raise(owner, q.id, "spam")
    assert post_flag_raise(owner, q.id, "moderator", "please merge my accounts").action == "flagged"
    gone = question(user(10), deletion_date=timezone.now())
    with pytest.raises(PermissionDenied, match="deleted"):
        post_flag_raise(user(15), gone.id, "spam")


def test_kinds_fit_the_post():
    """ "Not an answer" is for answers, "needs improvement" for questions; an unknown kind is
    a clear error."""
    q = question(user(10))
    a = make_answer(q, user(10))
    with pytest.raises(PermissionDenied, match="Only answers"):
        post_flag_raise(user(15), q.id, "not_an_answer")
    with pytest.raises(PermissionDenied, match="Only questions"):
        post_flag_raise(user(15), a.id, "needs_improvement")
    with pytest.raises(ValidationFailed):
        post_flag_raise(user(15), q.id, "boring")
    assert not Flag.objects.exists()


def test_moderator_flag_needs_words_up_to_500():
    q = question(user(10))
    with pytest.raises(ValidationFailed, match="Say what"):
        post_flag_raise(user(15), q.id, "moderator", "   ")
    with pytest.raises(ValidationFailed, match="500"):
        post_flag_raise(user(15), q.id, "moderator", "x" * 501)
    post_flag_raise(user(15), q.id, "moderator", "  plagiarised   from a book  ")
    assert Flag.objects.get(post=q).text == "plagiarised from a book"


def test_one_standing_flag_per_user_and_post():
    """Flagging again (any kind) changes nothing and says so."""
    q = question(user(10))
    flagger = user(15)
    post_flag_raise(flagger, q.id, "spam")
    again = post_flag_raise(flagger, q.id, "rude")
    assert again.action == "unchanged" and "already" in again.message
    assert Flag.objects.filter(post=q).count() == 1


# Six red flags


def test_six_spam_or_rude_flags_delete_lock_and_cost_100():
    """Five flags wait; the sixth (spam and rude counted together) deletes the post as
    Community, locks it, takes 100 from its author (150 -> 50), casts Community's downvote,
    resolves every flag as helpful and takes the post out of its review queues."""
    owner = author(150)
    q = question(owner)
    team = flaggers(6)
    post_flag_raise(user(15), q.id, "very_low_quality")  # queued for review meanwhile
    for n, flagger in enumerate(team[:5]):
        assert post_flag_raise(flagger, q.id, "spam" if n % 2 else "rude").action == "flagged"
    assert Post.objects.get(id=q.id).deletion_date is None
    assert post_flag_raise(team[5], q.id, "spam").action == "deleted"
    q.refresh_from_db()
    assert q.deletion_date is not None and q.locked_date is not None
    assert PostLock.objects.get(post_id=q.id).until is None
    assert reputation_of(owner) == 50
    penalty = ReputationChange.objects.get(user=owner, reason=Reason.SPAM_PENALTY)
    assert (penalty.amount, penalty.post_id) == (-100, q.id)
    assert Vote.objects.filter(
        post_id=q.id, user_id=COMMUNITY_USER_ID, vote_type=VoteType.DOWN_MOD
    ).exists()
    assert q.score == -1
    deleted = PostHistory.objects.get(post_id=q.id, post_history_type=PostHistoryType.POST_DELETED)
    assert deleted.user_id == COMMUNITY_USER_ID
    assert PostHistory.objects.filter(
        post_id=q.id, post_history_type=PostHistoryType.POST_LOCKED
    ).exists()
    assert set(Flag.objects.filter(post=q).values_list("state", flat=True)) == {"helpful"}
    assert not ReviewTask.objects.filter(post_id=q.id, state="pending").exists()
    assert recalculate(user_ids=[owner.id]) == []  # the ledger's replay agrees


def test_moderator_flag_is_binding_and_logged():
    """One spam flag from a moderator deletes the post (spec §7.6) and is in the audit log."""
    owner = author(300)
    q = question(owner)
    moderator = user(1, is_moderator=True)
    assert post_flag_raise(moderator, q.id, "spam").action == "deleted"
    assert reputation_of(owner) == 200
    action = ModeratorAction.objects.get(post_id=q.id)
    assert action.action == "flag-delete-spam" and action.target_user_id == owner.id


@override_settings(QUAESTIO_SPAM_FLAGS_TO_DELETE=2, QUAESTIO_MODERATOR_FLAG_BINDING=False)
def test_thresholds_are_settings():
    q = question(author(150))
    moderator = user(1, is_moderator=True)
    assert post_flag_raise(moderator, q.id, "spam").action == "flagged"
    assert post_flag_raise(user(15), q.id, "rude").action == "deleted"


def test_author_at_the_floor_keeps_one():
    """The −100 stops at 1 (spec §1.4)."""
    owner = author(40)
    q = question(owner)
    for flagger in flaggers(6):
        post_flag_raise(flagger, q.id, "spam")
    assert reputation_of(owner) == 1


# Low quality, needs improvement


def test_not_an_answer_and_very_low_quality_go_to_the_low_quality_queue():
    q = question(user(10))
    a = make_answer(q, user(10))
    post_flag_raise(user(15), a.id, "not_an_answer")
    post_flag_raise(user(15), a.id, "very_low_quality")
    post_flag_raise(user(15), q.id, "very_low_quality")
    tasks = ReviewTask.objects.filter(queue=ReviewQueue.LOW_QUALITY, state="pending")
    assert sorted(tasks.values_list("post_id", flat=True)) == sorted([a.id, q.id])


def test_needs_improvement_is_a_close_flag_below_the_close_privilege():
    """Below 3,000: a close flag with the chosen reason (the close queue reads it). With the
    privilege, or for a duplicate (which needs its original), the close dialog."""
    q = question(user(10))
    outcome = post_flag_raise(user(15), q.id, "needs_improvement", close_reason="needs_focus")
    assert outcome.action == "close_flagged"
    flag = CloseVote.objects.get(question=q)
    assert flag.is_flag and flag.reason == CloseReason.NEEDS_FOCUS and flag.state == "pending"
    assert not Flag.objects.exists()
    assert post_flag_raise(
        user(15), q.id, "needs_improvement", close_reason="duplicate"
    ).action == ("close_dialog")
    assert post_flag_raise(user(3000), q.id, "needs_improvement").action == "close_dialog"


# Allowance


def test_ten_flags_a_day_then_refused():
    flagger = user(15)
    posts = [question(user(10)) for _ in range(11)]
    for q in posts[:10]:
        post_flag_raise(flagger, q.id, "very_low_quality")
    with pytest.raises(RateLimited, match="all your flags"):
        post_flag_raise(flagger, posts[10].id, "very_low_quality")
    assert Flag.objects.filter(user=flagger).count() == 10


def test_helpful_flags_raise_the_allowance_up_to_100():
    """One more flag a day for every ten helpful flags beyond the declined ones, at most 100."""
    flagger = user(15)
    q = question(user(10))
    old = timezone.now() - timedelta(days=3)

    def add(state: str, count: int) -> None:
        Flag.objects.bulk_create(
            Flag(post=q, user=flagger, kind="spam", state=state, creation_date=old)
            for _ in range(count)
        )
        flagger_records_rebuild()  # bulk rows bypass the counters the services keep

    add(FlagState.HELPFUL, 35)
    assert flags.daily_allowance(flagger) == 13
    add(FlagState.DECLINED, 10)
    assert flags.daily_allowance(flagger) == 12
    add(FlagState.HELPFUL, 2000)
    assert flags.daily_allowance(flagger) == 100


def test_comment_flags_have_their_own_pool():
    """Ten post flags used up: comment flags still go (their own ten)."""
    flagger = user(15)
    for _ in range(10):
        post_flag_raise(flagger, question(user(10)).id, "very_low_quality")
    c = comment_on(question(user(10)))
    assert comment_flag_raise(flagger, c.id, "unfriendly").action == "flagged"


# Comment flags


def test_three_no_longer_needed_flags_remove_a_comment():
    q = question(user(10))
    c = comment_on(q)
    assert comment_flag_raise(user(15), c.id, "no_longer_needed").action == "flagged"
    assert comment_flag_raise(user(15), c.id, "unfriendly").action == "flagged"
    assert comment_flag_raise(user(15), c.id, "no_longer_needed").action == "flagged"
    c.refresh_from_db()
    assert c.deletion_date is None
    assert comment_flag_raise(user(15), c.id, "no_longer_needed").action == "deleted"
    c.refresh_from_db()
    assert c.deletion_date is not None
    assert set(Flag.objects.filter(comment=c).values_list("state", flat=True)) == {"helpful"}


def test_comment_flag_rules():
    """Not your own comment; "something else" needs words; one comment flag per 5 seconds."""
    commenter = user(50)
    c = comment_on(question(user(10)), commenter)
    with pytest.raises(PermissionDenied, match="own comment"):
        comment_flag_raise(commenter, c.id, "unfriendly")
    with pytest.raises(ValidationFailed):
        comment_flag_raise(user(15), c.id, "something_else", "")
    flagger = user(15)
    comment_flag_raise(flagger, c.id, "something_else", "off-topic advertising")
    other = comment_on(question(user(10)))
    with pytest.raises(RateLimited, match="5 seconds"):
        comment_flag_raise(flagger, other.id, "unfriendly")
    again = comment_flag_raise(flagger, c.id, "unfriendly")
    assert again.action == "unchanged"


# Flags after the fact


def test_flags_on_a_post_deleted_another_way_are_helpful(django_capture_on_commit_callbacks):
    """The owner deletes their flagged question: its flags, and its answers', are helpful."""
    from quaestio.posts.services import post_delete

    owner = user(10)
    q = question(owner)
    a = make_answer(q, user(10))
    post_flag_raise(user(15), q.id, "very_low_quality")
    post_flag_raise(user(15), a.id, "not_an_answer")
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(owner, q.id)
    assert set(Flag.objects.values_list("state", flat=True)) == {"helpful"}


def test_tidy_resolves_flags_on_deleted_comments_and_ages_when_set():
    from quaestio.moderation.flag_handling import flags_tidy

    c = comment_on(question(user(10)))
    comment_flag_raise(user(15), c.id, "unfriendly")
    old_q = question(user(10))
    post_flag_raise(user(15), old_q.id, "very_low_quality")
    Flag.objects.filter(post=old_q).update(creation_date=timezone.now() - timedelta(days=40))
    type(c).objects.filter(id=c.id).update(deletion_date=timezone.now())
    assert flags_tidy() == {"resolved": 1, "aged": 0}  # ageing off by default
    with override_settings(QUAESTIO_FLAG_AGING_DAYS=30):
        assert flags_tidy() == {"resolved": 0, "aged": 1}
    assert Flag.objects.get(post=old_q).state == "aged"


def test_disputed_when_reviewers_find_the_post_fine():
    from quaestio.moderation.flag_handling import flags_dispute

    q = question(user(10))
    a = make_answer(q, user(10))
    post_flag_raise(user(15), a.id, "not_an_answer")
    post_flag_raise(user(15), a.id, "spam")
    assert flags_dispute(a.id) == 1
    assert sorted(Flag.objects.values_list("state", flat=True)) == ["disputed", "pending"]
