"""Delete and undelete votes (spec §7.6): who may vote where, how many votes it takes, the
rows they leave (Votes 10/11, PostHistory 12/13 with the voters), reputation going with the
post, the selector the question page reads, the confirm pages and /tools."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quaestio.core.errors import PermissionDenied
from quaestio.moderation import rules, selectors
from quaestio.moderation.deletion import delete_vote_cast, undelete_vote_cast
from quaestio.moderation.models import DeletionVote, DeletionVoteState
from quaestio.posts.models import Post, PostHistory
from quaestio.posts.services import post_delete, post_undelete
from quaestio.votes.models import Vote
from quaestio.votes.services import vote_set
from tests.moderation.support import question, user, voters
from tests.votes.factories import make_answer

pytestmark = pytest.mark.django_db


def closed_question(hours_ago: float = 72, score: int = 0, **extra) -> Post:
    return question(
        user(10),
        closed_date=timezone.now() - timedelta(hours=hours_ago),
        close_reason=103,
        score=score,
        **extra,
    )


def _client(who) -> Client:
    client = Client()
    client.force_login(who)
    return client


def reload(post: Post) -> Post:
    post.refresh_from_db()
    return post


# Who may vote, and how many votes it takes


def test_three_10k_votes_delete_a_question_closed_48_hours_ago():
    """Two votes stand as pending; the third deletes the question once, with PostHistory 12
    "via Vote" naming the three voters and one Votes row of type 10 per voter."""
    q = closed_question(hours_ago=49)
    team = voters(3, reputation=10_000)
    assert delete_vote_cast(team[0], q.id).action == "voted"
    second = delete_vote_cast(team[1], q.id)
    assert second.action == "voted" and second.pending_votes == 2 and not second.deleted
    assert reload(q).deletion_date is None
    third = delete_vote_cast(team[2], q.id)
    assert third.action == "deleted" and third.voters == [v.id for v in team]
    assert reload(q).deletion_date is not None
    (row,) = PostHistory.objects.filter(post=q, post_history_type=12)
    assert row.comment == "via Vote" and row.user_id == team[2].id
    assert [v["Id"] for v in json.loads(row.text)["Voters"]] == [v.id for v in team]
    assert Vote.objects.filter(post=q, vote_type=10).count() == 3
    assert set(DeletionVote.objects.filter(post=q).values_list("state", flat=True)) == {"applied"}


def test_10k_user_cannot_vote_on_an_open_or_recently_closed_question():
    """Open questions take no delete votes; a question closed less than 48 hours ago only from
    20k users and only at a score of -3 or less."""
    voter = user(10_000)
    for q, words in (
        (question(user(10)), "Only closed questions"),
        (closed_question(hours_ago=47, score=-5), "Trusted-user"),
        (closed_question(hours_ago=47, score=-2), "-3 or less"),
    ):
        with pytest.raises(PermissionDenied) as refused:
            delete_vote_cast(voter, q.id)
        assert words in refused.value.message
        assert not DeletionVote.objects.filter(post=q).exists()
        assert not Vote.objects.filter(post=q).exists()


def test_20k_user_votes_on_a_recently_closed_question_scored_minus_3():
    q = closed_question(hours_ago=10, score=-3)
    assert delete_vote_cast(user(20_000), q.id).action == "voted"


def test_9999_cannot_vote_on_an_old_closed_question():
    q = closed_question()
    with pytest.raises(PermissionDenied) as refused:
        delete_vote_cast(user(9_999), q.id)
    assert "10,000" in refused.value.message


@override_settings(QUAESTIO_PRIVILEGE_SET="beta")
def test_beta_thresholds_are_2k_and_4k():
    """On a beta site 2k users vote on closed questions, 4k on answers."""
    assert delete_vote_cast(user(2_000), closed_question().id).action == "voted"
    answer = make_answer(question(user(10)), user(10), score=-1)
    with pytest.raises(PermissionDenied):
        delete_vote_cast(user(3_999), answer.id)
    assert delete_vote_cast(user(4_000), answer.id).action == "voted"


def test_answers_take_votes_from_20k_at_score_minus_1_accepted_included():
    """Answers at -1 or less take delete votes from 20k users, an accepted answer of someone
    else's question too; at 0 they take none, and 10k users cast none."""
    q = question(user(10))
    low = make_answer(q, user(10), score=-1)
    Post.objects.filter(id=q.id).update(accepted_answer=low)
    zero = make_answer(q, user(10), score=0)
    with pytest.raises(PermissionDenied) as refused:
        delete_vote_cast(user(20_000), zero.id)
    assert "-1 or less" in refused.value.message
    with pytest.raises(PermissionDenied):
        delete_vote_cast(user(10_000), low.id)
    for voter in voters(3, reputation=20_000):
        outcome = delete_vote_cast(voter, low.id)
    assert outcome.action == "deleted" and reload(low).deletion_date is not None


