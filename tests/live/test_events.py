"""The event log: what writes publish, what a reconnecting stream is replayed, what is pruned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from quaestio.live import channels
from quaestio.live.models import LiveEvent
from quaestio.live.services import RETENTION, prune, publish
from quaestio.posts.services import answer_post

pytestmark = pytest.mark.django_db

ANSWER = "Pontoon bridges of boats lashed together, then planks across them; Caesar built one."


def _events(channel: str) -> list[LiveEvent]:
    return list(LiveEvent.objects.filter(channel=channel).order_by("id"))


def test_an_answer_publishes_one_thread_event_with_the_new_version(ask, make_user):
    """Posting an answer writes one "thread" event on the question's channel, naming the
    question and its new thread version (thread_changed is the hook)."""
    question = ask()
    before = len(_events(channels.question(question.id)))
    answer_post(make_user(reputation=100), question.id, body=ANSWER)
    events = _events(channels.question(question.id))
    assert len(events) == before + 1
    assert events[-1].kind == "thread"
    assert events[-1].data["q"] == question.id and events[-1].data["v"] >= 1


def test_a_rolled_back_write_publishes_nothing(ask):
    """The event is written in the transaction of the change: a rollback takes it away."""
    question = ask()
    count = LiveEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(channels.question(question.id), "thread", {"q": question.id})
        raise RuntimeError("the write failed")
    assert LiveEvent.objects.count() == count


def test_an_inbox_item_and_a_reputation_change_publish_to_the_users_channel(
    ask, make_user, django_capture_on_commit_callbacks
):
    """A new answer notifies the asker (inbox) and the notification publishes a user event;
    a reputation ledger row publishes one too."""
    from quaestio.reputation.services import change

    asker = make_user(reputation=100)
    question = ask(user=asker)
    with django_capture_on_commit_callbacks(execute=True):
        answer_post(make_user(reputation=100), question.id, body=ANSWER)
    kinds = [e.kind for e in _events(channels.user(asker.id))]
    assert "inbox" in kinds
    with transaction.atomic():
        change(asker.id, 10, "upvote", post_id=question.id)
    assert _events(channels.user(asker.id))[-1].kind == "reputation"


def test_a_reconnecting_stream_is_replayed_what_it_missed_on_its_channels_only(ask, make_user):
    """GET /live/stream with Last-Event-ID (here served by the WSGI fallback, which answers
    and closes) sends the events after that id on the asked channels, and no others."""
    question, other = ask(), ask(title="Why did the Republic fall so quickly?")
    start = publish(channels.question(question.id), "thread", {"q": question.id})
    mine = publish(channels.question(question.id), "thread", {"q": question.id, "v": 9})
    publish(channels.question(other.id), "thread", {"q": other.id})
    response = Client().get(
        f"/live/stream?question={question.id}", headers={"Last-Event-ID": str(start)}
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/event-stream")
    assert f"id: {mine}\nevent: thread\n" in body
    assert f'"q":{other.id}' not in body
    assert "retry: " in body


def test_the_list_subscription_hears_every_question(ask):
    """?questions=1 (the lists' "N questions with new activity") receives every thread event."""
    first, second = ask(), ask(title="Why did the Republic fall so quickly?")
    start = publish(channels.question(first.id), "thread", {"q": first.id})
    publish(channels.question(second.id), "thread", {"q": second.id})
    body = Client().get("/live/stream?questions=1", headers={"Last-Event-ID": str(start)})
    assert f'"q":{second.id}' in body.content.decode()


def test_a_stream_away_longer_than_the_retention_is_told_to_reset(ask):
    """Events older than the retention are pruned; a stream whose Last-Event-ID is before what
    is kept gets a "reset" event (the page re-reads its state) instead of a partial replay."""
    question = ask()
    seen = publish(channels.question(question.id), "thread", {"q": question.id})
    missed = publish(channels.question(question.id), "thread", {"q": question.id})
    LiveEvent.objects.filter(id__lte=missed).update(created_at=timezone.now() - 2 * RETENTION)
    assert prune() >= 2
    publish(channels.question(question.id), "thread", {"q": question.id})
    publish(channels.question(question.id), "thread", {"q": question.id})
    body = (
        Client()
        .get(f"/live/stream?question={question.id}", headers={"Last-Event-ID": str(seen)})
        .content.decode()
    )
    assert "event: reset" in body


def test_the_thread_state_lists_live_answers_scores_and_comment_counts(ask, make_user):
    """/live/questions/<id>/state.json: what a live page compares with what it shows."""
    question = ask()
    answer = answer_post(make_user(reputation=100), question.id, body=ANSWER)
    state = Client().get(f"/live/questions/{question.id}/state.json").json()
    assert state["answers"] == [answer.id]
    assert state["posts"][str(question.id)]["comments"] == 0
    assert Client().get("/live/questions/999999/state.json").status_code == 404


def test_prune_keeps_recent_events(ask):
    """Pruning removes only what is past the retention."""
    question = ask()
    recent = publish(channels.question(question.id), "thread", {})
    assert prune(timezone.now() + timedelta(minutes=1)) >= 0
    assert LiveEvent.objects.filter(id=recent).exists()
