"""Outbound links, the posts that carry them, and each link's recent checks.

A Link is one URL, however many posts carry it: it is checked once per day for all of them.
PostLink maps posts to links; it is filled from the post's body (services.post_links_sync). When
the sources room keeps a post's sources as rows, PostLink can be filled from them instead: the
checker only reads PostLink.
"""

from __future__ import annotations

from django.db import models

URL_MAX = 2000  # longer URLs are not checked (no browser sends them reliably either)


class Link(models.Model):
    # The URL's SHA-256 is the unique key: a b-tree index on the URL itself would refuse long
    # URLs on PostgreSQL (2,704 bytes per index row).
    url_hash = models.CharField(max_length=64, unique=True)
    url = models.TextField()
    host = models.CharField(max_length=255, db_index=True)
    last_status = models.IntegerField(null=True, blank=True)  # HTTP status of the last check
    last_outcome = models.CharField(max_length=10, blank=True, default="")  # ok|failed|skipped
    last_error = models.CharField(max_length=300, blank=True, default="")
    consecutive_failures = models.IntegerField(default=0)
    # Distinct UTC days among the consecutive failures: a link is dead after failing on several
    # different days, never after one bad afternoon.
    failure_days = models.IntegerField(default=0)
    last_failure_day = models.DateField(null=True, blank=True)
    first_checked = models.DateTimeField(null=True, blank=True)
    last_checked = models.DateTimeField(null=True, blank=True)
    dead_since = models.DateTimeField(null=True, blank=True)
    archive_url = models.TextField(blank=True, default="")  # "" when none was found
    archive_checked = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["last_checked"], name="link_last_checked_idx"),
            models.Index(
                fields=["dead_since"],
                name="link_dead_idx",
                condition=models.Q(dead_since__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.url


class PostLink(models.Model):
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="post_links")
    # The link's dead state, copied here when it changes (services.check_record): the question
    # page's posts query asks "has this post a dead link?" with one probe of a tiny partial
    # index (posts/sql.py, has_dead_links), and reads the links only when one has.
    dead = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "link"], name="postlink_post_link_uniq")
        ]
        indexes = [
            models.Index(fields=["link", "post"], name="postlink_link_post_idx"),
            models.Index(fields=["post"], name="postlink_dead_idx", condition=models.Q(dead=True)),
        ]


class LinkCheck(models.Model):
    """One check of a link; the newest few per link are kept (services.LINK_HISTORY)."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    outcome = models.CharField(max_length=10)  # ok | failed | skipped
    status = models.IntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    final_url = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["link", "-checked_at"], name="linkcheck_link_time_idx")]


class LinkScanMark(models.Model):
    """How far the checker's own pass over the posts has read (one row): posts written through
    the services are synced as they are saved; the pass catches the rest (imports)."""

    post_id_done = models.BigIntegerField(default=0)
