from __future__ import annotations

from django.db import models


class Tag(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=35, unique=True)
    count = models.IntegerField(default=0)  # questions carrying the tag; recomputable
    excerpt_post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    wiki_post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    is_moderator_only = models.BooleanField(default=False)
    is_required = models.BooleanField(default=False)

    class Meta:
        # The tags page orders by use, then name: the whole order from the index.
        indexes = [models.Index(fields=["-count", "name"], name="tag_count_name_idx")]

    def __str__(self) -> str:
        return self.name


class PostTag(models.Model):
    """Which question carries which tag, in the order the question lists them."""

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="post_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="post_tags")
    position = models.SmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "tag"], name="post_tag_unique")]
        indexes = [models.Index(fields=["tag", "post"], name="post_tag_tag_idx")]
