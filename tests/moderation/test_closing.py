"""Close and reopen votes, close flags and what a closing writes (spec §2, §7.1-7.3)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from quaestio.comments.models import Comment
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation import services
from quaestio.moderation.models import CloseVote, CloseVoteState
from quaestio.moderation.policies import can_flag_to_close, can_vote_to_close
from quaestio.posts.models import CloseReason, LinkType, Post, PostHistory, PostLink
from tests.moderation.support import gold_tag_badge, question, user, voters

pytestmark = pytest.mark.django_db


def _vote(voter, q, reason="opinion_based", **choice):
    return services.close_vote_cast(voter, q.id, reason, **choice)


def _history(q, type_id):
    return list(PostHistory.objects.filter(post_id=q.id, post_history_type=type_id).order_by("id"))


def test_close_privilege_needs_3000_on_a_full_site():
    """Full site: 2,999 reputation may not vote to close (the reason names the 3,000 needed and
    offers a flag); 3,000 may."""
    q = question(user(10))
    allowed, reason = can_vote_to_close(user(2999), q)
    assert not allowed and "3,000" in reason and "flag" in reason
    assert can_vote_to_close(user(3000), q) == (True, "")


@override_settings(QUAESTIO_PRIVILEGE_SET="beta")
def test_close_privilege_needs_500_on_a_beta_site():
    """Beta site thresholds: 500 may vote to close, 499 may not."""
    q = question(user(10))
    assert not can_vote_to_close(user(499), q)[0]
    assert can_vote_to_close(user(500), q) == (True, "")


def test_three_votes_close_the_question_with_history_row():
    """Two votes leave it open; the third closes it in the same call: closed_date and reason on
    the post, a PostHistory type 10 row whose Comment is the reason id and whose Text lists the
    voters as the dump does, and the votes marked applied."""
    q = question(user(10))
    a, b, c = voters(3)
    assert _vote(a, q).action == "voted"
    outcome = _vote(b, q)
    assert outcome.action == "voted" and outcome.pending_votes == 2
    q.refresh_from_db()
    assert q.closed_date is None
    assert _vote(c, q).action == "closed"
    q.refresh_from_db()
    assert q.closed_date is not None and q.close_reason == CloseReason.OPINION_BASED
    (row,) = _history(q, 10)
    assert row.comment == "105" and row.user_id == c.id
    assert json.loads(row.text)["Voters"] == [
        {"Id": v.id, "DisplayName": v.display_name} for v in (a, b, c)
    ]
    assert set(CloseVote.objects.filter(question=q).values_list("state", flat=True)) == {
        CloseVoteState.APPLIED
    }


@override_settings(QUAESTIO_CLOSE_VOTES=5)
def test_votes_needed_is_a_setting():
    """With QUAESTIO_CLOSE_VOTES=5 the third vote does not close; the fifth does."""
    q = question(user(10))
    outcomes = [_vote(v, q).action for v in voters(5)]
    assert outcomes == ["voted"] * 4 + ["closed"]


def test_plurality_reason_wins():
    """The reason most voters chose is the closing's reason."""
    q = question(user(10))
    a, b, c = voters(3)
    _vote(a, q, "needs_focus")
    _vote(b, q, "needs_details")
    _vote(c, q, "needs_focus")
    q.refresh_from_db()
    assert q.close_reason == CloseReason.NEEDS_FOCUS


def test_moderator_closes_alone_and_others_cannot_close_alone():
    """A moderator's question_close closes at once (history lists the moderator); a 3k user's
    question_close is refused and changes nothing."""
    q = question(user(10))
    with pytest.raises(PermissionDenied):
        services.question_close(user(5000), q.id, "needs_focus")
    assert not CloseVote.objects.filter(question=q).exists()
    moderator = user(1, is_moderator=True)
    assert services.question_close(moderator, q.id, "needs_focus").action == "closed"
    q.refresh_from_db()
    assert q.close_reason == CloseReason.NEEDS_FOCUS
    assert json.loads(_history(q, 10)[0].text)["Voters"][0]["Id"] == moderator.id
    assert services.question_reopen(moderator, q.id).action == "reopened"
    q.refresh_from_db()
    assert q.closed_date is None


