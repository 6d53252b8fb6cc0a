"""Flag races with real threads: six flaggers pressing at the same moment delete the post once
and cost its author 100 once; one flagger pressing many times flags once. PostgreSQL: real
row locks. SQLite: the races run in a separate pytest process whose test database is a file
(as tests/moderation/test_deletion_race.py does)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.moderation.flags import comment_flag_raise, post_flag_raise
from quaestio.moderation.models import Flag, PostLock
from quaestio.posts.models import Post, PostHistory
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.reputation.recalc import recalculate
from quaestio.votes.models import Vote
from tests.moderation.flag_support import author, comment_on, flaggers, reputation_of
from tests.moderation.states_support import community
from tests.moderation.support import question, user
from tests.votes.conftest import SQLITE_FILE, rerun_on_sqlite_file
from tests.votes.test_concurrency import run_at_once

IN_MEMORY_SQLITE = connection.vendor == "sqlite" and not os.environ.get(SQLITE_FILE)
pytestmark = pytest.mark.django_db(transaction=True)
racing = pytest.mark.skipif(
    IN_MEMORY_SQLITE, reason="run by test_the_races_on_a_sqlite_file, in a separate process"
)


@pytest.fixture(autouse=True)
def community_user():
    """The Community user of migration accounts/0002: an earlier transactional test's flush
    removed it, and its downvote is what these races count."""
    return community()


@racing
def test_six_spam_flaggers_at_once_delete_once_and_cost_100_once():
    """Six 15-rep users flag as spam together: one deletion (PostHistory 12), one lock, one
    Community downvote, one −100 (250 → 150), six helpful flags; recalc agrees."""
    owner = author(250)
    q = question(owner)
    results = run_at_once([lambda f=f: post_flag_raise(f, q.id, "spam") for f in flaggers(6)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.action for r in results) == ["deleted"] + ["flagged"] * 5
    assert Post.objects.get(id=q.id).deletion_date is not None
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=12).count() == 1
    assert PostHistory.objects.filter(post_id=q.id, post_history_type=14).count() == 1
    assert PostLock.objects.filter(post_id=q.id).count() == 1
    assert Vote.objects.filter(post_id=q.id, user_id=COMMUNITY_USER_ID).count() == 1
    assert ReputationChange.objects.filter(user=owner, reason=Reason.SPAM_PENALTY).count() == 1
    assert reputation_of(owner) == 150
    assert list(Flag.objects.filter(post=q).values_list("state", flat=True)) == ["helpful"] * 6
    assert recalculate(user_ids=[owner.id]) == []


@racing
def test_eight_flaggers_at_once_the_late_ones_find_it_deleted():
    """Eight at once: six count, the deletion happens once, the two late ones are told the
    post is deleted and leave no flag."""
    owner = author(250)
    q = question(owner)
    results = run_at_once([lambda f=f: post_flag_raise(f, q.id, "rude") for f in flaggers(8)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 2 and all("deleted" in e.message for e in errors)
    assert Flag.objects.filter(post=q).count() == 6
    assert reputation_of(owner) == 150


@racing
def test_one_flagger_pressing_many_times_flags_once():
    q = question(user(10))
    flagger = user(15)
    results = run_at_once([lambda: post_flag_raise(flagger, q.id, "spam") for _ in range(5)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Flag.objects.filter(post=q).count() == 1
    assert sorted(r.action for r in results) == ["flagged"] + ["unchanged"] * 4


@racing
def test_three_obsolete_comment_flags_at_once_remove_it_once():
    q = question(user(10))
    c = comment_on(q)
    results = run_at_once(
        [lambda f=f: comment_flag_raise(f, c.id, "no_longer_needed") for f in flaggers(3)]
    )
    assert sorted(r.action for r in results) == ["deleted", "flagged", "flagged"]
    assert Post.objects.get(id=q.id).comment_count == 0


@pytest.mark.skipif(
    connection.vendor != "sqlite" or not IN_MEMORY_SQLITE,
    reason="the SQLite file run of the races; PostgreSQL runs them directly",
)
def test_the_races_on_a_sqlite_file(tmp_path):
    """Every race above, in a pytest process whose SQLite test database is a file."""
    progress = rerun_on_sqlite_file(__file__, tmp_path)
    assert progress.count(".") == 4 and set(progress) == {".", "s"}, progress
