"""Every write to webhooks and their deliveries.

An event becomes one delivery row per subscribed hook, holding the exact body sent; sending
happens outside that transaction (a task), and a failed attempt is retried on a growing
backoff until it succeeds or the last retry is spent. The rows are the delivery log."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.core.retry import attempt_due, next_attempt, queue_retry
from quaestio.webhooks import delivery
from quaestio.webhooks.models import (
    DeliveryState,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
    WebhookFormat,
)
from quaestio.webhooks.payloads import event_facts, render_body
from quaestio.webhooks.policies import can_manage_webhooks


def _require_owner(user) -> None:
    refusal = can_manage_webhooks(user)
    if refusal:
        raise PermissionDenied(refusal)


def webhook_create(user, url: str, events: list[str], format: str) -> Webhook:
    _require_owner(user)
    url = (url or "").strip()
    errors: dict[str, list[str]] = {}
    refusal = delivery.address_refusal(url) if url else "Give the address to send to."
    if refusal:
        errors["url"] = [refusal]
    unknown = set(events) - set(WebhookEvent.values)
    if not events or unknown:
        errors["events"] = ["Choose at least one of the events listed."]
    if format not in WebhookFormat.values:
        errors["format"] = ["Choose one of the formats listed."]
    if errors:
        raise ValidationFailed(" ".join(m for ms in errors.values() for m in ms), errors)
    from quaestio.moderation.audit import record_moderator_action

    with transaction.atomic():
        hook = Webhook.objects.create(
            url=url,
            events=sorted(set(events)),
            format=format,
            secret=secrets.token_hex(32),
            created_by=user,
            creation_date=timezone.now(),
        )
        record_moderator_action(user, "webhook-added", details=f"{url} ({', '.join(events)})")
    return hook


def webhook_delete(user, webhook_id: int) -> None:
    _require_owner(user)
    from quaestio.moderation.audit import record_moderator_action

    with transaction.atomic():
        hook = Webhook.objects.select_for_update().filter(id=webhook_id).first()
        if hook is None:
            raise NotFound("No webhook with that id.")
        record_moderator_action(user, "webhook-removed", details=hook.url)
        hook.delete()  # its delivery log goes with it


def event_occurred(event: str, post_id: int, flag_kind: str = "") -> list[int]:
    """Record a delivery for every active hook that wants `event`, then queue the sending.
    Called after the write that caused the event has committed."""
    hooks = [h for h in Webhook.objects.filter(active=True) if event in h.events]
    if not hooks:
        return []
    facts = event_facts(event, post_id, flag_kind)
    if facts is None:
        return []
    now = timezone.now()
    with transaction.atomic():
        rows = []
        for hook in hooks:
            delivery_id = str(uuid.uuid4())
            rows.append(
                WebhookDelivery.objects.create(
                    webhook=hook,
                    event=event,
                    delivery_id=delivery_id,
                    body=render_body(facts, hook.format, delivery_id, now),
                    next_attempt_date=now,
                    creation_date=now,
                )
            )
        ids = [row.id for row in rows]
        transaction.on_commit(lambda: _queue(ids))
    return ids


def _queue(delivery_ids: list[int], run_after: datetime | None = None) -> None:
    from quaestio.webhooks.tasks import deliver_webhooks

    if run_after is None:
        deliver_webhooks.enqueue(delivery_ids)
    else:  # without a deferring backend, the next `quaestio hourly-jobs` (retry_due) sends it
        queue_retry(deliver_webhooks, delivery_ids, run_after)


def deliver(delivery_id: int, now: datetime | None = None) -> str:
    """Make one attempt at a pending delivery that is due; returns its state afterwards.
    The row is claimed with SKIP LOCKED so two workers never send the same delivery at once."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("webhook")
            .filter(id=delivery_id, state=DeliveryState.PENDING, next_attempt_date__lte=now)
            .first()
        )
        if row is None:
            return "skipped"
        attempt = delivery.send(
            row.webhook.url, row.webhook.secret, row.body, row.event, row.delivery_id
        )
        row.attempts += 1
        row.last_status = attempt.status
        row.last_error = attempt.error
        if attempt.ok:
            row.state, row.delivered_date, row.next_attempt_date = (
                DeliveryState.DELIVERED,
                now,
                None,
            )
        else:
            row.next_attempt_date = next_attempt(row.attempts, now)
            if row.next_attempt_date is None:
                row.state = DeliveryState.FAILED
        row.save()
        if row.state == DeliveryState.PENDING:
            retry_at, retry_id = row.next_attempt_date, row.id
            transaction.on_commit(lambda: _queue([retry_id], run_after=retry_at))
    return row.state


def retry_due(now: datetime | None = None) -> int:
    """Attempt every pending delivery whose time has come (the hourly catch-all for task
    backends that cannot schedule a retry themselves); returns how many were attempted."""
    pending = WebhookDelivery.objects.filter(state=DeliveryState.PENDING)
    return attempt_due(pending, deliver, now or timezone.now())


def send_test(user, webhook_id: int) -> str:
    """Send a made-up event to one hook now, logged like any other; returns its state."""
    _require_owner(user)
    hook = Webhook.objects.filter(id=webhook_id).first()
    if hook is None:
        raise NotFound("No webhook with that id.")
    from quaestio.webhooks.payloads import EventFacts, absolute

    facts = EventFacts(
        event="ping",
        question_id=0,
        question_title="Test message from Quaestio: this webhook works",
        link=absolute("/"),
        post_id=0,
        post_type="question",
        author=user.display_name,
        author_link=None,
        tags=[],
    )
    now = timezone.now()
    delivery_id = str(uuid.uuid4())
    row = WebhookDelivery.objects.create(
        webhook=hook,
        event="ping",
        delivery_id=delivery_id,
        body=render_body(facts, hook.format, delivery_id, now),
        next_attempt_date=now,
        creation_date=now,
    )
    return deliver(row.id, now)
