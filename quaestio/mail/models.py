from __future__ import annotations

from django.db import models


class MailState(models.TextChoices):
    PENDING = "pending", "waiting to be sent (or retried)"
    SENT = "sent", "handed to the mail server"
    FAILED = "failed", "gave up after every retry"
    SUPPRESSED = "suppressed", "not sent: the address bounced or complained"


class OutgoingMail(models.Model):
    """One message for one recipient, as the exact bytes to send: the outbox the worker sends
    from and the log the owner reads."""

    recipient = models.EmailField()
    sender = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    raw = models.BinaryField()  # the whole MIME message
    state = models.CharField(max_length=12, choices=MailState.choices, default=MailState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_date = models.DateTimeField(null=True)
    last_error = models.CharField(max_length=500, blank=True)
    creation_date = models.DateTimeField()
    sent_date = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_date"],
                name="outgoingmail_due_idx",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["-id"], name="outgoingmail_newest_idx"),
        ]


class SuppressionReason(models.TextChoices):
    BOUNCE = "bounce", "the address bounced"
    COMPLAINT = "complaint", "the recipient marked mail as spam"
    MANUAL = "manual", "stopped by the site's owner"


class MailSuppression(models.Model):
    """An address the site no longer mails: a hard bounce or a complaint reported by the mail
    provider, or the owner's decision. Stored lower-cased."""

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=10, choices=SuppressionReason.choices)
    detail = models.CharField(max_length=300, blank=True)
    creation_date = models.DateTimeField()
