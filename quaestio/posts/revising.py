"""Post content and its revisions: validation, history rows in the dump's shape, and the one
function that applies new content to a post (edits, rollbacks and approved suggestions share it).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.core.markdown import render_post
from quaestio.posts import policies
from quaestio.posts.models import (
    BODY_HISTORY_TYPES,
    CONTENT_HISTORY_TYPES,
    Post,
    PostHistory,
    PostType,
    format_tags,
)
from quaestio.posts.tagging import parse_tag_input, set_post_tags, tag_errors, unknown_tags
from quaestio.sources.services import sources_replace

TITLE_MIN, TITLE_MAX = 15, 150
BODY_MIN, BODY_MAX = 30, 30_000
EDIT_SUMMARY_MAX = 300
GRACE_PERIOD = timedelta(minutes=5)
CONTENT_LICENSE = "CC BY-SA 4.0"

_LINK = re.compile(r"<a\s", re.IGNORECASE)
_IMAGE = re.compile(r"<img\s", re.IGNORECASE)


# --- validation ------------------------------------------------------------------------------


def _title_errors(title: str) -> list[str]:
    length = len(title)
    if length < TITLE_MIN:
        return [f"Title must be at least {TITLE_MIN} characters; you entered {length}."]
    if length > TITLE_MAX:
        return [f"Title cannot be longer than {TITLE_MAX} characters; you entered {length}."]
    return []


def _body_errors(body: str) -> list[str]:
    length = len(body.strip())
    if length < BODY_MIN:
        return [f"Body must be at least {BODY_MIN} characters; you entered {length}."]
    if len(body) > BODY_MAX:
        return [f"Body is limited to {BODY_MAX} characters; you entered {len(body)}."]
    return []


@dataclass
class Content:
    """What a post says: title and tags are empty for answers."""

    title: str
    body: str
    tags: list[str]
    # The writer's AI-use disclosure (posts/ai_use.py); None: keep the post's (suggested edits,
    # tag wikis, an API edit that does not say).
    ai_use: str | None = None


def clean_content(
    user, *, is_question: bool, title: str, body: str, tags, ai_use: str | None = None
) -> tuple[Content, str]:
    """Validated content and its rendered HTML, or ValidationFailed naming every problem.
    `ai_use`, when given, is checked against the site's AI policy with the body it goes with."""
    title = " ".join((title or "").split())
    body = (body or "").replace("\r\n", "\n")
    names = parse_tag_input(tags) if is_question else []
    if names:
        from quaestio.tags.synonyms import map_synonyms

        names = map_synonyms(names)  # an approved synonym's source becomes its target
    fields: dict[str, list[str]] = {}
    if is_question:
        fields["title"] = _title_errors(title)
        fields["tags"] = tag_errors(names)
        if not fields["tags"]:
            new = unknown_tags(names)
            allowed, reason = policies.can_create_tags(user)
            if new and not allowed:
                fields["tags"] = [
                    f"The tag{'s' if len(new) > 1 else ''} {', '.join(new)} "
                    f"do{'es' if len(new) == 1 else ''} not exist yet. {reason}"
                ]
    fields["body"] = _body_errors(body)
    html = render_post(body) if not fields["body"] else ""
    if html:
        allowed, reason = policies.can_post_links(
            user, len(_LINK.findall(html)), len(_IMAGE.findall(html))
        )
        if not allowed:
            fields["body"] = [reason]
    if ai_use is not None:
        allowed, reason = policies.can_use_ai(ai_use, body)
        if not allowed:
            fields["ai_use"] = [reason]
    fields = {name: errors for name, errors in fields.items() if errors}
    if fields:
        first = next(iter(fields.values()))[0]
        raise ValidationFailed(first, fields)
    return Content(title=title, body=body, tags=names, ai_use=ai_use), html


def require(decision: tuple[bool, str]) -> None:
    allowed, reason = decision
    if not allowed:
        raise PermissionDenied(reason)


def require_not_limited(wait: str) -> None:
    if wait:
        raise RateLimited(wait)


# --- history rows ----------------------------------------------------------------------------


def history_row(
    post: Post, kind: int, guid: str, user, when: datetime, text: str, comment="", ai_use=""
):
    return PostHistory(
        ai_disclosure=ai_use or "",
        post=post,
        post_history_type=kind,
        revision_guid=guid,
        creation_date=when,
        user=user,
        comment=comment,
        text=text,
        content_license=CONTENT_LICENSE,
    )


def new_guid() -> str:
    return str(uuid.uuid4())


EDIT_TYPES = {"title": 4, "body": 5, "tags": 6}
ROLLBACK_TYPES = {"title": 7, "body": 8, "tags": 9}
INITIAL_TYPES = {"title": 1, "body": 2, "tags": 3}
FIELD_OF_TYPE = {
    kind: name
    for table in (EDIT_TYPES, ROLLBACK_TYPES, INITIAL_TYPES)
    for name, kind in table.items()
}


def current_content(post: Post) -> Content:
    """What an editor starts from. A dump-imported post may lack its Markdown source on the
    row; its latest body revision holds it (the dump's PostHistory.Text is raw Markdown)."""
    body = post.body_markdown
    if not body:
        body = (
            PostHistory.objects.filter(post=post, post_history_type__in=BODY_HISTORY_TYPES)
            .order_by("-creation_date", "-id")
            .values_list("text", flat=True)
            .first()
            or ""
        ).replace("\r\n", "\n")
        post.body_markdown = body
    return Content(title=post.title, body=body, tags=post.tag_names)


