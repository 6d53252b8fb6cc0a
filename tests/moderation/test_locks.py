"""Locks (spec §7.5): each kind stops what it names and lets the rest go on, for a time or for
good; unlocking; expiry on read and by the daily job; history rows; the forms."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.comments.policies import can_comment
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation import locks
from quaestio.moderation.models import PostLock
from quaestio.moderation.policies import can_vote_to_close
from quaestio.moderation.post_states import post_states
from quaestio.posts import policies as post_policies
from quaestio.posts.models import Post, PostHistoryType
from quaestio.votes.policies import post_frozen_reason
from tests.moderation.states_support import (
    answer,
    community,
    fresh,
    history,
    import_states_dump,
    logged_in,
    moderator,
    queries,
)
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db
LOCKED, UNLOCKED = PostHistoryType.POST_LOCKED, PostHistoryType.POST_UNLOCKED


def _locked(kind: str, post: Post | None = None, duration=None) -> Post:
    post = post or question(user(10))
    locks.post_lock(moderator(), post.id, kind, duration)
    return fresh(post)


def test_content_dispute_stops_edits_but_not_votes_or_comments():
    """A content-dispute lock: the owner cannot edit or delete; votes and comments go on."""
    owner = user(100)
    q = _locked("content_dispute", question(owner))
    allowed, reason = post_policies.can_edit(owner, q)
    assert not allowed and "content dispute" in reason and "edited" in reason
    assert not post_policies.can_delete(owner, q)[0]
    assert post_frozen_reason(q) == ""
    assert can_comment(user(50), q) == (True, "")
    assert post_policies.may_answer(user(10), q) == (True, "")


def test_historical_lock_stops_votes_edits_answers_comments_and_closing():
    """A historical-significance lock freezes the question and the votes on its answers."""
    q = _locked("historical")
    a = answer(q, user(10))
    assert "historical significance" in post_frozen_reason(q)
    assert "votes are disabled" in post_frozen_reason(a)
    assert "not accepting answers" in post_policies.may_answer(user(10), q)[1]
    assert "not accepting comments" in can_comment(user(50), q)[1]
    assert not post_policies.can_edit(user(5000), q)[0]
    assert "cannot be closed" in can_vote_to_close(user(3000), q)[1]


def test_off_topic_comments_lock_stops_only_comments():
    q = _locked("off_topic_comments")
    assert "not accepting comments" in can_comment(user(50), q)[1]
    assert post_policies.can_edit(q.owner, q) == (True, "")
    assert post_frozen_reason(q) == ""
    assert post_policies.may_answer(user(10), q) == (True, "")


def test_wiki_answer_lock_freezes_the_answer_content_and_votes():
    q = question(user(10))
    a = _locked("wiki_answer", answer(q, user(10)))
    assert not post_policies.can_edit(a.owner, a)[0]
    assert "votes are disabled" in post_frozen_reason(a)
    assert can_comment(user(50), a) == (True, "")


def test_no_notice_lock_freezes_everything_but_moderators_still_edit():
    q = _locked("no_notice")
    assert post_frozen_reason(q)
    assert not can_comment(user(50), q)[0]
    assert not post_policies.can_edit(q.owner, q)[0]
    assert post_policies.can_edit(moderator(), q) == (True, "")


def test_lock_writes_history_with_the_dump_type_and_is_an_intent():
    """Type 14 with the moderator as voter and the kind; locking again the same way writes
    nothing; unlocking writes type 15 and clears the date; unlocking again changes nothing."""
    mod = moderator()
    q = question(user(10))
    assert locks.post_lock(mod, q.id, "historical", None).action == "locked"
    assert locks.post_lock(mod, q.id, "historical", None).action == "unchanged"
    (row,) = history(q, LOCKED)
    details = json.loads(row.text)
    assert details["Voters"] == [{"Id": mod.id, "DisplayName": mod.display_name}]
    assert details["LockType"] == "historical" and "Until" not in details
    assert fresh(q).locked_date is not None
    assert locks.post_unlock(mod, q.id).action == "unlocked"
    assert locks.post_unlock(mod, q.id).action == "unchanged"
    assert len(history(q, UNLOCKED)) == 1
    assert fresh(q).locked_date is None and not PostLock.objects.filter(post=q).exists()


def test_another_kind_replaces_the_lock():
    mod = moderator()
    q = question(user(10))
    locks.post_lock(mod, q.id, "historical", None)
    locks.post_lock(mod, q.id, "off_topic_comments", timedelta(days=2))
    assert PostLock.objects.get(post=q).kind == "off_topic_comments"
    assert len(history(q, LOCKED)) == 2
    assert post_frozen_reason(fresh(q)) == ""


def test_timed_lock_ends_on_read_and_the_daily_job_lifts_it():
    """A lock whose time ran out stops nothing at once; locks_expire clears the post's date
    and writes Community's unlock row."""
    bot = community()
    q = question(user(10))
    past = timezone.now() - timedelta(hours=3)
    locks.post_lock(moderator(), q.id, "no_notice", locks.lock_duration("2", "hours"), now=past)
    q = fresh(q)
    assert q.locked_date is not None
    assert locks.lock_refusal(q, locks.VOTE) == ""
    assert locks.lock_refusal(q, locks.VOTE, now=past + timedelta(hours=1))
    assert locks.locks_expire() == 1
    assert fresh(q).locked_date is None
    (row,) = history(q, UNLOCKED)
    assert row.user_id == bot.id
    assert locks.locks_expire() == 0