def test_popular_questions_need_more_votes_up_to_ten():
    """One more vote per 1,000 views and per 10 points of score, never more than 10."""
    assert rules.delete_votes_needed(question(user(10), view_count=999)) == 3
    assert rules.delete_votes_needed(question(user(10), view_count=2_500, score=10)) == 6
    assert rules.delete_votes_needed(question(user(10), view_count=90_000)) == 10
    q = closed_question(view_count=1_000)
    for voter in voters(3, reputation=10_000):
        delete_vote_cast(voter, q.id)
    assert reload(q).deletion_date is None
    assert delete_vote_cast(user(10_000), q.id).action == "deleted"


@override_settings(QUAESTIO_DELETE_VOTES=2)
def test_votes_needed_is_a_setting():
    q = closed_question()
    team = voters(2, reputation=10_000)
    delete_vote_cast(team[0], q.id)
    assert delete_vote_cast(team[1], q.id).action == "deleted"


def test_voting_twice_changes_nothing():
    """A retried vote is an intent already met: one row, one Votes row, said so."""
    q = closed_question()
    voter = user(10_000)
    delete_vote_cast(voter, q.id)
    again = delete_vote_cast(voter, q.id)
    assert again.action == "unchanged" and "already" in again.message
    assert DeletionVote.objects.filter(post=q).count() == 1
    assert Vote.objects.filter(post=q, vote_type=10).count() == 1


def test_retried_deciding_vote_reports_the_deletion():
    q = closed_question()
    team = voters(3, reputation=10_000)
    for voter in team:
        delete_vote_cast(voter, q.id)
    assert delete_vote_cast(team[2], q.id).action == "deleted"
    assert PostHistory.objects.filter(post=q, post_history_type=12).count() == 1


def test_moderators_delete_and_undelete_alone():
    q = question(user(10))  # open: moderators need no closing
    mod = user(1, is_moderator=True)
    assert delete_vote_cast(mod, q.id).action == "deleted"
    assert PostHistory.objects.get(post=q, post_history_type=12).comment == ""
    assert undelete_vote_cast(mod, q.id).action == "undeleted"
    assert reload(q).deletion_date is None
    assert PostHistory.objects.filter(post=q, post_history_type=13).count() == 1


def test_three_undelete_votes_bring_it_back_and_the_owners_vote_counts():
    """Undelete votes need the same privilege; the owner's own vote is one of the three."""
    owner = user(10_000)
    q = question(owner, closed_date=timezone.now() - timedelta(days=3), close_reason=103)
    for voter in voters(3, reputation=10_000):
        delete_vote_cast(voter, q.id)
    with pytest.raises(PermissionDenied):
        undelete_vote_cast(user(9_000), q.id)
    others = voters(2, reputation=10_000)
    undelete_vote_cast(owner, q.id)
    undelete_vote_cast(others[0], q.id)
    assert reload(q).deletion_date is not None
    outcome = undelete_vote_cast(others[1], q.id)
    assert outcome.action == "undeleted" and owner.id in outcome.voters
    row = PostHistory.objects.get(post=q, post_history_type=13)
    assert row.comment == "via Vote" and len(json.loads(row.text)["Voters"]) == 3
    assert Vote.objects.filter(post=q, vote_type=11).count() == 3


