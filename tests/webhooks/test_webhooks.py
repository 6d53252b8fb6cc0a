"""Webhooks (issue 21 point 6): signed requests for new questions, answers, accepted answers
and flags, in our JSON, Slack's and Teams' formats, retried on a backoff, with a delivery log;
the site owner alone manages them. A real local HTTP server receives every request."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from quaestio.core.retry import MAX_ATTEMPTS
from quaestio.webhooks import services
from quaestio.webhooks.models import DeliveryState, WebhookDelivery

ANSWER = "An answer long enough to pass the minimum: rivers were crossed on pontoon bridges."


class Receiver:
    """A local HTTP server that records requests and answers with the statuses queued."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(settings):
    settings.QUAESTIO_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on this machine
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def owner(make_user):
    return make_user(reputation=1, is_staff=True)


def test_a_new_question_is_posted_signed_to_a_hook_that_asked_for_it(
    receiver, owner, ask, django_capture_on_commit_callbacks
):
    """Asking a question POSTs our JSON to the hook, with the event and delivery headers and a
    signature the receiver can check with the hook's secret; the log says delivered."""
    hook = services.webhook_create(owner, receiver.url, ["question.created"], "json")
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(title="How did Roman legions cross rivers?")

    [request] = receiver.requests
    body = json.loads(request["body"])
    assert body["event"] == "question.created"
    assert body["question"] == {
        "id": question.id,
        "title": "How did Roman legions cross rivers?",
        "tags": ["rome"],
    }
    assert body["post"]["link"].endswith(
        f"/questions/{question.id}/how-did-roman-legions-cross-rivers"
    )
    assert request["headers"]["X-Quaestio-Event"] == "question.created"
    stamp, mac = request["headers"]["X-Quaestio-Signature"].split(",")
    expected = hmac.new(
        hook.secret.encode(), stamp[2:].encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    assert mac == f"v1={expected}"
    row = WebhookDelivery.objects.get(webhook=hook)
    assert (row.state, row.attempts, row.last_status) == (DeliveryState.DELIVERED, 1, 200)
    assert row.delivery_id == request["headers"]["X-Quaestio-Delivery"] == body["delivery_id"]


def test_a_hook_hears_only_the_events_it_chose(
    receiver, owner, ask, make_user, django_capture_on_commit_callbacks
):
    """A hook for answers is not told of questions."""
    from quaestio.posts.services import answer_post

    services.webhook_create(owner, receiver.url, ["answer.created"], "json")
    with django_capture_on_commit_callbacks(execute=True):
        question = ask()
    assert receiver.requests == []
    with django_capture_on_commit_callbacks(execute=True):
        answer = answer_post(make_user(reputation=10), question.id, body=ANSWER)
    assert [b["event"] for b in receiver.bodies()] == ["answer.created"]
    assert receiver.bodies()[0]["post"]["id"] == answer.id


def test_slack_gets_an_escaped_message_and_teams_an_adaptive_card_on_accept(
    receiver, owner, ask, make_user, django_capture_on_commit_callbacks
):
    """An accepted answer reaches a Slack hook as mrkdwn text with the title escaped and
    linked, and a Teams hook as an Adaptive Card with an Open action."""
    from quaestio.posts.services import answer_post
    from quaestio.votes.services.accepting import accept_set

    services.webhook_create(owner, receiver.url, ["answer.accepted"], "slack")
    services.webhook_create(owner, receiver.url, ["answer.accepted"], "teams")
    asker = make_user(reputation=100)
    question = ask(user=asker, title="Did <b>Caesar</b> & Pompey cross the Rubicon?")
    answer = answer_post(make_user(reputation=10), question.id, body=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        accept_set(asker, answer.id, True)

    slack, teams = sorted(receiver.bodies(), key=lambda b: "type" in b)
    assert "Did &lt;b&gt;Caesar&lt;/b&gt; &amp; Pompey" in slack["text"]
    assert f"/a/{answer.id}|" in slack["text"]
    assert slack["text"].startswith("Answer accepted by ")
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["actions"][0]["url"].endswith(f"/a/{answer.id}")
    assert card["content"]["body"][1]["text"] == "Did <b>Caesar</b> & Pompey cross the Rubicon?"


def test_a_flag_reaches_a_moderators_hook_without_the_flaggers_name(
    receiver, owner, ask, make_user, django_capture_on_commit_callbacks
):
    """A flag is announced with its kind and the post, never who raised it."""
    from quaestio.moderation.flags import post_flag_raise

    services.webhook_create(owner, receiver.url, ["post.flagged"], "json")
    question = ask()
    flagger = make_user(reputation=500, name="Secret Flagger")
    with django_capture_on_commit_callbacks(execute=True):
        post_flag_raise(flagger, question.id, "spam")
    [body] = receiver.bodies()
    assert body["event"] == "post.flagged" and body["flag"] == {"kind": "spam"}
    assert "Secret Flagger" not in json.dumps(body) and "author" not in body["post"]


def test_a_failed_delivery_is_retried_on_the_backoff_then_given_up(
    receiver, owner, ask, django_capture_on_commit_callbacks
):
    """A 500 leaves the delivery pending with its next attempt a minute later; the retry pass
    does nothing before then and delivers after; six failures in all and it has failed."""
    hook = services.webhook_create(owner, receiver.url, ["question.created"], "json")
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        ask()
    row = WebhookDelivery.objects.get(webhook=hook)
    assert (row.state, row.attempts, row.last_status) == (DeliveryState.PENDING, 1, 500)
    first_try = row.next_attempt_date - timedelta(seconds=60)
    assert services.retry_due(first_try + timedelta(seconds=59)) == 0
    assert services.retry_due(first_try + timedelta(seconds=61)) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (DeliveryState.DELIVERED, 2)
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]  # the same event

    receiver.statuses = [503] * MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        ask(title="Another question about Roman bridges?")
    failing = WebhookDelivery.objects.filter(webhook=hook).latest("id")
    when = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        when += timedelta(days=1)
        services.retry_due(when)
    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert failing.next_attempt_date is None


def test_a_redirect_is_reported_not_followed(receiver, owner):
    """A 302 is the delivery's outcome (a failure to retry), not an invitation elsewhere."""
    hook = services.webhook_create(owner, receiver.url, ["question.created"], "json")
    receiver.statuses = [302]
    assert services.send_test(owner, hook.id) == DeliveryState.PENDING
    row = WebhookDelivery.objects.get(webhook=hook)
    assert row.last_status == 302 and len(receiver.requests) == 1


def test_private_and_odd_addresses_are_refused_unless_allowed(owner, settings):
    """Without the setting, a hook to this machine or a private network is refused, as is
    anything not http(s); the message says which setting allows trusted internal networks."""
    from quaestio.core.errors import ValidationFailed

    settings.QUAESTIO_WEBHOOKS_ALLOW_PRIVATE = False
    for url in ["http://127.0.0.1:9/x", "http://10.1.2.3/x", "file:///etc/passwd", ""]:
        with pytest.raises(ValidationFailed) as refused:
            services.webhook_create(owner, url, ["question.created"], "json")
        assert "url" in refused.value.fields
    with pytest.raises(ValidationFailed, match="QUAESTIO_WEBHOOKS_ALLOW_PRIVATE"):
        services.webhook_create(owner, "http://127.0.0.1:9/x", ["question.created"], "json")


def test_a_delivery_goes_to_the_address_that_was_checked(receiver, owner, monkeypatch):
    """The host is resolved once per delivery and the request goes to that checked address: a
    host whose second answer differs (DNS rebinding: public for the check, private for the
    connection) cannot steer the request. Here the first answer is the receiver; any later one
    names a port where nothing listens, so a second resolution would fail the delivery."""
    import socket

    port = receiver.server.server_address[1]
    real = socket.getaddrinfo
    answers = []

    def rebinding(host, *args, **kwargs):
        if host != "hook.example":
            return real(host, *args, **kwargs)
        answers.append(host)
        target = ("127.0.0.1", port) if len(answers) % 2 else ("127.0.0.2", 9)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", target)]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    hook = services.webhook_create(
        owner, f"http://hook.example:{port}/hook", ["question.created"], "json"
    )
    answers.clear()
    assert services.send_test(owner, hook.id) == DeliveryState.DELIVERED
    assert len(receiver.requests) == 1 and len(answers) == 1


