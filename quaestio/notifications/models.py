"""The inbox: one row per thing a user should see (replies to their posts, @mentions, edits,
accepts, bounties, badges, moderator messages), and each user's e-mail choices."""

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
    COMMENT_REPLY = "comment_reply"  # a comment on a post you commented on
    EDIT = "edit"  # someone edited your post
    ACCEPTED = "accepted"  # your answer was accepted
    BOUNTY = "bounty"  # a bounty was awarded to your answer
    KINDS = [
        (COMMENT_ON_POST, "comment on your post"),
        (MENTION, "mention"),
        (ANSWER, "answer to your question"),
        (SUGGESTED_EDIT, "suggested edit"),
        (BADGE, "badge earned"),
        (MODERATOR_MESSAGE, "moderator message"),
        (COMMENT_REPLY, "comment on a post you commented on"),
        (EDIT, "edit to your post"),
        (ACCEPTED, "answer accepted"),
        (BOUNTY, "bounty awarded"),
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
    # Waiting for its owner's daily digest; cleared when the digest claims it (sent or not,
    # never twice).
    mail_pending = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-creation_date"], name="notification_inbox_idx"),
            # The digest job reads only the waiting rows, whatever the size of the inbox table.
            models.Index(
                fields=["user", "id"],
                condition=models.Q(mail_pending=True),
                name="notification_mail_pending_idx",
            ),
        ]


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


class MailPreference(models.Model):
    """What a user wants by e-mail; a user without a row has the defaults."""

    INBOX_OFF, INBOX_IMMEDIATE, INBOX_DAILY = "off", "immediate", "daily"
    INBOX_CHOICES = [
        (INBOX_OFF, "No e-mail"),
        (INBOX_IMMEDIATE, "At once, one e-mail per item"),
        (INBOX_DAILY, "A daily digest"),
    ]
    TAGS_OFF, TAGS_DAILY, TAGS_WEEKLY = "off", "daily", "weekly"
    TAGS_CHOICES = [
        (TAGS_OFF, "No e-mail"),
        (TAGS_DAILY, "A daily digest"),
        (TAGS_WEEKLY, "A weekly digest"),
    ]
    DEFAULT_INBOX, DEFAULT_TAGS = INBOX_DAILY, TAGS_OFF

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    inbox = models.CharField(max_length=10, choices=INBOX_CHOICES, default=DEFAULT_INBOX)
    watched_tags = models.CharField(max_length=10, choices=TAGS_CHOICES, default=DEFAULT_TAGS)
    # The watched-tags digest covers questions asked after this moment, then moves it on:
    # a question is mailed once.
    watched_tags_mailed_through = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)
