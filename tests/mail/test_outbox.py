"""Mail that works (issue 21 point 4): every message goes through the outbox and the task
worker, is retried when the transport fails, is never sent to an address that bounced or
complained (as the provider reports back), and the owner's page shows settings, a test
message and the log. The transport here is Django's in-memory one (mail.outbox)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.test import Client
from django.utils import timezone

from quaestio.core.retry import MAX_ATTEMPTS
from quaestio.mail import services
from quaestio.mail.models import MailState, MailSuppression, OutgoingMail
from quaestio.mail.provider_events import suppressions_in

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
BROKEN = "tests.mail.broken_transport.BrokenBackend"


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "quaestio.mail.backend.OutboxBackend"
    settings.QUAESTIO_MAIL_TRANSPORT = LOCMEM
    return settings


def test_a_message_goes_out_after_commit_through_the_transport(
    outbox, db, django_capture_on_commit_callbacks
):
    """send_mail puts a row in the outbox; after the commit the worker's task sends it through
    the transport and the row says sent; nothing is sent before the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Welcome", "Hello there.", None, ["reader@example.org"])
    [sent] = mail.outbox
    assert sent.to == ["reader@example.org"] and "Hello there." in sent.message().as_string()
    row = OutgoingMail.objects.get()
    assert (row.state, row.attempts, row.recipient) == (MailState.SENT, 1, "reader@example.org")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail("Later", "After the commit.", None, ["other@example.org"])
    assert len(callbacks) == 1 and len(mail.outbox) == 1


def test_a_failing_transport_is_retried_then_given_up(
    outbox, db, django_capture_on_commit_callbacks
):
    """A transport error leaves the message pending with a retry a minute later; retried until
    it works, or marked failed after the last attempt, with the error kept for the owner."""
    outbox.QUAESTIO_MAIL_TRANSPORT = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Digest", "Your day.", None, ["reader@example.org"])
    row = OutgoingMail.objects.get()
    assert (row.state, row.attempts) == (MailState.PENDING, 1)
    assert "ConnectionRefusedError" in row.last_error
    outbox.QUAESTIO_MAIL_TRANSPORT = LOCMEM
    assert services.retry_due(row.next_attempt_date - timedelta(seconds=1)) == 0
    assert services.retry_due(row.next_attempt_date) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (MailState.SENT, 2, "")
    assert len(mail.outbox) == 1

    outbox.QUAESTIO_MAIL_TRANSPORT = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Digest", "Another day.", None, ["reader@example.org"])
    failing = OutgoingMail.objects.latest("id")
    when = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        when += timedelta(days=1)
        services.retry_due(when)
    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == (MailState.FAILED, MAX_ATTEMPTS)


SES_BOUNCE = {
    "Type": "Notification",
    "Message": json.dumps(
        {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bouncedRecipients": [{"emailAddress": "gone@example.org"}],
            },
        }
    ),
}
MAILGUN_BOUNCE = {
    "event-data": {"event": "failed", "severity": "permanent", "recipient": "gone@example.org"}
}


@pytest.mark.parametrize(
    "payload, reason",
    [
        ({"type": "bounce", "email": "Gone@Example.org"}, "bounce"),
        (SES_BOUNCE, "bounce"),
        ({"RecordType": "SpamComplaint", "Email": "gone@example.org"}, "complaint"),
        (MAILGUN_BOUNCE, "bounce"),
    ],
    ids=["plain", "ses-via-sns", "postmark-complaint", "mailgun"],
)
def test_a_reported_bounce_or_complaint_stops_mail_to_that_address(
    outbox, db, payload, reason, django_capture_on_commit_callbacks
):
    """The provider posts to /mail/events/<token>: the address is suppressed, and later mail to
    it is logged as suppressed and never sent; a wrong token is a 404 and changes nothing."""
    outbox.QUAESTIO_MAIL_EVENTS_TOKEN = "s3cret-token"
    client = Client()
    body = json.dumps(payload)
    wrong = client.post("/mail/events/guess", body, content_type="application/json")
    assert wrong.status_code == 404 and not MailSuppression.objects.exists()
    response = client.post("/mail/events/s3cret-token", body, content_type="application/json")
    assert response.json() == {"suppressed": 1}
    assert MailSuppression.objects.get().reason == reason
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Again.", None, ["gone@example.org", "fine@example.org"])
    assert [m.to for m in mail.outbox] == [["fine@example.org"]]
    states = dict(OutgoingMail.objects.values_list("recipient", "state"))
    assert states == {"gone@example.org": MailState.SUPPRESSED, "fine@example.org": MailState.SENT}


def test_a_soft_bounce_or_garbage_stops_nothing():
    """Only permanent failures suppress an address; a body that is not JSON is ignored."""
    soft = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "a@b.org"}]},
    }
    assert suppressions_in(json.dumps(soft).encode()) == []
    assert suppressions_in(b"not json") == []


def test_the_owner_page_shows_settings_sends_a_test_and_lists_deliveries(
    outbox, make_user, django_capture_on_commit_callbacks
):
    """Only the owner sees /admin/mail; it shows the transport (never the SMTP password), sends
    a test message that then appears in the log, and can lift a suppression."""
    outbox.QUAESTIO_MAIL_TRANSPORT = "django.core.mail.backends.smtp.EmailBackend"
    outbox.EMAIL_HOST_PASSWORD = "do-not-show-me"
    client = Client()
    client.force_login(make_user(reputation=1, is_moderator=True))
    assert client.get("/admin/mail").status_code == 403
    client.force_login(make_user(reputation=1, is_staff=True))
    page = client.get("/admin/mail").content.decode()
    assert "smtp.EmailBackend" in page and "do-not-show-me" not in page
    outbox.QUAESTIO_MAIL_TRANSPORT = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/mail/test", {"to": "owner@example.org"})
    assert mail.outbox[0].to == ["owner@example.org"]
    assert "owner@example.org" in client.get("/admin/mail").content.decode()
    services.suppress("gone@example.org", "bounce")
    client.post("/admin/mail/unsuppress", {"email": "gone@example.org"})
    assert not MailSuppression.objects.exists()
