"""Annotations, accounts sharing an address, and moderator messages (issue 17.4): moderators
only, recorded in the audit log; messages reach the inbox and the user's e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from quaestio.accounts import moderating
from quaestio.accounts.models import UserAddress
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.moderation.models import ModeratorAction
from quaestio.notifications.models import ModeratorMessage, Notification
from quaestio.notifications.moderator_messages import moderator_message_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user):
    return make_user(name="Mod Erator", is_moderator=True)


def _client(user, address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def test_annotations_are_written_and_read_by_moderators_only(moderator, make_user):
    user = make_user()
    moderating.annotation_add(moderator, user.id, "Warned about self-promotion in March.")
    notes = moderating.annotations(moderator, user.id)
    assert [n.text for n in notes] == ["Warned about self-promotion in March."]
    assert ModeratorAction.objects.get(action="annotate").target_user_id == user.id
    trusted = make_user(reputation=50000)
    with pytest.raises(PermissionDenied):
        moderating.annotations(trusted, user.id)
    with pytest.raises(PermissionDenied):
        moderating.annotation_add(trusted, user.id, "not allowed")
    with pytest.raises(ValidationFailed):
        moderating.annotation_add(moderator, user.id, "   ")
    page = _client(moderator).get(f"/users/{user.id}/moderate").content.decode()
    assert "Warned about self-promotion in March." in page
    assert _client(user).get(f"/users/{user.id}/moderate").status_code == 403
    profile = _client(make_user()).get(f"/users/{user.id}", follow=True).content.decode()
    assert "self-promotion" not in profile


def test_addresses_are_recorded_from_writes_and_show_other_accounts(moderator, make_user, ask):
    """Two accounts posting from one address show up on each other's moderation page; an
    account seen elsewhere does not."""
    first, second, elsewhere = make_user(200, "Sock One"), make_user(200, "Sock Two"), make_user()
    for user, address in (
        (first, "203.0.113.7"),
        (second, "203.0.113.7"),
        (elsewhere, "198.51.100.1"),
    ):
        _client(user, address).post("/users/edit", {"display_name": user.display_name})
    assert UserAddress.objects.filter(address="203.0.113.7").count() == 2
    shared = moderating.accounts_sharing_addresses(moderator, first.id)
    assert [(s.address, [u.id for u in s.others]) for s in shared] == [("203.0.113.7", [second.id])]
    page = _client(moderator).get(f"/users/{first.id}/moderate").content.decode()
    assert "203.0.113.7" in page and "Sock Two" in page
    with pytest.raises(PermissionDenied):
        moderating.accounts_sharing_addresses(make_user(reputation=50000), first.id)


def test_an_address_is_written_once_a_day_not_on_every_request(make_user):
    user = make_user()
    client = _client(user, "192.0.2.5")
    client.post("/users/edit", {"display_name": user.display_name})
    seen = UserAddress.objects.get(user=user).last_seen
    client.post("/users/edit", {"display_name": user.display_name})
    assert UserAddress.objects.get(user=user).last_seen == seen


def test_log_in_records_the_address(make_user):
    user = make_user()
    Client(REMOTE_ADDR="192.0.2.9").post(
        "/users/login", {"email": user.email, "password": "correct horse battery"}
    )
    assert UserAddress.objects.filter(user=user, address="192.0.2.9").exists()


def test_a_moderator_message_reaches_the_inbox_and_the_mailbox(
    moderator, make_user, django_capture_on_commit_callbacks
):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        message = moderator_message_send(
            moderator, user.id, "About your answers", "Please stop posting links to your shop."
        )
    notice = Notification.objects.get(user=user)
    assert notice.kind == Notification.MODERATOR_MESSAGE and notice.summary == "About your answers"
    assert notice.url == f"/users/messages/{message.id}"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "Please stop posting links" in mail.outbox[0].body
    assert ModeratorAction.objects.get(action="message").target_user_id == user.id
    page = _client(user).get(notice.url)
    assert page.status_code == 200 and "Please stop posting links" in page.content.decode()
    assert _client(make_user()).get(notice.url).status_code == 404
    inbox = _client(user).get("/users/inbox").content.decode()
    assert "About your answers" in inbox and "&#9830;" in inbox  # the moderator's diamond


def test_moderator_messages_are_for_moderators_and_checked(moderator, make_user):
    user = make_user()
    with pytest.raises(PermissionDenied):
        moderator_message_send(make_user(reputation=50000), user.id, "Hi", "A long enough text.")
    with pytest.raises(ValidationFailed):
        moderator_message_send(moderator, user.id, "", "A long enough text.")
    with pytest.raises(NotFound):
        moderator_message_send(moderator, 999999, "Hi", "A long enough text.")
    assert not ModeratorMessage.objects.exists() and not mail.outbox


def test_the_message_form_sends(moderator, make_user):
    user = make_user()
    response = _client(moderator).post(
        f"/users/{user.id}/message", {"subject": "Your edits", "text": "Please keep edits small."}
    )
    assert response.status_code == 302
    assert ModeratorMessage.objects.get(user=user).subject == "Your edits"


def test_moderators_show_a_diamond_after_their_name(moderator, make_user, ask):
    question = ask(moderator)
    page = Client().get(f"/questions/{question.id}", follow=True).content.decode()
    assert 'Mod Erator</a><span class="diamond"' in page
    users = Client().get("/users").content.decode()
    assert 'Mod Erator</a><span class="diamond"' in users
    profile = Client().get(f"/users/{moderator.id}", follow=True).content.decode()
    assert '<span class="diamond"' in profile


def test_an_address_that_is_not_one_is_not_recorded(make_user):
    """A malformed address (a misconfigured proxy) is skipped, not a failed request."""
    moderating.record_address(make_user().id, "unknown")
    assert not UserAddress.objects.exists()