def test_votes_from_before_an_undeletion_do_not_count_again():
    """Two delete votes, then the owner deletes and undeletes it: the two no longer stand."""
    owner = user(10)
    q = question(owner, closed_date=timezone.now() - timedelta(days=3), close_reason=103)
    for voter in voters(2, reputation=10_000):
        delete_vote_cast(voter, q.id)
    post_delete(owner, q.id)
    post_undelete(owner, q.id)
    outcome = delete_vote_cast(user(10_000), q.id)
    assert outcome.action == "voted" and outcome.pending_votes == 1
    assert DeletionVote.objects.filter(post=q, state=DeletionVoteState.DISMISSED).count() == 2


def test_a_deleted_questions_answers_go_with_it_and_reputation_comes_back():
    """Deleting a question by votes removes its answerers' vote reputation in the same
    transaction; its answers take no votes of their own; undeleting gives it all back."""
    asker, answerer = user(1), user(1)
    q = question(asker, closed_date=timezone.now() - timedelta(days=3), close_reason=103)
    answer = make_answer(q, answerer)
    vote_set(user(100), answer.id, "up")
    answerer.refresh_from_db()
    assert answerer.reputation == 11
    for voter in voters(3, reputation=10_000):
        delete_vote_cast(voter, q.id)
    answerer.refresh_from_db()
    assert answerer.reputation == 1
    with pytest.raises(PermissionDenied) as refused:
        delete_vote_cast(user(20_000), answer.id)
    assert "question is deleted" in refused.value.message
    for voter in voters(3, reputation=10_000):
        undelete_vote_cast(voter, q.id)
    answerer.refresh_from_db()
    assert answerer.reputation == 11


def test_locked_posts_take_no_votes():
    q = closed_question(locked_date=timezone.now())
    with pytest.raises(PermissionDenied) as refused:
        delete_vote_cast(user(10_000), q.id)
    assert "locked" in refused.value.message


# The selector the question page reads


def test_deletion_state_says_counts_vote_and_what_the_viewer_may_do():
    q = closed_question()
    me, other = user(10_000), user(10_000)
    delete_vote_cast(other, q.id)
    state = selectors.deletion_state([q.id], me)[q.id]
    assert state.delete_votes == 1 and state.votes_needed == 3 and not state.viewer_voted
    assert state.may_vote_delete == (True, "") and state.can_see_votes
    assert state.vote_delete_url == f"/posts/{q.id}/vote-delete"
    delete_vote_cast(me, q.id)
    assert selectors.deletion_state([q.id], me)[q.id].viewer_voted
    anonymous = selectors.deletion_state([q.id], None)[q.id]
    assert not anonymous.may_vote_delete[0] and not anonymous.can_see_votes


def test_deletion_state_of_a_deleted_post_names_the_deleter():
    q = question(user(10))
    mod = user(1, is_moderator=True)
    delete_vote_cast(mod, q.id)
    state = selectors.deletion_state([q.id], user(10_000))[q.id]
    assert state.deleted and state.deleted_by.display_name == mod.display_name
    assert state.may_vote_undelete == (True, "")


def test_deletion_state_costs_the_same_queries_for_one_post_or_many():
    viewer = user(20_000)
    few = [closed_question()]
    many = [closed_question() for _ in range(6)] + [make_answer(few[0], user(1), score=-2)]
    for post in many[:3]:
        delete_vote_cast(user(10_000), post.id)
    delete_vote_cast(user(1, is_moderator=True), many[3].id)
    with CaptureQueriesContext(connection) as one:
        selectors.deletion_state([p.id for p in few], viewer)
    with CaptureQueriesContext(connection) as seven:
        selectors.deletion_state([p.id for p in many], viewer)
    assert len(seven) == len(one) + 1 <= 5  # + the deleters of the deleted ones


