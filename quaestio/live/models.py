"""The event log behind the live streams."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LiveEvent(models.Model):
    """One change that open pages should hear of. Its id is the stream's event id, so a browser
    that reconnects with `Last-Event-ID` is sent the rows after it. Rows are written in the
    transaction of the change (a rolled-back write publishes nothing) and kept a short while
    (live/services.RETENTION): the log is bounded, and a page away longer re-reads its state."""

    channel = models.CharField(max_length=40)  # "question:12", "user:7", "room:3"
    kind = models.CharField(max_length=20)  # "thread", "inbox", "reputation", "message" ...
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="liveevent_created_idx")]
