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
    MODERATOR_MESSAGE = "mod_message"  # a moderator wrote to you (ModeratorMessage)
    KINDS = [
        (COMMENT_ON_POST, "comment on your post"),
        (MENTION, "mention"),
        (ANSWER, "answer to your question"),
        (SUGGESTED_EDIT, "suggested edit"),
        (BADGE, "badge earned"),
        (MODERATOR_MESSAGE, "moderator message"),
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


class ModeratorMessage(models.Model):
    """A private message from a moderator to a user: in their inbox and by e-mail, read at
    /users/messages/<id> by the user and by moderators only."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_messages"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderator_name = models.CharField(max_length=40)
    subject = models.CharField(max_length=150)
    text = models.TextField()  # as written (plain text, shown escaped)
    creation_date = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-creation_date"], name="modmessage_user_idx")]
