"""The inbox: one row per thing a user should see (replies to their posts, @mentions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    COMMENT_ON_POST = "comment"  # a comment on a post you own
    MENTION = "mention"  # an @name in a comment that reached you
    ANSWER = "answer"  # an answer to your question
    SUGGESTED_EDIT = "suggested_edit"  # someone suggested an edit to your post
    BADGE = "badge"  # you earned a badge
    KINDS = [
        (COMMENT_ON_POST, "comment on your post"),
        (MENTION, "mention"),
        (ANSWER, "answer to your question"),
        (SUGGESTED_EDIT, "suggested edit"),
        (BADGE, "badge earned"),
    ]

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=KINDS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey("posts.Post", null=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "comments.Comment", null=True, on_delete=models.CASCADE, related_name="+"
    )
    summary = models.CharField(max_length=200, blank=True, default="")
    url = models.CharField(max_length=400, blank=True, default="")
    creation_date = models.DateTimeField(default=timezone.now)
    read_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-creation_date"], name="notification_inbox_idx")]
