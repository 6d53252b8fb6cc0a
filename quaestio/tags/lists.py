"""Reads for lists that depend on the viewer's tags: which questions of a page are watched or
ignored (one query per request, the viewer's preferences being a small set), and the
"Watched tags" tab.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from quaestio.accounts.models import User
from quaestio.accounts.selectors import person_card
from quaestio.core import listing
from quaestio.posts.models import Post, PostType, parse_tags
from quaestio.tags.models import PostTag, Tag, TagDisplaySetting, TagPreference

WATCHED_TAGS_READ = 50  # the watched tab merges at most this many tags' newest questions


@dataclass
class TagMarks:
    """The viewer's watched and ignored tag names, and whether ignored questions are hidden."""

    watched: dict[str, int] = field(default_factory=dict)  # name -> tag id
    ignored: dict[str, int] = field(default_factory=dict)
    hide_ignored: bool = False
    # Questions carrying each watched tag (tag id -> its count), read with the preferences:
    # the watched tab's total.
    watched_counts: dict[int, int] = field(default_factory=dict)

    def mark(self, tags: str) -> str:
        """ "watched", "ignored" or "" for a question's stored tags; watched wins."""
        if not self.watched and not self.ignored:
            return ""
        names = parse_tags(tags)
        if any(name in self.watched for name in names):
            return "watched"
        if any(name in self.ignored for name in names):
            return "ignored"
        return ""

    def kind_of(self, name: str) -> str:
        if name in self.watched:
            return "watched"
        return "ignored" if name in self.ignored else ""


NO_MARKS = TagMarks()


def viewer_tag_marks(user) -> TagMarks:
    """One query (two when the viewer ignores tags: the hide setting matters only then)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NO_MARKS
    marks = TagMarks()
    rows = TagPreference.objects.filter(user_id=user.id).values_list(
        "tag_id", "tag__name", "kind", "tag__count"
    )
    for tag_id, name, kind, count in rows:
        (marks.watched if kind == TagPreference.WATCHED else marks.ignored)[name] = tag_id
        if kind == TagPreference.WATCHED:
            marks.watched_counts[tag_id] = count
    if marks.ignored:
        marks.hide_ignored = TagDisplaySetting.objects.filter(
            user_id=user.id, hide_ignored=True
        ).exists()
    return marks


def preferences_page(user) -> tuple[list[Tag], list[Tag], bool]:
    """The settings page: watched tags, ignored tags (by name), and the hide setting."""
    rows = list(
        TagPreference.objects.filter(user_id=user.id).select_related("tag").order_by("tag__name")
    )
    watched = [row.tag for row in rows if row.kind == TagPreference.WATCHED]
    ignored = [row.tag for row in rows if row.kind == TagPreference.IGNORED]
    hide = TagDisplaySetting.objects.filter(user_id=user.id, hide_ignored=True).exists()
    return watched, ignored, hide


def watched_question_list(marks: TagMarks, page: int, page_size: int):
    """The newest questions in the viewer's watched tags, as question summaries, and a total.

    Each watched tag's newest question ids come from the (tag, post) index, at most as many as
    the page needs, and are merged here: the cost follows the page's depth and the number of
    watched tags (bounded), never the size of the tags. Question ids grow with time, so the
    highest ids are the newest questions. The total is the tags' counts summed (a question in
    two watched tags counts twice), capped where list paging stops."""
    from quaestio.posts.selectors import QuestionSummary

    tag_ids = list(marks.watched.values())[:WATCHED_TAGS_READ]
    if not tag_ids:
        return [], 0
    total = sum(marks.watched_counts.get(tag_id, 0) for tag_id in tag_ids)
    total = min(total, settings.QUAESTIO_LIST_MAX_PAGE * page_size, listing.max_offset())
    depth = page * page_size
    merged: list[int] = []
    for post_id in heapq.merge(*newest_post_ids(tag_ids, depth), reverse=True):
        if not merged or merged[-1] != post_id:
            merged.append(post_id)
        if len(merged) >= depth:
            break
    ids = merged[(page - 1) * page_size : depth]
    posts = listing.in_order(
        Post.objects.filter(
            id__in=ids, post_type=PostType.QUESTION, deletion_date__isnull=True
        ).defer("body", "body_markdown"),
        ids,
    )
    user_ids = {p.owner_id for p in posts} - {None}
    users = {u.id: u for u in User.objects.filter(id__in=user_ids)}
    summaries = []
    for post in posts:
        owner = person_card(users.get(post.owner_id), post.owner_display_name)
        summaries.append(QuestionSummary(post, owner, owner, 0))
    return summaries, total


def newest_post_ids(tag_ids: list[int], limit: int) -> list[list[int]]:
    """Each tag's newest `limit` question ids, highest first, in one statement: a UNION ALL of
    one index range per tag (each part limited on its own)."""
    table = PostTag._meta.db_table
    part = (
        f"SELECT tag_id, post_id FROM (SELECT tag_id, post_id FROM {table} WHERE tag_id = %s "
        f"ORDER BY post_id DESC LIMIT %s) AS t{{n}}"
    )
    sql = " UNION ALL ".join(part.format(n=n) for n in range(len(tag_ids)))
    params = [value for tag_id in tag_ids for value in (int(tag_id), int(limit))]
    streams: dict[int, list[int]] = {tag_id: [] for tag_id in tag_ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for tag_id, post_id in cursor.fetchall():
            streams[tag_id].append(post_id)
    return [sorted(ids, reverse=True) for ids in streams.values()]


def tag_name_prefix(queryset, prefix: str):
    """Tags whose name starts with `prefix`, read from an index on both databases:
    PostgreSQL's LIKE 'x%' from the pattern-ops index, SQLite a range of the unique index
    (its LIKE is case-blind and would read every tag)."""
    if connection.vendor == "postgresql":
        return queryset.filter(name__startswith=prefix)
    return queryset.filter(name__gte=prefix, name__lt=prefix + "\U0010ffff")