def changed_fields(post: Post, new: Content) -> list[str]:
    old = current_content(post)
    changed = []
    if post.is_question and new.title != old.title:
        changed.append("title")
    if new.body != old.body:
        changed.append("body")
    if post.is_question and new.tags != old.tags:
        changed.append("tags")
    if new.ai_use is not None and new.ai_use != post.ai_disclosure:
        changed.append("ai_use")
    return changed


def _field_text(content: Content, name: str) -> str:
    return {"title": content.title, "body": content.body, "tags": format_tags(content.tags)}[name]


def _grace_revision(post: Post, editor, now: datetime) -> list[PostHistory] | None:
    """The owner's own last revision when it is younger than the grace period, else None."""
    if editor.id != post.owner_id:
        return None
    last = (
        PostHistory.objects.filter(post=post, post_history_type__in=CONTENT_HISTORY_TYPES)
        .order_by("-creation_date", "-id")
        .first()
    )
    if last is None or last.user_id != editor.id or now - last.creation_date >= GRACE_PERIOD:
        return None
    rows = [
        row
        for row in PostHistory.objects.filter(post=post, revision_guid=last.revision_guid)
        if row.post_history_type in FIELD_OF_TYPE  # content rows only, not e.g. type 24
    ]
    if any(row.post_history_type in ROLLBACK_TYPES.values() for row in rows):
        return None  # a rollback stays a rollback
    return rows


def write_revision(
    post: Post,
    editor,
    new: Content,
    html: str,
    *,
    comment: str,
    rollback_of: str = "",
    allow_fold: bool = True,
    now: datetime | None = None,
    extra_rows=(),
) -> bool:
    """Apply new content to a locked post and record it; returns True when folded into grace."""
    now = now or timezone.now()
    changed = changed_fields(post, new)
    if not changed:
        raise ValidationFailed("Your edit does not change anything.")
    grace = _grace_revision(post, editor, now) if allow_fold and not rollback_of else None
    disclosure = post.ai_disclosure if new.ai_use is None else new.ai_use
    if changed == ["ai_use"]:
        # Only the disclosure changed: the revision records it on a body row with the body
        # unchanged, as the dump has no row type for it.
        changed = ["body"]
    changed = [name for name in changed if name != "ai_use"]
    if grace is not None:
        by_field = {FIELD_OF_TYPE[row.post_history_type]: row for row in grace}
        for row in grace:
            if (
                row.ai_disclosure != disclosure
                and FIELD_OF_TYPE[row.post_history_type] not in changed
            ):
                row.ai_disclosure = disclosure
                row.save(update_fields=["ai_disclosure"])
        guid, is_initial = (
            grace[0].revision_guid,
            any(row.post_history_type in (1, 2, 3) for row in grace),
        )
        for name in changed:
            row = by_field.get(name)
            if row is None:
                row = history_row(post, EDIT_TYPES[name], guid, editor, grace[0].creation_date, "")
            row.text = _field_text(new, name)
            row.ai_disclosure = disclosure
            if comment and not is_initial:
                row.comment = comment
            row.save()
    else:
        guid = new_guid()
        kinds = ROLLBACK_TYPES if rollback_of else EDIT_TYPES
        note = f"Rollback to [{rollback_of}]" if rollback_of else comment
        PostHistory.objects.bulk_create(
            [
                history_row(
                    post, kinds[name], guid, editor, now, _field_text(new, name), note, disclosure
                )
                for name in changed
            ]
            + [row(post, guid, now) for row in extra_rows]
        )
    if "tags" in changed:
        set_post_tags(post, new.tags, counted=post.deletion_date is None)
    post.title, post.body_markdown, post.body = new.title, new.body, html
    post.tags = format_tags(new.tags) if post.is_question else post.tags
    post.last_activity_date = now
    post.ai_disclosure = disclosure
    update = ["title", "body_markdown", "body", "tags", "last_activity_date", "ai_disclosure"]
    if grace is None or post.last_edit_date is not None:
        post.last_editor, post.last_edit_date = (
            editor,
            (now if grace is None else post.last_edit_date),
        )
        update += ["last_editor", "last_edit_date"]
    post.save(update_fields=update)
    # The sources the page, search and the API read, in this transaction (tag wikis cite none).
    if "body" in changed and post.post_type in (PostType.QUESTION, PostType.ANSWER):
        sources_replace(post.id, new.body)
    if post.parent_id:
        Post.objects.filter(id=post.parent_id).update(last_activity_date=now)
    return grace is not None


def locked_post(post_id: int) -> Post:
    post = Post.objects.select_for_update().filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise NotFound("No post with that id.")
    return post


def notify_on_commit(
    user_id: int, kind: str, actor, post: Post, summary: str, url: str = ""
) -> None:
    from quaestio.notifications.services import notify_later

    notify_later(
        user_id,
        kind,
        actor_id=actor.id if actor is not None else None,
        post_id=post.id,
        summary=summary,
        url=url,
    )


def check_badges_on_commit(**users_by_event) -> None:
    """Badges a write may have earned are checked once it is committed (`edited=[user_id]`)."""
    from quaestio.badges.tasks import check_badges

    transaction.on_commit(lambda: check_badges(**users_by_event))