def test_a_hook_whose_host_turns_private_is_refused_at_delivery(receiver, owner, settings):
    """A hook saved while private addresses were allowed is checked again when it is sent:
    once they are not, nothing reaches the private address and the log says why."""
    hook = services.webhook_create(owner, receiver.url, ["question.created"], "json")
    settings.QUAESTIO_WEBHOOKS_ALLOW_PRIVATE = False
    services.send_test(owner, hook.id)
    row = WebhookDelivery.objects.get(webhook=hook)
    assert receiver.requests == []
    assert "private or local address" in row.last_error


def test_only_the_site_owner_manages_webhooks(receiver, owner, make_user):
    """Moderators and users get 403 on the page and from the service; anonymous visitors are
    sent to log in; a form without its CSRF token is refused; the owner adds a hook by form
    and sees its delivery log after a test message."""
    from quaestio.core.errors import PermissionDenied

    moderator = make_user(reputation=1, is_moderator=True)
    with pytest.raises(PermissionDenied):
        services.webhook_create(moderator, receiver.url, ["question.created"], "json")
    client = Client()
    assert client.get("/admin/webhooks").status_code == 302
    client.force_login(moderator)
    assert client.get("/admin/webhooks").status_code == 403

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    form = {"url": receiver.url, "events": ["question.created"], "format": "slack"}
    assert strict.post("/admin/webhooks", form).status_code == 403

    client.force_login(owner)
    response = client.post("/admin/webhooks", form)
    assert response.status_code == 302
    page = response["Location"]
    client.post(page + "/test")
    log = client.get(page).content.decode()
    assert "delivered" in log and "ping" in log
    assert "this webhook works" in receiver.requests[0]["body"].decode()