# Pages


def test_confirm_page_and_vote_through_the_page():
    q = closed_question()
    voter = user(10_000)
    client = _client(voter)
    page = client.get(f"/posts/{q.id}/vote-delete")
    assert page.status_code == 200 and "Vote to delete" in page.content.decode()
    response = client.post(f"/posts/{q.id}/vote-delete")
    assert response.status_code == 302
    assert DeletionVote.objects.filter(post=q, user=voter).exists()


def test_forged_post_without_csrf_changes_nothing():
    q = closed_question()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user(10_000))
    assert strict.post(f"/posts/{q.id}/vote-delete").status_code == 403
    assert not DeletionVote.objects.filter(post=q).exists()


def test_unprivileged_post_is_refused_with_the_reason_and_changes_nothing():
    q = closed_question()
    response = _client(user(500)).post(f"/posts/{q.id}/vote-delete")
    assert response.status_code == 403 and "10,000" in response.content.decode()
    assert not DeletionVote.objects.filter(post=q).exists()
    assert not Vote.objects.filter(post=q).exists()


def test_anonymous_post_goes_to_login():
    q = closed_question()
    response = Client().post(f"/posts/{q.id}/vote-delete")
    assert response.status_code == 302 and "/users/login" in response["Location"]
    assert not DeletionVote.objects.filter(post=q).exists()


def test_deleted_post_confirm_page_hidden_from_those_who_cannot_see_it():
    q = question(user(10))
    delete_vote_cast(user(1, is_moderator=True), q.id)
    assert _client(user(500)).get(f"/posts/{q.id}/vote-undelete").status_code == 404
    assert _client(user(10_000)).get(f"/posts/{q.id}/vote-undelete").status_code == 200


def test_tools_lists_deletions_close_votes_and_delete_votes_for_10k_only():
    deleted = question(user(10), title="A deleted question about the Gauls")
    delete_vote_cast(user(1, is_moderator=True), deleted.id)
    pending = closed_question(title="A question with a pending delete vote")
    delete_vote_cast(user(10_000), pending.id)
    from quaestio.moderation.services import close_vote_cast

    open_q = question(user(10), title="A question with a pending close vote")
    close_vote_cast(user(3_000), open_q.id, "needs_focus")
    assert _client(user(9_999)).get("/tools").status_code == 403
    assert Client().get("/tools").status_code == 302
    client = _client(user(10_000))
    assert "A deleted question about the Gauls" in client.get("/tools").content.decode()
    assert "pending close vote" in client.get("/tools?section=close").content.decode()
    assert "pending delete vote" in client.get("/tools?section=delete").content.decode()


def test_tools_marks_a_moderator_deleter_with_the_diamond():
    """Moderators' names carry ◆ on /tools as everywhere else; other users' names do not."""
    by_moderator = question(user(10), title="Deleted by a moderator")
    moderator = user(1, is_moderator=True)
    delete_vote_cast(moderator, by_moderator.id)
    html = _client(user(10_000)).get("/tools").content.decode()
    row = html[html.index(moderator.display_name) :]
    assert row.index('class="diamond"') < row.index("</td>")


def test_tools_pages_by_keyset():
    """Three deletions, two a page: the second page starts after the first's last row."""
    mod = user(1, is_moderator=True)
    posts = [question(user(10)) for _ in range(3)]
    for post in posts:
        delete_vote_cast(mod, post.id)
    first = selectors.tools_page("deletions", size=2)
    assert [r.post_id for r in first.rows] == [posts[2].id, posts[1].id] and first.next_key
    second = selectors.tools_page("deletions", first.next_key, size=2)
    assert [r.post_id for r in second.rows] == [posts[0].id] and not second.next_key
