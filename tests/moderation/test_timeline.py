"""A post's timeline (/posts/<id>/timeline): every event in time order from where it is kept,
votes summed per day, closings with their voters; deleted posts only for those who may see
them; a fixed number of queries."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quaestio.comments.services import comment_add
from quaestio.moderation.deletion import delete_vote_cast
from quaestio.moderation.services import close_vote_cast
from quaestio.moderation.timeline import post_timeline
from quaestio.posts.models import PostHistory
from quaestio.votes.models import Vote
from quaestio.votes.services import vote_set
from tests.moderation.support import question, user, voters
from tests.votes.factories import make_answer

pytestmark = pytest.mark.django_db


def _client(who=None) -> Client:
    client = Client()
    if who is not None:
        client.force_login(who)
    return client


def history(post, kind: int, who, when, text: str = "", comment: str = "") -> None:
    PostHistory.objects.create(
        post=post,
        post_history_type=kind,
        revision_guid=str(uuid.uuid4()),
        creation_date=when,
        user=who,
        text=text,
        comment=comment,
    )


def test_timeline_lists_every_event_in_time_order():
    """Asked, an edit, an answer, a comment, votes per day, close votes and the closing with its
    voters, a lock, protection, a notice and a bounty: all shown, oldest first."""
    asker = user(10)
    q = question(asker)
    start = q.creation_date
    guid = str(uuid.uuid4())
    for kind in (1, 2, 3):  # the initial revision: one event
        PostHistory.objects.create(
            post=q, post_history_type=kind, revision_guid=guid, creation_date=start, user=asker
        )
    history(q, 5, asker, start + timedelta(minutes=5), comment="fixed a <b>date</b>")
    answer = make_answer(q, user(10))
    comment_add(user(50), q.id, "Which legion was it, the <i>Tenth</i>?")
    for voter in voters(2, reputation=200):
        vote_set(voter, q.id, "up")
    vote_set(user(200), q.id, "down")
    closers = voters(3)
    for closer in closers:
        close_vote_cast(closer, q.id, "needs_focus")
    mod = user(1, is_moderator=True)
    later = timezone.now() + timedelta(seconds=1)
    voters_text = json.dumps({"Voters": [{"Id": mod.id, "DisplayName": mod.display_name}]})
    history(q, 14, mod, later, voters_text)
    history(q, 19, mod, later + timedelta(seconds=1), voters_text)
    history(q, 33, mod, later + timedelta(seconds=2), comment="1")
    Vote.objects.create(post=q, vote_type=8, user=asker, bounty_amount=50, creation_date=later)

    html = _client().get(f"/posts/{q.id}/timeline").content.decode()
    names = [e.name for e in post_timeline(q).events if e.kind != "votes"]
    assert names[:2] == ["asked", "edited"]
    assert names.count("asked") == 1 and names.count("close vote") == 3
    for name in ("answer", "comment", "closed", "locked", "protected", "notice added"):
        assert name in names
    assert "bounty started" in names
    assert names.index("closed") > names.index("comment")
    closed = next(e for e in post_timeline(q).events if e.name == "closed")
    assert [v.name for v in closed.voters] == [c.display_name for c in closers]
    (day,) = [e for e in post_timeline(q).events if e.kind == "votes"]
    assert (day.up, day.down) == (2, 1)
    assert "+2" in html and "−1" in html
    assert "fixed a &lt;b&gt;date&lt;/b&gt;" in html  # escaped
    assert "the &lt;i&gt;Tenth&lt;/i&gt;?" in html
    assert f"/a/{answer.id}" in html and f'href="/posts/{q.id}/revisions"' in html
    for closer in closers:
        assert closer.display_name in html


def test_deletions_show_with_their_voters():
    q = question(user(10), closed_date=timezone.now() - timedelta(days=3), close_reason=103)
    team = voters(3, reputation=10_000)
    for voter in team:
        delete_vote_cast(voter, q.id)
    events = post_timeline(q).events
    assert [e.name for e in events] == ["asked"] + ["delete vote"] * 3 + ["deleted"]
    deleted = next(e for e in events if e.name == "deleted")
    assert [v.name for v in deleted.voters] == [v.display_name for v in team]


def test_deleted_posts_timeline_only_for_owner_and_10k():
    owner = user(10)
    q = question(owner)
    answer = make_answer(q, user(10))
    delete_vote_cast(user(1, is_moderator=True), q.id)
    for path in (f"/posts/{q.id}/timeline", f"/posts/{answer.id}/timeline"):
        assert _client().get(path).status_code == 404
        assert _client(user(9_999)).get(path).status_code == 404
        assert _client(user(10_000)).get(path).status_code == 200
    assert _client(owner).get(f"/posts/{q.id}/timeline").status_code == 200


def test_unknown_post_is_404():
    assert _client().get("/posts/987654321/timeline").status_code == 404


def test_timeline_costs_a_fixed_number_of_queries():
    """Seven reads whether the post has one comment or twenty, one vote day or many."""
    q = question(user(10))
    comment_add(user(50), q.id, "A first comment on the legion question.")
    with CaptureQueriesContext(connection) as few:
        post_timeline(q)
    for n in range(5):
        make_answer(q, user(10))
        comment_add(user(50), q.id, f"Another comment on the legion question, number {n}.")
        Vote.objects.create(
            post=q, vote_type=2, user=user(20), creation_date=timezone.now() - timedelta(days=n)
        )
    with CaptureQueriesContext(connection) as many:
        events = post_timeline(q).events
    assert len(many) == len(few) <= 7
    assert len([e for e in events if e.kind == "votes"]) == 5