def test_gold_tag_badge_holder_hammers_duplicates_in_their_tag_only():
    """A gold badge in the question's tag closes and reopens it as a duplicate alone (even
    below the close privilege), but may not close it for another reason; a gold badge in
    another tag gives nothing."""
    original = question(user(10), tags="<rome>")
    q = question(user(10), tags="<rome><army>")
    elsewhere = user(1000)
    gold_tag_badge(elsewhere, "china")
    with pytest.raises(PermissionDenied):
        _vote(elsewhere, q, "duplicate", originals=[original.id])
    holder = user(1000)
    gold_tag_badge(holder, "rome")
    with pytest.raises(PermissionDenied, match="duplicates only"):
        _vote(holder, q, "opinion_based")
    assert _vote(holder, q, "duplicate", originals=[original.id]).action == "closed"
    q.refresh_from_db()
    assert q.close_reason == CloseReason.DUPLICATE
    assert json.loads(_history(q, 10)[0].text)["BindingReason"] == {"GoldTagBadge": "rome"}
    assert services.reopen_vote_cast(holder, q.id).action == "reopened"


def test_asker_votes_on_own_question_at_250():
    """The asker votes to close their own question from 250 reputation, not below, and 250
    does not reach anyone else's question."""
    owner = user(250)
    own = question(owner)
    assert can_vote_to_close(owner, own) == (True, "")
    assert _vote(owner, own).action == "voted"
    assert not can_vote_to_close(owner, question(user(10)))[0]
    poor = user(249)
    allowed, reason = can_vote_to_close(poor, question(poor))
    assert not allowed and "250" in reason


def test_votes_age_away_14_days_after_the_last_one():
    """Two votes whose last is 15 days old no longer count: a third vote leaves the question
    open and the old votes are marked aged; votes 13 days old still count."""
    q = question(user(10))
    old = timezone.now() - timedelta(days=15)
    for voter in voters(2):
        services.close_vote_cast(voter, q.id, "opinion_based", now=old)
    outcome = _vote(user(3000), q)
    assert outcome.action == "voted" and outcome.pending_votes == 1
    assert CloseVote.objects.filter(question=q, state=CloseVoteState.AGED).count() == 2

    fresh = question(user(10))
    recent = timezone.now() - timedelta(days=13)
    for voter in voters(2):
        services.close_vote_cast(voter, fresh.id, "opinion_based", now=recent)
    assert _vote(user(3000), fresh).action == "closed"


def test_aging_job_marks_stale_votes_and_keeps_live_ones():
    """close_votes_age marks the pending votes of questions whose last vote is older than 14
    days, and leaves a question whose last vote is recent alone (its older votes included)."""
    stale, live = question(user(10)), question(user(10))
    old = timezone.now() - timedelta(days=20)
    services.close_vote_cast(user(3000), stale.id, "needs_focus", now=old)
    services.close_vote_cast(user(3000), live.id, "needs_focus", now=old + timedelta(days=8))
    services.close_vote_cast(user(3000), live.id, "needs_focus", now=old + timedelta(days=19))
    assert services.close_votes_age() == 1
    assert CloseVote.objects.get(question=stale).state == CloseVoteState.AGED
    assert set(CloseVote.objects.filter(question=live).values_list("state", flat=True)) == {
        CloseVoteState.PENDING
    }


def test_aged_voter_may_vote_again():
    """After aging, the same user may cast a fresh vote."""
    q = question(user(10))
    voter = user(3000)
    services.close_vote_cast(voter, q.id, "needs_focus", now=timezone.now() - timedelta(days=15))
    assert _vote(voter, q).action == "voted"
    assert CloseVote.objects.filter(question=q, user=voter).count() == 2


def test_sub_threshold_user_raises_a_close_flag_that_does_not_close():
    """A 15-reputation user's close request is a close flag (kept for the close queue); flags
    don't count toward the votes, and a user who may vote cannot flag instead."""
    q = question(user(10))
    flagger = user(15)
    outcome = services.close_request(flagger, q.id, {"reason_key": "needs_details"})
    assert outcome.action == "flagged"
    flag = CloseVote.objects.get(question=q, user=flagger)
    assert flag.is_flag and flag.reason == CloseReason.NEEDS_DETAILS and flag.is_pending
    a, b = voters(2)
    _vote(a, q)
    assert _vote(b, q).action == "voted"  # two votes and a flag: still open
    assert not can_flag_to_close(user(3000), q)[0]
    assert not can_flag_to_close(user(14), q)[0]


