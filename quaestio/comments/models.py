from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Comment(models.Model):
    id = models.BigAutoField(primary_key=True)
    # No index of its own: comment_post_date_idx leads with it.
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    score = models.IntegerField(default=0)
    text = models.TextField()  # the comment mini-Markdown as written
    text_html = models.TextField(blank=True, default="")  # rendered on save, never on read
    creation_date = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    user_display_name = models.CharField(max_length=40, blank=True, default="")
    content_license = models.CharField(max_length=20, blank=True, default="")
    deletion_date = models.DateTimeField(null=True, blank=True)
    edit_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["post", "creation_date"], name="comment_post_date_idx"),
            # The API's list of all comments, newest first: a page from the index's end
            # rather than a sort of every comment (issue 20).
            models.Index(fields=["-creation_date", "-id"], name="comment_created_idx"),
            # The API's sort=votes: likewise a page from the index's end (issue 20).
            models.Index(fields=["-score", "-id"], name="comment_score_idx"),
        ]
