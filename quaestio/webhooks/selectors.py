"""Reads for the site owner's webhook pages."""

from __future__ import annotations

from quaestio.webhooks.models import Webhook, WebhookDelivery

LOG_SIZE = 50


def webhooks() -> list[Webhook]:
    return list(Webhook.objects.order_by("id"))


def webhook_with_log(webhook_id: int) -> tuple[Webhook | None, list[WebhookDelivery]]:
    hook = Webhook.objects.filter(id=webhook_id).first()
    if hook is None:
        return None, []
    log = list(WebhookDelivery.objects.filter(webhook_id=hook.id).order_by("-id")[:LOG_SIZE])
    return hook, log
