"""Revisions: post history rows grouped by revision GUID, numbered per post as pages show them."""

from __future__ import annotations

from quaestio.accounts.models import User
from quaestio.api import types
from quaestio.api.http import ApiRequest, Result
from quaestio.posts.models import (
    BODY_HISTORY_TYPES,
    CONTENT_HISTORY_TYPES,
    TAGS_HISTORY_TYPES,
    TITLE_HISTORY_TYPES,
    Post,
    PostHistory,
    PostHistoryType,
    PostType,
    parse_tags,
)

ROLLBACK_TYPES = (
    PostHistoryType.ROLLBACK_TITLE,
    PostHistoryType.ROLLBACK_BODY,
    PostHistoryType.ROLLBACK_TAGS,
)


def _revisions_of_post(rows: list[PostHistory]) -> list[dict]:
    """Walk one post's history oldest first, carrying title/body/tags forward."""
    state = {"title": None, "body": None, "tags": None}
    groups: dict[str, list[PostHistory]] = {}
    for row in rows:
        groups.setdefault(row.revision_guid, []).append(row)
    revisions = []
    number = 0
    for guid, group in groups.items():
        kinds = {row.post_history_type for row in group}
        if not kinds & set(CONTENT_HISTORY_TYPES):
            continue
        number += 1
        previous = dict(state)
        for row in group:
            if row.post_history_type in TITLE_HISTORY_TYPES:
                state["title"] = row.text
            elif row.post_history_type in BODY_HISTORY_TYPES:
                state["body"] = row.text
            elif row.post_history_type in TAGS_HISTORY_TYPES:
                state["tags"] = parse_tags(row.text)
        first = group[0]
        revision = {
            "revision_guid": guid.upper(),
            "revision_number": number,
            "revision_type": "single_user",
            "post_id": first.post_id,
            "creation_date": first.creation_date,
            "user_id": first.user_id,
            "user_display_name": first.user_display_name,
            "comment": first.comment or None,
            "is_rollback": bool(kinds & set(ROLLBACK_TYPES)),
            "set_community_wiki": PostHistoryType.COMMUNITY_OWNED in kinds,
            "content_license": first.content_license or types.DEFAULT_LICENSE,
            "title": state["title"],
            "body": state["body"],
            "tags": state["tags"],
        }
        if number > 1:
            if kinds & set(TITLE_HISTORY_TYPES):
                revision["last_title"] = previous["title"]
            if kinds & set(BODY_HISTORY_TYPES):
                revision["last_body"] = previous["body"]
            if kinds & set(TAGS_HISTORY_TYPES):
                revision["last_tags"] = previous["tags"]
        revisions.append(revision)
    return revisions


def revisions_of(
    api: ApiRequest, post_ids: list[int] | None = None, guids: list[str] | None = None
) -> Result:
    """Revisions newest first, paged; four queries whatever the number of posts."""
    if guids is not None:
        post_ids = list(
            PostHistory.objects.filter(revision_guid__in=guids + [g.upper() for g in guids])
            .values_list("post_id", flat=True)
            .distinct()
        )
    posts = (
        Post.objects.filter(id__in=post_ids or [], deletion_date__isnull=True)
        .only("id", "post_type")
        .in_bulk()
    )
    rows = list(
        PostHistory.objects.filter(post_id__in=list(posts)).order_by(
            "post_id", "creation_date", "id"
        )
    )
    by_post: dict[int, list[PostHistory]] = {}
    for row in rows:
        by_post.setdefault(row.post_id, []).append(row)
    revisions = [r for post_rows in by_post.values() for r in _revisions_of_post(post_rows)]
    if guids is not None:
        wanted = {g.upper() for g in guids}
        revisions = [r for r in revisions if r["revision_guid"] in wanted]
    revisions.sort(key=lambda r: (r["creation_date"], r["post_id"]), reverse=True)
    page = api.paging()
    shown = revisions[page.offset : page.offset + page.page_size]
    users = User.objects.in_bulk({r["user_id"] for r in shown} - {None})
    items = []
    for revision in shown:
        user_id, name = revision.pop("user_id"), revision.pop("user_display_name")
        post_type = posts[revision["post_id"]].post_type
        revision["post_type"] = "question" if post_type == PostType.QUESTION else "answer"
        revision["creation_date"] = types.epoch(revision["creation_date"])
        revision["user"] = (
            types.shallow_user(api.out, users.get(user_id), name) if (user_id or name) else None
        )
        items.append(api.out.emit("revision", revision))
    return Result(items, len(revisions) > page.offset + page.page_size, len(revisions))
