"""The reputation ledger: amounts, the daily cap, the floor, deletion, opening balances."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Sum

from quaestio.accounts.models import User
from quaestio.posts.models import Post
from quaestio.reputation import services
from quaestio.reputation.models import BASE_REPUTATION, Reason, ReputationChange
from quaestio.reputation.recalc import recalculate
from quaestio.votes.services import accept_set, vote_set
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def ledger_total(user: User) -> int:
    return BASE_REPUTATION + (
        ReputationChange.objects.filter(user=user).aggregate(s=Sum("amount"))["s"] or 0
    )


def rep(user: User) -> int:
    user.refresh_from_db()
    return user.reputation


def test_change_applies_amount_and_records_row():
    """A ledger change adds its amount to the stored total and keeps a named row."""
    user = make_user(1)
    row = services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    assert (row.amount, row.nominal, row.reason) == (10, 10, "upvote")
    assert rep(user) == 11 == ledger_total(user)


def test_cap_truncates_the_event_that_crosses_200():
    """The 200/day cap truncates the crossing gain: an upvote at tally 195 gives +5."""
    user = make_user(1)
    for _ in range(19):
        services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    services.change(user.id, 5, Reason.SUGGESTED_EDIT, now=NOON)  # any capped gain: tally 195
    assert services.day_tally(user.id, NOON) == 195
    row = services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    assert (row.nominal, row.amount) == (10, 5)
    row = services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    assert row.amount == 0
    assert rep(user) == 1 + 200


def test_cap_resets_at_utc_midnight():
    """A new UTC day starts a new tally."""
    user = make_user(1)
    for _ in range(21):
        services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    row = services.change(user.id, 10, Reason.UPVOTE, now=NOON + timedelta(hours=12))
    assert row.amount == 10


def test_downvotes_earlier_in_the_day_make_room_under_the_cap():
    """Downvotes received lower the day's tally, so later upvotes count again (spec §1.2)."""
    user = make_user(500)
    for _ in range(20):
        services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    services.change(user.id, -2, Reason.DOWNVOTE, now=NOON)
    row = services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    assert row.amount == 2


@pytest.mark.parametrize("reason", [Reason.ACCEPT, Reason.BOUNTY_AWARDED, Reason.ASSOCIATION_BONUS])
def test_exempt_events_ignore_the_cap(reason):
    """Accepts, bounties and the association bonus pay in full at the cap and do not count."""
    user = make_user(1)
    for _ in range(20):
        services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    row = services.change(user.id, 15, reason, now=NOON)
    assert row.amount == 15
    assert services.day_tally(user.id, NOON) == 200


def test_floor_keeps_reputation_at_one():
    """Losses that would go below 1 are cut; later gains do not pay the cut back."""
    user = make_user(2)
    row = services.change(user.id, -2, Reason.DOWNVOTE, now=NOON)
    assert row.amount == -1 and rep(user) == 1
    row = services.change(user.id, -2, Reason.DOWNVOTE, now=NOON)
    assert row.amount == 0 and rep(user) == 1
    services.change(user.id, 10, Reason.UPVOTE, now=NOON)
    assert rep(user) == 11


def test_community_user_earns_nothing():
    """The Community user (-1) never gets reputation rows."""
    assert services.change(-1, 10, Reason.UPVOTE) is None
    assert not ReputationChange.objects.filter(user_id=-1).exists()


def set_deleted(post, deleted: bool) -> None:
    """What the posts services write before they call the ledger (tests/posts use them)."""
    Post.objects.filter(id=post.id).update(deletion_date=NOON if deleted else None)


def test_post_deleted_removes_vote_reputation_and_undelete_restores_it():
    """Deleting a post removes what votes on it gave or took; undeleting gives it back."""
    asker, answerer, voter, downvoter = make_user(1), make_user(1), make_user(200), make_user(200)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    vote_set(voter, answer.id, "up")
    vote_set(downvoter, answer.id, "down")
    assert rep(answerer) == 1 + 10 - 2 and rep(downvoter) == 199
    answer.refresh_from_db()
    set_deleted(answer, True)
    assert services.post_deleted(answer) == 2
    assert rep(answerer) == 1 and rep(downvoter) == 200  # the -1 is refunded
    assert services.post_deleted(answer) == 0  # twice is harmless
    set_deleted(answer, False)
    services.post_undeleted(answer)
    assert rep(answerer) == 9 and rep(downvoter) == 199
    assert services.post_undeleted(answer) == 0
    assert rep(answerer) == ledger_total(answerer)


def test_question_deletion_takes_its_answers_reputation():
    """Deleting a question removes the reputation of its answers too."""
    asker, answerer, voter = make_user(1), make_user(1), make_user(200)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    vote_set(voter, question.id, "up")
    vote_set(voter, answer.id, "up")
    set_deleted(question, True)
    services.post_deleted(question)
    assert rep(asker) == 1 and rep(answerer) == 1
    set_deleted(question, False)
    services.post_undeleted(question)
    assert rep(asker) == 11 and rep(answerer) == 11


def test_deleted_accepted_answer_loses_accept_reputation():
    """The accept's +15/+2 go with the deleted answer and come back on undelete."""
    asker, answerer = make_user(1), make_user(1)
    question = make_question(asker)
    answer = make_answer(question, answerer)
    accept_set(asker, answer.id, True)
    assert rep(answerer) == 16 and rep(asker) == 3
    set_deleted(answer, True)
    services.post_deleted(answer)
    assert rep(answerer) == 1 and rep(asker) == 1
    set_deleted(answer, False)
    services.post_undeleted(answer)
    assert rep(answerer) == 16 and rep(asker) == 3


