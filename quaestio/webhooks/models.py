from __future__ import annotations

from django.conf import settings
from django.db import models


class WebhookEvent(models.TextChoices):
    QUESTION_CREATED = "question.created", "a question is asked"
    ANSWER_CREATED = "answer.created", "an answer is posted"
    ANSWER_ACCEPTED = "answer.accepted", "an answer is accepted"
    POST_FLAGGED = "post.flagged", "a post is flagged (for moderators' channels)"


class WebhookFormat(models.TextChoices):
    JSON = "json", "JSON (our own payload, for programs)"
    SLACK = "slack", "Slack incoming webhook"
    TEAMS = "teams", "Microsoft Teams (Adaptive Card)"


class Webhook(models.Model):
    """An address the site POSTs events to. The secret signs every request (HMAC-SHA256), so
    the receiver can tell the site's requests from forgeries."""

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)  # WebhookEvent values
    format = models.CharField(max_length=10, choices=WebhookFormat.choices)
    secret = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creation_date = models.DateTimeField()


class DeliveryState(models.TextChoices):
    PENDING = "pending", "waiting to be sent (or retried)"
    DELIVERED = "delivered", "delivered"
    FAILED = "failed", "gave up after every retry"


class WebhookDelivery(models.Model):
    """One event for one webhook: the exact body sent, every attempt's outcome. The log the
    site owner reads, and the queue the retries work from."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    delivery_id = models.CharField(max_length=36, unique=True)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_date = models.DateTimeField(null=True)
    last_status = models.PositiveSmallIntegerField(null=True)
    last_error = models.CharField(max_length=500, blank=True)
    creation_date = models.DateTimeField()
    delivered_date = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            # the retry pass reads only what is due
            models.Index(
                fields=["next_attempt_date"],
                name="webhook_delivery_due_idx",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["webhook", "-id"], name="webhook_delivery_log_idx"),
        ]
