"""Moderators handle flags (spec §7.8): helpful, or declined with a standard reason or their
own words; each handling is in the audit log; the flagger's history shows the outcome."""

from __future__ import annotations

import pytest

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation.flag_handling import DECLINE_REASONS, flags_handle
from quaestio.moderation.flag_selectors import user_flag_history
from quaestio.moderation.flags import comment_flag_raise, post_flag_raise
from quaestio.moderation.models import CloseVote, Flag, ModeratorAction
from quaestio.moderation.services import close_votes_age
from quaestio.votes.models import Vote
from tests.moderation.flag_support import comment_on
from tests.moderation.states_support import community
from tests.moderation.support import question, user
from tests.votes.factories import make_answer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def community_user():
    """The Community user of migration accounts/0002, which a transactional test's flush may
    have removed: its downvote is part of what these tests check."""
    return community()


@pytest.fixture
def moderator():
    return user(1, is_moderator=True)


def _flag(kind: str = "very_low_quality", text: str = "", flagger=None) -> Flag:
    q = question(user(10))
    post_flag_raise(flagger or user(15), q.id, kind, text)
    return Flag.objects.get(post=q)


def test_only_moderators_handle_flags():
    flag = _flag()
    with pytest.raises(PermissionDenied, match="Only moderators"):
        flags_handle(user(20_000), outcome="helpful", flag_id=flag.id)
    flag.refresh_from_db()
    assert flag.state == "pending" and not ModeratorAction.objects.exists()


def test_helpful_is_logged_and_handling_twice_changes_nothing(moderator):
    flag = _flag("moderator", "sock puppet voting")
    assert flags_handle(moderator, outcome="helpful", flag_id=flag.id).handled == 1
    flag.refresh_from_db()
    assert (flag.state, flag.handled_by_id) == ("helpful", moderator.id)
    log = ModeratorAction.objects.get()
    assert (log.action, log.post_id, log.target_user_id) == (
        "flag-helpful",
        flag.post_id,
        flag.user_id,
    )
    again = flags_handle(moderator, outcome="declined", flag_id=flag.id, decline_text="no")
    assert again.action == "unchanged"
    flag.refresh_from_db()
    assert flag.state == "helpful" and ModeratorAction.objects.count() == 1


def test_decline_needs_a_reason_standard_or_own(moderator):
    flag = _flag()
    with pytest.raises(ValidationFailed, match="Say why"):
        flags_handle(moderator, outcome="declined", flag_id=flag.id)
    with pytest.raises(ValidationFailed, match="decline reasons"):
        flags_handle(moderator, outcome="declined", flag_id=flag.id, decline_reason="made-up")
    with pytest.raises(ValidationFailed, match="500"):
        flags_handle(moderator, outcome="declined", flag_id=flag.id, decline_text="x" * 501)
    flags_handle(
        moderator,
        outcome="declined",
        flag_id=flag.id,
        decline_reason="technical",
        decline_text="It is a wrong answer, not a bad one.",
    )
    flag.refresh_from_db()
    assert flag.state == "declined"
    assert flag.outcome_note.startswith(DECLINE_REASONS[1].text)
    assert flag.outcome_note.endswith("It is a wrong answer, not a bad one.")


def test_all_flags_on_a_post_and_its_comments_at_once(moderator):
    q = question(user(10))
    post_flag_raise(user(15), q.id, "spam")
    post_flag_raise(user(15), q.id, "rude")
    comment_flag_raise(user(15), comment_on(q).id, "unfriendly")
    outcome = flags_handle(
        moderator, outcome="declined", post_id=q.id, decline_reason="no_evidence"
    )
    assert outcome.handled == 3
    assert set(Flag.objects.values_list("state", flat=True)) == {"declined"}
    assert ModeratorAction.objects.filter(action="flag-declined").count() == 3


def test_helpful_very_low_quality_brings_communitys_downvote(moderator):
    q = question(user(10))
    a = make_answer(q, user(10))
    post_flag_raise(user(15), a.id, "very_low_quality")
    flags_handle(moderator, outcome="helpful", post_id=a.id)
    assert Vote.objects.filter(post_id=a.id, user_id=COMMUNITY_USER_ID, vote_type=3).count() == 1


def test_history_shows_outcomes_with_the_decline_reason_and_aged_close_flags(moderator):
    """The flagger's history: declined with the moderator's words, helpful, pending, and a
    close flag aged away after 14 days (spec §7.2)."""
    from datetime import timedelta

    from django.utils import timezone

    flagger = user(15)
    declined = _flag("spam", flagger=flagger)
    helpful = _flag("rude", flagger=flagger)
    _flag("very_low_quality", flagger=flagger)
    flags_handle(moderator, outcome="declined", flag_id=declined.id, decline_text="It's on topic")
    flags_handle(moderator, outcome="helpful", flag_id=helpful.id)
    q = question(user(10))
    post_flag_raise(flagger, q.id, "needs_improvement", close_reason="opinion_based")
    CloseVote.objects.filter(question=q).update(creation_date=timezone.now() - timedelta(days=15))
    close_votes_age()
    history = user_flag_history(flagger.id)
    labels = sorted(row.label for row in history.rows)
    assert labels == ["aged away", "declined", "helpful", "pending"]
    row = next(r for r in history.rows if r.label == "declined")
    assert row.note == "It's on topic"
    assert history.record["helpful"] == 1 and history.record["declined"] == 1
    only = user_flag_history(flagger.id, state="declined")
    assert [r.label for r in only.rows] == ["declined"]


def test_history_pages_by_keyset():
    flagger = user(15)
    for _ in range(5):
        _flag(flagger=flagger)
    first = user_flag_history(flagger.id, size=2)
    second = user_flag_history(flagger.id, before=first.next_key, size=2)
    third = user_flag_history(flagger.id, before=second.next_key, size=2)
    ids = [r.key for r in first.rows + second.rows + third.rows]
    assert len(ids) == len(set(ids)) == 5 and third.next_key == ""


def test_flaggers_counters_match_a_recount(moderator):
    """Raising, the automatic outcomes and handling keep each flagger's counters equal to a
    recount of their flags."""
    from quaestio.moderation.flag_handling import flagger_records_rebuild
    from quaestio.moderation.models import FlaggerRecord
    from tests.moderation.flag_support import author, flaggers

    team = flaggers(6)
    spam = question(author(150))
    for flagger in team:
        post_flag_raise(flagger, spam.id, "spam")  # the sixth deletes: six helpful
    other = question(user(10))
    post_flag_raise(team[0], other.id, "very_low_quality")
    post_flag_raise(team[1], other.id, "rude")
    flags_handle(moderator, outcome="declined", post_id=other.id, decline_reason="no_evidence")
    post_flag_raise(team[2], question(user(10)).id, "spam")
    live = {
        r.user_id: (r.pending, r.helpful, r.declined, r.disputed, r.aged)
        for r in FlaggerRecord.objects.all()
    }
    assert live[team[0].id] == (0, 1, 1, 0, 0) and live[team[2].id] == (1, 1, 0, 0, 0)
    flagger_records_rebuild()
    recounted = {
        r.user_id: (r.pending, r.helpful, r.declined, r.disputed, r.aged)
        for r in FlaggerRecord.objects.all()
    }
    assert recounted == live
