"""E-mail for the inbox and watched tags: the user's choice, through Django's mail framework,
each message with a working one-click unsubscribe, digests that never mail an item twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from quaestio.notifications import mail as mailing
from quaestio.notifications.models import MailPreference, Notification
from quaestio.notifications.services import mail_preferences_set, notify
from quaestio.posts.models import Post
from quaestio.tags.preferences import tag_preference_set
from quaestio.tags.selectors import watched_tag_names


@pytest.fixture
def reader(make_user):
    return make_user()


def test_immediate_choice_mails_each_item_with_unsubscribe_headers(
    reader, django_capture_on_commit_callbacks
):
    """With "at once", an inbox item is mailed by the task, with List-Unsubscribe and
    List-Unsubscribe-Post headers and the link in the text."""
    mail_preferences_set(reader, inbox="immediate", watched_tags="off")
    with django_capture_on_commit_callbacks(execute=True):
        notify(reader.id, Notification.MENTION, summary="Look at <this>", url="/q/1")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reader.email]
    assert "Look at <this>" in message.body and "/q/1" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].strip("<>") in message.body
    assert not Notification.objects.get().mail_pending


def test_daily_digest_mails_unread_items_once(reader, make_user):
    """The default daily digest mails the unread waiting items in one message; a second run
    sends nothing; items read before the digest are left out."""
    other = make_user()
    notify(reader.id, Notification.MENTION, summary="first thing")
    notify(reader.id, Notification.ANSWER, summary="second thing")
    read = notify(other.id, Notification.MENTION, summary="already seen")
    Notification.objects.filter(id=read.id).update(read_date=timezone.now())
    assert mailing.send_inbox_digests() == 1
    assert len(mail.outbox) == 1
    assert "first thing" in mail.outbox[0].body and "second thing" in mail.outbox[0].body
    assert mailing.send_inbox_digests() == 0
    assert not Notification.objects.filter(mail_pending=True).exists()
    assert len(mail.outbox) == 1


def test_off_sends_nothing(reader, django_capture_on_commit_callbacks):
    """With inbox e-mail off, items wait for no digest and nothing is mailed."""
    mail_preferences_set(reader, inbox="off", watched_tags="off")
    with django_capture_on_commit_callbacks(execute=True):
        notify(reader.id, Notification.MENTION, summary="quiet")
    assert mailing.send_inbox_digests() == 0 and mail.outbox == []


def test_daily_jobs_command_sends_the_digest(reader, capsys):
    """`quaestio daily-jobs` sends the inbox digest through the task backend."""
    from quaestio.notifications.commands import daily_mail

    notify(reader.id, Notification.MENTION, summary="for the digest")
    daily_mail()
    assert "Inbox digests: 1 sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_without_log_in(reader):
    """POSTing the signed link (as a mail client does, without session or CSRF token) turns the
    stream off; GET only asks to confirm; a tampered token changes nothing."""
    mail_preferences_set(reader, inbox="immediate", watched_tags="weekly")
    path = mailing.unsubscribe_url(reader.id, "inbox").split("/users/", 1)[1]
    path = "/users/" + path
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200 and b"<form" in page.content
    assert MailPreference.objects.get(user=reader).inbox == "immediate"
    assert client.post(path[:-2] + "xx", {"List-Unsubscribe": "One-Click"}).status_code == 404
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    preference = MailPreference.objects.get(user=reader)
    assert (preference.inbox, preference.watched_tags) == ("off", "weekly")


def test_preferences_page_saves_and_refuses_bad_values(client, reader):
    """The settings page saves the choices; an unknown value is refused and nothing changes."""
    client.force_login(reader)
    assert client.get("/users/preferences").status_code == 200
    client.post("/users/preferences", {"inbox": "immediate", "watched_tags": "daily"})
    preference = MailPreference.objects.get(user=reader)
    assert (preference.inbox, preference.watched_tags) == ("immediate", "daily")
    response = client.post("/users/preferences", {"inbox": "hourly", "watched_tags": "daily"})
    assert response.status_code == 400
    assert MailPreference.objects.get(user=reader).inbox == "immediate"


def test_watched_tags_digest_mails_new_questions_once(ask, reader):
    """The watched-tags digest lists questions asked since the last one in the tags the reader
    watches (chosen through the tag page's service), credits authors and licence, and does
    not mail a question twice; an ignored tag's questions are not in it."""
    older = ask(title="An older question that creates the tags", tags="rome gaul")
    Post.objects.filter(id=older.id).update(creation_date=timezone.now() - timedelta(hours=2))
    tag_preference_set(reader, "rome", "watched")
    tag_preference_set(reader, "gaul", "ignored")
    mail_preferences_set(reader, inbox="off", watched_tags="daily")
    MailPreference.objects.filter(user=reader).update(
        watched_tags_mailed_through=timezone.now() - timedelta(seconds=1)
    )
    ask(title="How were Roman roads surveyed?", tags="rome")
    ask(title="What did Gauls eat in winter?", tags="gaul")
    assert watched_tag_names(reader.id) == ["rome"]
    assert mailing.send_watched_tag_digests("weekly") == 0
    assert mailing.send_watched_tag_digests("daily") == 1
    body = mail.outbox[0].body
    assert "Roman roads" in body and "Gauls" not in body and "CC BY-SA" in body
    assert "older question" not in body
    assert mail.outbox[0].extra_headers["List-Unsubscribe"]
    assert mailing.send_watched_tag_digests("daily") == 0
    assert len(mail.outbox) == 1


def test_no_watched_tags_no_digest(ask, reader):
    """A reader who watches no tag (only ignores one) gets no digest."""
    ask(title="A question that creates the tag", tags="rome")
    tag_preference_set(reader, "rome", "ignored")
    mail_preferences_set(reader, inbox="off", watched_tags="daily")
    MailPreference.objects.filter(user=reader).update(
        watched_tags_mailed_through=timezone.now() - timedelta(seconds=1)
    )
    ask(title="How were Roman roads surveyed?", tags="rome")
    assert watched_tag_names(reader.id) == []
    assert mailing.send_watched_tag_digests("daily") == 0 and mail.outbox == []