def test_non_moderator_cannot_lock_and_nothing_changes():
    q = question(user(10))
    with pytest.raises(PermissionDenied, match="Only moderators"):
        locks.post_lock(user(100_000), q.id, "historical", None)
    assert fresh(q).locked_date is None and not history(q, LOCKED)


def test_bad_kind_and_duration_are_refused_and_change_nothing():
    q = question(user(10))
    with pytest.raises(ValidationFailed, match="kind of lock"):
        locks.post_lock(moderator(), q.id, "forever", None)
    for amount, unit in (("0", "days"), ("x", "hours"), ("400", "days"), ("1", "weeks")):
        with pytest.raises(ValidationFailed):
            locks.lock_duration(amount, unit)
    assert locks.lock_duration("3", "days") == timedelta(days=3)
    assert locks.lock_duration("", "permanent") is None
    assert fresh(q).locked_date is None and not history(q, LOCKED)


def test_post_states_reads_locks_in_a_fixed_number_of_queries():
    """The page's selector: the lock's kind, notice and end, and the viewer's actions; the
    same number of queries for two posts as for ten."""
    mod = moderator()
    posts = [question(user(10)) for _ in range(10)]
    for post in posts:
        locks.post_lock(mod, post.id, "content_dispute", timedelta(days=1))
    posts = [fresh(p) for p in posts]
    state = post_states(posts[:1], mod)[posts[0].id]
    assert state.lock.kind == "content_dispute" and state.lock.until is not None
    assert "disputes" in state.lock.notice
    assert state.can_lock and state.can_unlock
    assert not post_states(posts[:1], user(20_000))[posts[0].id].can_unlock
    assert queries(lambda: post_states(posts[:2], mod)) == queries(
        lambda: post_states([fresh(p) for p in posts], mod)
    ) - queries(lambda: [fresh(p) for p in posts])


def test_imported_lock_freezes_the_post(tmp_path):
    """A dump's type 14 row locks the post (its kind unknown: everything stops), and the page's
    selector shows it as a lock."""
    import_states_dump(tmp_path)
    q = Post.objects.get(id=1)
    assert q.locked_date is not None
    assert "locked" in post_frozen_reason(q)
    state = post_states([q], None)[1]
    assert state.lock.kind == "imported" and state.lock.until is None


# The forms


def test_lock_form_locks_through_the_page():
    mod = moderator()
    q = question(user(10))
    client = logged_in(mod)
    page = client.get(f"/posts/{q.id}/lock").content.decode()
    for title in ("Content dispute", "Historical significance", "Off-topic comments"):
        assert title in page
    assert 'name="csrfmiddlewaretoken"' in page
    response = client.post(
        f"/posts/{q.id}/lock", {"kind": "historical", "amount": "3", "unit": "days"}
    )
    assert response.status_code == 302
    lock = PostLock.objects.get(post=q)
    assert lock.kind == "historical" and lock.until > timezone.now() + timedelta(days=2)
    assert client.post(f"/posts/{q.id}/unlock").status_code == 302
    assert fresh(q).locked_date is None


def test_lock_form_refuses_forged_and_unprivileged_posts():
    """Without the CSRF token: 403. A 100k non-moderator: 403 with the reason. Anonymous: the
    login page. Nothing changes."""
    q = question(user(10))
    form = {"kind": "historical", "unit": "permanent"}
    assert logged_in(moderator(), csrf=True).post(f"/posts/{q.id}/lock", form).status_code == 403
    refused = logged_in(user(100_000)).post(f"/posts/{q.id}/lock", form)
    assert refused.status_code == 403 and "Only moderators" in refused.content.decode()
    assert "/users/login" in logged_in_anonymous_post(f"/posts/{q.id}/lock", form)
    assert fresh(q).locked_date is None and not history(q, LOCKED)


def test_lock_form_shows_a_bad_duration():
    q = question(user(10))
    response = logged_in(moderator()).post(
        f"/posts/{q.id}/lock", {"kind": "historical", "amount": "0", "unit": "days"}
    )
    assert response.status_code == 400 and "whole number" in response.content.decode()
    assert fresh(q).locked_date is None


def logged_in_anonymous_post(url: str, form: dict) -> str:
    from django.test import Client

    return Client().post(url, form)["Location"]