def test_opening_balances_make_the_ledger_explain_imported_totals():
    """Imported totals get one opening-balance row each; users at 1 get none."""
    imported = make_user(4321)
    fresh = make_user(1)
    assert services.record_opening_balances() == 1
    row = ReputationChange.objects.get(user=imported)
    assert (row.reason, row.amount) == (Reason.OPENING_BALANCE, 4320)
    assert not ReputationChange.objects.filter(user=fresh).exists()
    assert services.record_opening_balances() == 0  # idempotent
    assert ledger_total(imported) == 4321


def test_recalculate_reports_and_fixes_differences():
    """recalc replays the user's events and reports and fixes the users whose total was wrong."""
    user, voter = make_user(1), make_user(200)
    services.record_opening_balances()  # the voter's 200 is an imported total
    vote_set(voter, make_question(user).id, "up")
    User.objects.filter(id=user.id).update(reputation=999)
    differences = recalculate(fix=True)
    assert [(d.user_id, d.stored, d.expected) for d in differences] == [(user.id, 999, 11)]
    assert rep(user) == 11 == ledger_total(user)
    assert recalculate() == []


def test_recalculate_replays_the_source_rows_not_the_ledger():
    """A ledger that agrees with a wrong total is no alibi: the votes that stand decide."""
    user, voter = make_user(1), make_user(200)
    services.record_opening_balances()
    vote_set(voter, make_question(user).id, "up")
    ReputationChange.objects.filter(user=user).update(amount=40)
    User.objects.filter(id=user.id).update(reputation=41)
    assert [(d.stored, d.expected) for d in recalculate()] == [(41, 11)]


def test_recalc_reputation_command(capsys):
    """`quaestio recalc-reputation` prints every user it fixed, with its progress."""
    from quaestio.reputation.commands import recalc_reputation

    user, voter = make_user(1), make_user(200)
    services.record_opening_balances()
    vote_set(voter, make_question(user).id, "up")
    User.objects.filter(id=user.id).update(reputation=5)
    assert recalc_reputation(None) == 0
    out, err = capsys.readouterr()
    assert "1 user" in out and "5 → 11" in out
    assert "Checked" in err and "users" in err
    assert rep(user) == 11


def test_spam_deletion_costs_100_on_top_of_vote_reputation():
    """A post deleted as spam loses its vote reputation and costs the author 100 more."""
    author = make_user(300)
    question = make_question(author)
    vote_set(make_user(200), question.id, "up")
    set_deleted(question, True)
    services.post_deleted(question, as_spam=True)
    assert rep(author) == 200
    assert ReputationChange.objects.filter(user=author, reason=Reason.SPAM_PENALTY).count() == 1


def test_suggested_edits_pay_two_up_to_1000_in_a_lifetime():
    """Approved suggested edits: +2 each until 1000 have been earned, then nothing."""
    editor = make_user(1)
    question = make_question(make_user(1))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(5):  # 100 a day stays under the daily cap
        for _ in range(50):
            services.suggested_edit_approved(
                editor.id, question.id, now=start + timedelta(days=day)
            )
    assert rep(editor) == 501
    for day in range(5, 10):
        for _ in range(50):
            services.suggested_edit_approved(
                editor.id, question.id, now=start + timedelta(days=day)
            )
    assert rep(editor) == 1001
    assert services.suggested_edit_approved(editor.id, question.id) is None
    assert rep(editor) == 1001


def test_moving_the_accept_off_a_deleted_answer_takes_nothing_twice():
    """Accept moved away from a deleted answer: its +15 was removed once, not again."""
    asker, first, second = make_user(1), make_user(1), make_user(1)
    question = make_question(asker)
    deleted, other = make_answer(question, first), make_answer(question, second)
    accept_set(asker, deleted.id, True)
    set_deleted(deleted, True)
    services.post_deleted(deleted)
    assert rep(first) == 1
    accept_set(asker, other.id, True)
    assert rep(first) == 1 and rep(second) == 16 and rep(asker) == 3
    set_deleted(deleted, False)
    services.post_undeleted(deleted)
    assert rep(first) == 1 and rep(asker) == 3  # that accept is gone for good


def test_answers_of_a_deleted_question_take_no_votes():
    """An answer whose question is deleted cannot be voted on (its reputation is removed)."""
    from quaestio.core.errors import PermissionDenied

    question = make_question(make_user(1))
    answer = make_answer(question, make_user(1))
    Post.objects.filter(id=question.id).update(deletion_date=NOON)
    with pytest.raises(PermissionDenied, match="question is deleted"):
        vote_set(make_user(200), answer.id, "up")


def test_recalc_keeps_imported_totals_by_opening_their_ledger(capsys):
    """recalc never resets an imported user (a total, no rows) to 1: it opens their ledger."""
    from quaestio.reputation.commands import recalc_reputation

    imported = make_user(777)
    recalc_reputation(None)
    assert rep(imported) == 777
    assert "opening balances for 1 imported" in capsys.readouterr().out


def test_demo_reputation_survives_recalc(demo):
    """On the demo community, recalc-reputation changes nobody's reputation."""
    from quaestio.reputation.commands import recalc_reputation

    before = dict(User.objects.values_list("id", "reputation"))
    recalc_reputation(None)
    assert dict(User.objects.values_list("id", "reputation")) == before
