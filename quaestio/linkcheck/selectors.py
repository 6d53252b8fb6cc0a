"""Reads of the link checker: the links due for a check, the dead links a page marks, and the
editors' list of posts with dead links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from quaestio.core import links
from quaestio.linkcheck.models import Link, PostLink
from quaestio.posts.models import Post

DEAD_LINKS_PAGE = 30


def links_due(now: datetime | None = None, limit: int | None = None) -> list[Link]:
    """Links of live posts not checked in the last QUAESTIO_LINKCHECK_RECHECK_HOURS: the run's
    share is the never-checked first, then the longest unchecked; it is then ordered by host."""
    now = now or timezone.now()
    limit = limit if limit is not None else settings.QUAESTIO_LINKCHECK_PER_RUN
    cutoff = now - timedelta(hours=settings.QUAESTIO_LINKCHECK_RECHECK_HOURS)
    live = PostLink.objects.filter(link_id=OuterRef("id"), post__deletion_date__isnull=True)
    due = (
        Link.objects.filter(Q(last_checked__isnull=True) | Q(last_checked__lt=cutoff))
        .filter(Exists(live))
        .order_by("last_checked", "id")[:limit]
    )
    return sorted(due, key=lambda link: (link.host, link.id))


def dead_links_of_posts(post_ids) -> dict[int, dict[str, str]]:
    """{post id: {dead URL: its archived copy or ""}} for the posts that carry dead links."""
    rows = PostLink.objects.filter(post_id__in=list(post_ids), dead=True).values_list(
        "post_id", "link__url", "link__archive_url"
    )
    found: dict[int, dict[str, str]] = {}
    for post_id, url, archive_url in rows:
        found.setdefault(post_id, {})[url] = archive_url
    return found


@dataclass(frozen=True)
class DeadLink:
    url: str
    archive_url: str
    dead_since: datetime
    last_status: int | None
    last_error: str


@dataclass(frozen=True)
class DeadLinkRow:
    post_id: int
    kind: str  # "question" | "answer"
    title: str
    url: str
    edit_url: str
    links: list[DeadLink]


@dataclass(frozen=True)
class DeadLinkPage:
    rows: list[DeadLinkRow]
    next_key: int | None  # the `before` of the next page, newest posts first


def dead_link_posts(before: int | None = None, size: int = DEAD_LINKS_PAGE) -> DeadLinkPage:
    """Live posts that carry a dead link, newest first, paged by post id (keyset): three
    queries whatever the page."""
    carrying = PostLink.objects.filter(dead=True, post__deletion_date=None)
    if before is not None:
        carrying = carrying.filter(post_id__lt=before)
    ids = list(
        carrying.values_list("post_id", flat=True).order_by("-post_id").distinct()[: size + 1]
    )
    next_key = ids[size - 1] if len(ids) > size else None
    ids = ids[:size]
    dead: dict[int, list[DeadLink]] = {}
    for post_link in (
        PostLink.objects.filter(post_id__in=ids, dead=True)
        .select_related("link")
        .order_by("link__url")
    ):
        link = post_link.link
        dead.setdefault(post_link.post_id, []).append(
            DeadLink(link.url, link.archive_url, link.dead_since, link.last_status, link.last_error)
        )
    posts = (
        Post.objects.filter(id__in=ids)
        .select_related("parent")
        .only("id", "title", "parent_id", "parent__title", "parent__id")
    )
    by_id = {post.id: post for post in posts}
    rows = []
    for post_id in ids:
        post = by_id[post_id]
        question = post.parent if post.parent_id else post
        rows.append(
            DeadLinkRow(
                post_id=post.id,
                kind="answer" if post.parent_id else "question",
                title=question.title,
                url=links.post_url(post),
                edit_url=links.page_url("post_edit", post.id),
                links=dead[post_id],
            )
        )
    return DeadLinkPage(rows, next_key)
