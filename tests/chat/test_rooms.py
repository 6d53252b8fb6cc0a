"""Talking in a discussion room: who may, what a message becomes, edits, stars, mentions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quaestio.chat import services
from quaestio.chat.models import MessageStar
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.live.models import LiveEvent
from quaestio.moderation.models import DiscussionRoom, RoomMessage
from quaestio.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_moved_comments_are_the_rooms_first_messages_and_counted(room):
    """The comment move makes a room whose first message is the moved comment, with counters."""
    messages = list(RoomMessage.objects.filter(room=room))
    assert [m.comment_id is not None for m in messages] == [True]
    assert DiscussionRoom.objects.get(id=room.id).message_count == 1


def test_talking_needs_20_reputation_and_changes_nothing_when_refused(room, make_user):
    """Below 20 reputation a message is refused with the privilege's reason; nothing is written."""
    newcomer = make_user(reputation=19)
    with pytest.raises(PermissionDenied, match="20 reputation"):
        services.message_post(newcomer, room.id, "hello everyone")
    assert RoomMessage.objects.filter(room=room).count() == 1
    page = _client(newcomer).get(f"/rooms/{room.id}").content.decode()
    assert 'id="room-say"' not in page and "20 reputation" in page


def test_a_message_is_markdown_lite_sanitised_counted_and_published(room, make_user):
    """**bold**, `code` and links render; raw HTML does not; the room's counter and its live
    channel hear of it."""
    talker = make_user(reputation=20, name="Talker One")
    message = services.message_post(
        talker, room.id, "**bold** and `code` <script>alert(1)</script> [site](https://example.org)"
    )
    assert "<strong>bold</strong>" in message.text_html and "<code>code</code>" in message.text_html
    assert "<script>" not in message.text_html
    assert 'href="https://example.org"' in message.text_html
    assert DiscussionRoom.objects.get(id=room.id).message_count == 2
    event = LiveEvent.objects.filter(channel=f"room:{room.id}").latest("id")
    assert event.kind == "message" and event.data["id"] == message.id


def test_empty_and_overlong_messages_are_refused(room, make_user):
    talker = make_user(reputation=20)
    for text in ("   ", "x" * 501):
        with pytest.raises(ValidationFailed):
            services.message_post(talker, room.id, text)


def test_a_mention_and_a_reply_reach_the_inbox(room, make_user, django_capture_on_commit_callbacks):
    """@name of someone who talked in the room makes an inbox item linking to the message;
    ":id text" replies to a message and pings its author."""
    talker = make_user(reputation=20, name="Talker Two")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_post(talker, room.id, "what do you think @Commenter?")
    item = Notification.objects.get(user=room.commenter, kind=Notification.MENTION)
    assert item.url.endswith(f"/rooms/{room.id}#message-{message.id}")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.message_post(room.commenter, room.id, f":{message.id} I agree")
    assert reply.reply_to_id == message.id and not reply.text_html.startswith(":")
    assert Notification.objects.filter(user=talker, kind=Notification.MENTION).count() == 1


def test_a_message_can_be_edited_by_its_author_for_two_minutes(room, make_user):
    talker = make_user(reputation=20)
    message = services.message_post(talker, room.id, "first version")
    edited = services.message_edit(talker, message.id, "second *version*")
    assert "<em>version</em>" in edited.text_html and edited.edited_date is not None
    with pytest.raises(PermissionDenied, match="only your own"):
        services.message_edit(make_user(reputation=20), message.id, "not mine")
    late = message.creation_date + timedelta(minutes=2, seconds=1)
    with pytest.raises(PermissionDenied, match="2 minutes"):
        services.message_edit(talker, message.id, "too late", now=late)
    assert RoomMessage.objects.get(id=message.id).text == "second *version*"


def test_stars_are_intents_counted_once_and_not_for_your_own(room, make_user):
    talker, fan = make_user(reputation=20), make_user(reputation=20)
    message = services.message_post(talker, room.id, "star me")
    services.message_star(fan, message.id, True)
    services.message_star(fan, message.id, True)  # repeated: no second star
    assert RoomMessage.objects.get(id=message.id).star_count == 1
    assert MessageStar.objects.filter(message=message).count() == 1
    services.message_star(fan, message.id, False)
    assert RoomMessage.objects.get(id=message.id).star_count == 0
    with pytest.raises(PermissionDenied):
        services.message_star(talker, message.id, True)


def test_the_room_page_links_back_to_its_post_and_the_post_links_to_the_room(room):
    """The room names its post with a link; the post's "moved to chat" notice links the room."""
    page = Client().get(f"/rooms/{room.id}").content.decode()
    assert f'href="/questions/{room.question.id}/' in page
    question_page = Client().get(f"/questions/{room.question.id}", follow=True).content.decode()
    assert f'href="/rooms/{room.id}"' in question_page


def test_the_form_posts_and_the_json_answers(room, make_user):
    """A plain form post redirects to the message; with Accept: application/json the answer
    is JSON, and a refusal is a JSON error with its status."""
    talker = _client(make_user(reputation=20))
    response = talker.post(f"/rooms/{room.id}/say", {"text": "plain form"})
    assert response.status_code == 302 and "#message-" in response["Location"]
    low = _client(make_user(reputation=1))
    refused = low.post(
        f"/rooms/{room.id}/say", {"text": "hi"}, headers={"Accept": "application/json"}
    )
    assert refused.status_code == 403 and "reputation" in refused.json()["error"]
    fragments = Client().get(f"/rooms/{room.id}/messages?after=0").json()["messages"]
    assert any("plain form" in f["html"] for f in fragments)


def test_the_transcript_shows_one_day_with_links_to_the_days_around(room, make_user):
    """/transcript/<room>/<year>/<month>/<day> (as chat.stackexchange.com writes it, without
    leading zeros; zero-padded addresses work too): that UTC day's messages, and the neighbouring days
    that have messages."""
    talker = make_user(reputation=20)
    today = timezone.now()
    earlier = services.message_post(
        talker, room.id, "said two days ago", now=today - timedelta(days=2)
    )
    RoomMessage.objects.filter(id=earlier.id).update(creation_date=today - timedelta(days=2))
    day = (today - timedelta(days=2)).date()
    page = Client().get(f"/transcript/{room.id}/{day:%Y/%m/%d}").content.decode()
    assert "said two days ago" in page
    next_day = f"/transcript/{room.id}/{today.year}/{today.month}/{today.day}"
    assert next_day in page  # the next day with messages
    assert Client().get(f"/transcript/{room.id}/2024/02/30").status_code == 404


def test_the_rooms_list_shows_rooms_by_activity(room, make_user):
    services.message_post(make_user(reputation=20), room.id, "activity")
    page = Client().get("/rooms").content.decode()
    assert f'href="/rooms/{room.id}"' in page and "2 messages" in page
