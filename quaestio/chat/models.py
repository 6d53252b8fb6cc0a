"""Stars on room messages. Rooms and their messages are moderation's models (a room is made by
the comment move); what chat adds to them is here and in their counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class MessageStar(models.Model):
    """One person's star on one message; the message's star_count is their number."""

    message = models.ForeignKey(
        "moderation.RoomMessage", on_delete=models.CASCADE, related_name="stars"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="messagestar_once_per_user")
        ]
