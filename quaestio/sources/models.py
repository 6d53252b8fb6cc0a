"""A post's sources as rows: what its Markdown cites (see extract.py), kept on every save so
pages, search, the API and link checking read them without parsing Markdown."""

from __future__ import annotations

from django.db import models

from quaestio.sources.extract import KINDS


class PostSource(models.Model):
    """One well-formed source of a post, in reading order (`position` from 0). Malformed DOIs
    and ISBNs are shown to the writer in the preview but not kept: they are not sources."""

    id = models.BigAutoField(primary_key=True)
    # Indexed by post_source_position_uniq, which leads with it.
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="sources", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=[(kind, kind) for kind in KINDS])
    value = models.TextField()  # the URL, the DOI (lower case), the ISBN-13, the work's title
    domain = models.CharField(max_length=253, blank=True, default="")  # a URL's host, no www.
    title = models.CharField(max_length=300, blank=True, default="")
    author = models.CharField(max_length=200, blank=True, default="")
    year = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            # A post's rows in order, and "has a source" as an index probe on post_id.
            models.UniqueConstraint(fields=["post", "position"], name="post_source_position_uniq")
        ]
        indexes = [
            # source:<domain>: the posts citing a domain, from the index alone.
            models.Index(fields=["domain", "post"], name="post_source_domain_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class SourcesBackfill(models.Model):
    """Where `quaestio backfill-sources` got to (one row): each batch commits with the id it
    reached, so an interrupted run resumes there; a finished run's next run starts over."""

    last_post_id = models.BigIntegerField(default=0)
    finished = models.BooleanField(default=False)