def test_duplicate_suggestion_comment_posted_then_removed_on_closing():
    """The first duplicate vote posts "Does this answer your question?" linking the original, as
    its voter; the second posts none; the closing vote removes it and lists both voters'
    originals as PostLinks type 3 and in the history row."""
    first_original = question(user(10), title="How did Caesar bridge the Rhine?")
    second_original = question(user(10), title="Roman pontoon bridges")
    q = question(user(10))
    a, b, c = voters(3)
    _vote(a, q, "duplicate", originals=[first_original.id])
    (comment,) = Comment.objects.filter(post=q)
    assert comment.user_id == a.id
    assert comment.text.startswith("Does this answer your question? [How did Caesar bridge")
    assert f"/questions/{first_original.id}/" in comment.text_html
    _vote(b, q, "duplicate", originals=[second_original.id])
    assert Comment.objects.filter(post=q).count() == 1
    q.refresh_from_db()
    assert q.comment_count == 1
    _vote(c, q, "duplicate", originals=[first_original.id])
    comment.refresh_from_db()
    q.refresh_from_db()
    assert comment.deletion_date is not None and q.comment_count == 0
    assert q.close_reason == CloseReason.DUPLICATE
    links = PostLink.objects.filter(post_id=q.id, link_type=LinkType.DUPLICATE)
    assert sorted(links.values_list("related_post_id", flat=True)) == sorted(
        [first_original.id, second_original.id]
    )
    details = json.loads(_history(q, 10)[0].text)
    assert details["OriginalQuestionIds"] == [first_original.id, second_original.id]


def test_duplicate_needs_a_live_original_other_than_itself():
    """A duplicate vote without an original, naming itself or a missing question is refused
    with a clear message and writes nothing."""
    q = question(user(10))
    voter = user(3000)
    for originals, message in (
        ([], "needs the question"),
        ([q.id], "itself"),
        ([10**12], "No question"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            _vote(voter, q, "duplicate", originals=originals)
    assert not CloseVote.objects.filter(question=q).exists()


def test_reopen_votes_reopen_with_history_and_drop_duplicate_links():
    """Three reopen votes reopen a duplicate: closed_date and reason cleared, PostHistory type
    11 with the voters, its PostLinks type 3 removed."""
    original = question(user(10))
    q = question(user(10))
    for voter in voters(3):
        _vote(voter, q, "duplicate", originals=[original.id])
    openers = voters(3)
    assert [services.reopen_vote_cast(v, q.id).action for v in openers] == [
        "voted",
        "voted",
        "reopened",
    ]
    q.refresh_from_db()
    assert q.closed_date is None and q.close_reason is None
    (row,) = _history(q, 11)
    assert [v["Id"] for v in json.loads(row.text)["Voters"]] == [v.id for v in openers]
    assert not PostLink.objects.filter(post_id=q.id, link_type=LinkType.DUPLICATE).exists()


def test_votes_are_intents_and_retractable():
    """The same vote twice counts once; retracting removes it (and its suggestion comment);
    retracting again changes nothing; a closed question takes no close vote, an open one no
    reopen vote."""
    original = question(user(10))
    q = question(user(10))
    voter = user(3000)
    _vote(voter, q, "duplicate", originals=[original.id])
    assert _vote(voter, q, "duplicate", originals=[original.id]).action == "unchanged"
    assert CloseVote.objects.filter(question=q).count() == 1
    assert services.close_vote_retract(voter, q.id).action == "retracted"
    assert Comment.objects.get(post=q).deletion_date is not None
    assert services.close_vote_retract(voter, q.id).action == "unchanged"
    with pytest.raises(PermissionDenied, match="open"):
        services.reopen_vote_cast(user(3000), q.id)
    services.question_close(user(1, is_moderator=True), q.id, "needs_focus")
    with pytest.raises(PermissionDenied, match="already closed"):
        _vote(user(3000), q)


def test_a_retried_closing_vote_reports_the_closing():
    """The vote that closed the question, sent again, says it counted and changes nothing."""
    q = question(user(10))
    team = voters(3)
    for voter in team:
        _vote(voter, q)
    assert _vote(team[-1], q).action == "closed"
    assert len(_history(q, 10)) == 1


def test_deleted_and_locked_questions_take_no_votes():
    """Deleted questions cannot be closed; locked ones only by moderators."""
    deleted = question(user(10), deletion_date=timezone.now())
    locked = question(user(10), locked_date=timezone.now())
    assert "deleted" in can_vote_to_close(user(3000), deleted)[1]
    assert "locked" in can_vote_to_close(user(3000), locked)[1]
    assert can_vote_to_close(user(1, is_moderator=True), locked)[0]


def test_site_off_topic_reason_closes_with_its_own_notice():
    """Closing for a site reason stores the off-topic id 102 and the site reason in the history
    row; an unknown or retired site reason is refused."""
    from quaestio.moderation.models import OffTopicReason

    reason = OffTopicReason.objects.create(
        brief_description="About modern politics", post_notice="Modern politics is off-topic."
    )
    q = question(user(10))
    with pytest.raises(ValidationFailed):
        _vote(user(3000), q, "off_topic", off_topic_reason_id=10**6)
    for voter in voters(3):
        _vote(voter, q, "off_topic", off_topic_reason_id=reason.id)
    q.refresh_from_db()
    assert q.close_reason == CloseReason.OFF_TOPIC
    assert json.loads(_history(q, 10)[0].text)["OffTopicReasonId"] == reason.id
    assert Post.objects.get(id=q.id).closed_date is not None


def test_daily_jobs_age_close_votes(capsys):
    """`quaestio daily-jobs` runs the aging and reports how many votes aged away."""
    from quaestio.votes.commands import daily_jobs

    q = question(user(10))
    services.close_vote_cast(
        user(3000), q.id, "needs_focus", now=timezone.now() - timedelta(days=15)
    )
    assert daily_jobs(None) == 0
    assert "Close votes: 1 aged away." in capsys.readouterr().out
    assert CloseVote.objects.get(question=q).state == CloseVoteState.AGED


def test_askers_edit_within_5_days_puts_the_question_in_the_reopen_queue():
    """The asker of a question closed 4 days ago sends it to the reopen queue (a reopen
    request, not a vote: three reopen votes are still needed); others may not, nor the asker
    6 days after the closing; asking twice changes nothing."""
    from quaestio.moderation.selectors import close_state

    owner = user(10)
    q = question(owner)
    closed_at = timezone.now() - timedelta(days=4)
    for voter in voters(3):
        services.close_vote_cast(voter, q.id, "needs_details", now=closed_at)
    with pytest.raises(PermissionDenied, match="asker"):
        services.reopen_review_request(user(3000), q.id)
    assert services.reopen_review_request(owner, q.id).action == "flagged"
    assert services.reopen_review_request(owner, q.id).action == "unchanged"
    state = close_state(q.id, owner)
    assert (state.reopen_requests, state.reopen_votes) == (1, 0)
    openers = voters(3)
    assert [services.reopen_vote_cast(v, q.id).action for v in openers][-1] == "reopened"
    late = question(owner)
    for voter in voters(3):
        services.close_vote_cast(
            voter, late.id, "needs_details", now=timezone.now() - timedelta(days=6)
        )
    assert not close_state(late.id, owner).may_request_reopen_review[0]
    with pytest.raises(PermissionDenied, match="5 days"):
        services.reopen_review_request(owner, late.id)


def test_export_writes_the_closing_as_the_dump_does(tmp_path):
    """export-dump writes a closing made here as a dump would carry it: the post's ClosedDate,
    a PostHistory type 10 row (Comment 101, the voters and originals as JSON in Text) and a
    PostLinks type 3 row."""
    from quaestio.dumps.exporter import export_dump

    original = question(user(10))
    q = question(user(10))
    for voter in voters(3):
        _vote(voter, q, "duplicate", originals=[original.id])
    export_dump(tmp_path / "out")
    posts = (tmp_path / "out" / "Posts.xml").read_text(encoding="utf-8-sig")
    row = next(line for line in posts.splitlines() if f'<row Id="{q.id}" ' in line)
    assert "ClosedDate=" in row
    history = (tmp_path / "out" / "PostHistory.xml").read_text(encoding="utf-8-sig")
    closed = next(line for line in history.splitlines() if 'PostHistoryTypeId="10"' in line)
    assert f'PostId="{q.id}"' in closed and 'Comment="101"' in closed
    assert f"&quot;OriginalQuestionIds&quot;:[{original.id}]" in closed
    links = (tmp_path / "out" / "PostLinks.xml").read_text(encoding="utf-8-sig")
    assert f'PostId="{q.id}" RelatedPostId="{original.id}" LinkTypeId="3"' in links
