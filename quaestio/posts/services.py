"""Every write to posts: ask, answer, edit, rollback, delete, suggested edits.

Each service checks the policy, validates, locks the post it changes, writes Post and
PostHistory rows in the dump's shape in one transaction, and queues notifications on commit.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.core.markdown import render_post
from quaestio.posts import policies
from quaestio.posts.events import announce_post_written, announce_suggested_edit_approved
from quaestio.posts.models import (
    BODY_HISTORY_TYPES,
    CONTENT_HISTORY_TYPES,
    Post,
    PostHistory,
    PostHistoryType,
    PostSubmission,
    PostType,
    SuggestedEdit,
    SuggestedEditReview,
    format_tags,
    parse_tags,
)
from quaestio.posts.tagging import (
    move_tag_counts,
    parse_tag_input,
    set_post_tags,
    tag_errors,
    unknown_tags,
)

TITLE_MIN, TITLE_MAX = 15, 150
BODY_MIN, BODY_MAX = 30, 30_000
EDIT_SUMMARY_MAX = 300
GRACE_PERIOD = timedelta(minutes=5)
CONTENT_LICENSE = "CC BY-SA 4.0"
SUGGESTED_EDIT_QUEUE_SIZE = 500
SUGGESTED_EDIT_VOTES_NEEDED = 2

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


def _clean_content(
    user, *, is_question: bool, title: str, body: str, tags, check_new_tags: bool = True
) -> tuple[Content, str]:
    """Validated content and its rendered HTML, or ValidationFailed naming every problem."""
    title = " ".join((title or "").split())
    body = (body or "").replace("\r\n", "\n")
    names = parse_tag_input(tags) if is_question else []
    fields: dict[str, list[str]] = {}
    if is_question:
        fields["title"] = _title_errors(title)
        fields["tags"] = tag_errors(names)
        if check_new_tags and not fields["tags"]:
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
    fields = {name: errors for name, errors in fields.items() if errors}
    if fields:
        first = next(iter(fields.values()))[0]
        raise ValidationFailed(first, fields)
    return Content(title=title, body=body, tags=names), html


def _require(decision: tuple[bool, str]) -> None:
    allowed, reason = decision
    if not allowed:
        raise PermissionDenied(reason)


def _require_not_limited(wait: str) -> None:
    if wait:
        raise RateLimited(wait)


# --- history rows ----------------------------------------------------------------------------


def _history(post: Post, kind: int, guid: str, user, when: datetime, text: str, comment=""):
    return PostHistory(
        post=post,
        post_history_type=kind,
        revision_guid=guid,
        creation_date=when,
        user=user,
        comment=comment,
        text=text,
        content_license=CONTENT_LICENSE,
    )


def _new_guid() -> str:
    return str(uuid.uuid4())


def _existing_submission(user, token: str) -> Post | None:
    if not token:
        return None
    found = PostSubmission.objects.filter(user=user, token=token).select_related("post").first()
    return found.post if found else None


def _content_token(*parts) -> str:
    """Stands in for a missing form token: the same content sent twice is the same submission."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"content:{digest[:48]}"


def _create_once(user, token: str, create) -> Post:
    """Run `create` in a transaction that also records the form token; a repeat returns the first."""
    token = (token or "")[:64]
    earlier = _existing_submission(user, token)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            post = create()
            if token:
                PostSubmission.objects.create(user=user, token=token, post=post)
            return post
    except IntegrityError:
        earlier = _existing_submission(user, token)
        if earlier is None:
            raise
        return earlier


# --- ask and answer --------------------------------------------------------------------------


def question_ask(user, *, title: str, body: str, tags, token: str = "") -> Post:
    """A new question with its initial revision (history types 1, 2, 3 under one GUID)."""
    token = token or _content_token("question", title, body, tags)
    earlier = _existing_submission(user, token) if user.is_authenticated else None
    if earlier is not None:
        return earlier  # the same form sent twice: the first submit already made the question
    _require(policies.may_ask(user))
    _require_not_limited(policies.ask_rate_limit(user))
    content, html = _clean_content(user, is_question=True, title=title, body=body, tags=tags)

    def create() -> Post:
        now = timezone.now()
        post = Post.objects.create(
            post_type=PostType.QUESTION,
            owner=user,
            title=content.title,
            body=html,
            body_markdown=content.body,
            tags=format_tags(content.tags),
            creation_date=now,
            last_activity_date=now,
            answer_count=0,
            view_count=0,
            content_license=CONTENT_LICENSE,
        )
        guid = _new_guid()
        PostHistory.objects.bulk_create(
            [
                _history(post, PostHistoryType.INITIAL_TITLE, guid, user, now, content.title),
                _history(post, PostHistoryType.INITIAL_BODY, guid, user, now, content.body),
                _history(post, PostHistoryType.INITIAL_TAGS, guid, user, now, post.tags),
            ]
        )
        set_post_tags(post, content.tags)
        announce_post_written(post.id, "ask")
        return post

    return _create_once(user, token, create)


def answer_post(user, question_id: int, *, body: str, token: str = "") -> Post:
    """A new answer (history type 2) and the question's answer count and activity."""
    token = token or _content_token("answer", question_id, body)
    earlier = _existing_submission(user, token) if user.is_authenticated else None
    if earlier is not None:
        return earlier
    question = Post.objects.filter(id=question_id, post_type=PostType.QUESTION).first()
    if question is None:
        raise NotFound("No question with that id.")
    _require(policies.may_answer(user, question))
    _require_not_limited(policies.answer_rate_limit(user))
    content, html = _clean_content(user, is_question=False, title="", body=body, tags=[])

    def create() -> Post:
        now = timezone.now()
        locked = Post.objects.select_for_update().get(id=question.id)
        post = Post.objects.create(
            post_type=PostType.ANSWER,
            parent=locked,
            owner=user,
            body=html,
            body_markdown=content.body,
            creation_date=now,
            last_activity_date=now,
            content_license=CONTENT_LICENSE,
        )
        _history(post, PostHistoryType.INITIAL_BODY, _new_guid(), user, now, content.body).save()
        Post.objects.filter(id=locked.id).update(
            answer_count=F("answer_count") + 1, last_activity_date=now
        )
        announce_post_written(post.id, "answer")
        if locked.owner_id and locked.owner_id != user.id:
            _notify_on_commit(
                locked.owner_id, "answer", user, post, f"New answer to: {locked.title[:150]}"
            )
        return post

    return _create_once(user, token, create)


def _notify_on_commit(
    user_id: int, kind: str, actor, post: Post, summary: str, url: str = ""
) -> None:
    from quaestio.notifications.services import notify

    transaction.on_commit(
        lambda: notify(user_id, kind, actor=actor, post=post, summary=summary, url=url)
    )


# --- edits and rollbacks ---------------------------------------------------------------------

EDIT_TYPES = {"title": 4, "body": 5, "tags": 6}
ROLLBACK_TYPES = {"title": 7, "body": 8, "tags": 9}
INITIAL_TYPES = {"title": 1, "body": 2, "tags": 3}
FIELD_OF_TYPE = {
    kind: name
    for table in (EDIT_TYPES, ROLLBACK_TYPES, INITIAL_TYPES)
    for name, kind in table.items()
}


@dataclass
class EditResult:
    """What an edit became: a revision of the post, or a suggestion waiting for review."""

    post: Post
    suggestion: SuggestedEdit | None = None
    folded: bool = False


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


def _changed_fields(post: Post, new: Content) -> list[str]:
    old = current_content(post)
    changed = []
    if post.is_question and new.title != old.title:
        changed.append("title")
    if new.body != old.body:
        changed.append("body")
    if post.is_question and new.tags != old.tags:
        changed.append("tags")
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
    rows = list(PostHistory.objects.filter(post=post, revision_guid=last.revision_guid))
    if any(row.post_history_type in ROLLBACK_TYPES.values() for row in rows):
        return None  # a rollback stays a rollback
    return rows


def _write_revision(
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
    changed = _changed_fields(post, new)
    if not changed:
        raise ValidationFailed("Your edit does not change anything.")
    grace = _grace_revision(post, editor, now) if allow_fold and not rollback_of else None
    if grace is not None:
        by_field = {FIELD_OF_TYPE[row.post_history_type]: row for row in grace}
        guid, is_initial = (
            grace[0].revision_guid,
            any(row.post_history_type in (1, 2, 3) for row in grace),
        )
        for name in changed:
            row = by_field.get(name)
            if row is None:
                row = _history(post, EDIT_TYPES[name], guid, editor, grace[0].creation_date, "")
            row.text = _field_text(new, name)
            if comment and not is_initial:
                row.comment = comment
            row.save()
    else:
        guid = _new_guid()
        kinds = ROLLBACK_TYPES if rollback_of else EDIT_TYPES
        note = f"Rollback to [{rollback_of}]" if rollback_of else comment
        PostHistory.objects.bulk_create(
            [
                _history(post, kinds[name], guid, editor, now, _field_text(new, name), note)
                for name in changed
            ]
            + [row(post, guid, now) for row in extra_rows]
        )
    if "tags" in changed:
        set_post_tags(post, new.tags, counted=post.deletion_date is None)
    post.title, post.body_markdown, post.body = new.title, new.body, html
    post.tags = format_tags(new.tags) if post.is_question else post.tags
    post.last_activity_date = now
    update = ["title", "body_markdown", "body", "tags", "last_activity_date"]
    if grace is None or post.last_edit_date is not None:
        post.last_editor, post.last_edit_date = (
            editor,
            (now if grace is None else post.last_edit_date),
        )
        update += ["last_editor", "last_edit_date"]
    post.save(update_fields=update)
    if post.parent_id:
        Post.objects.filter(id=post.parent_id).update(last_activity_date=now)
    return grace is not None


def _locked_post(post_id: int) -> Post:
    post = Post.objects.select_for_update().filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise NotFound("No post with that id.")
    return post


def post_edit(
    user, post_id: int, *, body: str, title: str = "", tags="", comment: str = ""
) -> EditResult:
    """Edit a post: a new revision for those who may edit, a suggested edit for the others."""
    comment = " ".join((comment or "").split())[:EDIT_SUMMARY_MAX]
    with transaction.atomic():
        post = _locked_post(post_id)
        allowed, _reason = policies.can_edit(user, post)
        if not allowed:
            suggestable, why_not = policies.can_suggest_edit(user, post)
            if not suggestable:
                raise PermissionDenied(why_not)
            return EditResult(post, suggestion=_suggest(user, post, title, body, tags, comment))
        if post.is_answer:
            title, tags = "", []
        content, html = _clean_content(
            user, is_question=post.is_question, title=title, body=body, tags=tags
        )
        folded = _write_revision(post, user, content, html, comment=comment)
        announce_post_written(post.id, "edit")
    return EditResult(post, folded=folded)


def post_rollback(user, post_id: int, revision_number: int) -> Post:
    """Return a post to an earlier revision: a new revision of types 7/8/9 naming the target."""
    from quaestio.posts.revisions import post_revisions

    with transaction.atomic():
        post = _locked_post(post_id)
        _require(policies.can_edit(user, post))
        target = next((r for r in post_revisions(post.id) if r.number == revision_number), None)
        if target is None:
            raise NotFound(f"Post {post.id} has no revision {revision_number}.")
        content = Content(
            title=target.title if post.is_question else "",
            body=target.body,
            tags=parse_tags(target.tags) if post.is_question else [],
        )
        if not _changed_fields(post, content):
            raise ValidationFailed(f"Revision {revision_number} is the same as the current post.")
        _write_revision(
            post, user, content, render_post(content.body), comment="", rollback_of=target.guid
        )
        announce_post_written(post.id, "rollback")
    return post


# --- deletion --------------------------------------------------------------------------------


def _voters_json(user) -> str:
    return json.dumps({"Voters": [{"Id": user.id, "DisplayName": user.display_name}]})


def post_delete(user, post_id: int) -> Post:
    """Soft-delete a post (deletion_date, history type 12) under the rules of spec §5.7."""
    with transaction.atomic():
        post = _locked_post(post_id)
        if post.parent_id:
            post.parent = Post.objects.select_for_update().get(id=post.parent_id)
        _require(policies.can_delete(user, post))
        now = timezone.now()
        post.deletion_date = now
        post.save(update_fields=["deletion_date"])
        _history(
            post, PostHistoryType.POST_DELETED, _new_guid(), user, now, _voters_json(user)
        ).save()
        if post.is_question:
            move_tag_counts(post, -1)
        else:
            Post.objects.filter(id=post.parent_id).update(answer_count=F("answer_count") - 1)
        announce_post_written(post.id, "delete")
    return post


def post_undelete(user, post_id: int) -> Post:
    """Authors bring back what they deleted themselves; moderators anything (history type 13)."""
    with transaction.atomic():
        post = _locked_post(post_id)
        if post.deletion_date is None:
            raise ValidationFailed("This post is not deleted.")
        last_delete = (
            PostHistory.objects.filter(post=post, post_history_type=PostHistoryType.POST_DELETED)
            .order_by("-creation_date")
            .first()
        )
        self_deleted = last_delete is not None and last_delete.user_id == user.id
        if not (
            user.is_authenticated
            and (user.is_moderator or (self_deleted and post.owner_id == user.id))
        ):
            raise PermissionDenied(
                "Only the author of a self-deleted post or a moderator can undelete it."
            )
        now = timezone.now()
        post.deletion_date = None
        post.save(update_fields=["deletion_date"])
        _history(
            post, PostHistoryType.POST_UNDELETED, _new_guid(), user, now, _voters_json(user)
        ).save()
        if post.is_question:
            move_tag_counts(post, +1)
        else:
            Post.objects.filter(id=post.parent_id).update(answer_count=F("answer_count") + 1)
        announce_post_written(post.id, "undelete")
    return post


# --- suggested edits -------------------------------------------------------------------------


def _suggest(user, post: Post, title: str, body: str, tags, comment: str) -> SuggestedEdit:
    if SuggestedEdit.objects.filter(post=post, approval_date=None, rejection_date=None).exists():
        raise ValidationFailed("This post already has a suggested edit waiting for review.")
    pending = SuggestedEdit.objects.filter(approval_date=None, rejection_date=None).count()
    if pending >= SUGGESTED_EDIT_QUEUE_SIZE:
        raise RateLimited("The suggested edit queue is full; please try again later.")
    if post.is_answer:
        title, tags = "", []
    content, _html = _clean_content(
        user, is_question=post.is_question, title=title, body=body, tags=tags
    )
    if not _changed_fields(post, content):
        raise ValidationFailed("Your edit does not change anything.")
    suggestion = SuggestedEdit.objects.create(
        post=post,
        owner=user,
        title=content.title,
        body_markdown=content.body,
        tags=format_tags(content.tags),
        comment=comment,
    )
    if post.owner_id:
        _notify_on_commit(
            post.owner_id,
            "suggested_edit",
            user,
            post,
            "An edit was suggested to your post.",
            url=f"/review/suggested-edits/{suggestion.id}",
        )
    return suggestion


def suggested_edit_review(user, suggestion_id: int, verdict: str) -> SuggestedEdit:
    """A reviewer's vote; two alike decide, and the post's owner or a moderator decides alone."""
    if verdict not in (SuggestedEditReview.APPROVE, SuggestedEditReview.REJECT):
        raise ValidationFailed("Choose approve or reject.")
    with transaction.atomic():
        suggestion = SuggestedEdit.objects.select_for_update().filter(id=suggestion_id).first()
        if suggestion is None:
            raise NotFound("No suggested edit with that id.")
        post = _locked_post(suggestion.post_id)
        if not suggestion.is_pending:
            raise ValidationFailed("This suggested edit has already been reviewed.")
        _require(policies.can_review_suggested_edit(user, post))
        if suggestion.owner_id == user.id:
            raise PermissionDenied("You cannot review your own suggested edit.")
        if SuggestedEditReview.objects.filter(suggested_edit=suggestion, user=user).exists():
            raise ValidationFailed("You have already reviewed this suggested edit.")
        SuggestedEditReview.objects.create(suggested_edit=suggestion, user=user, verdict=verdict)
        votes = list(
            SuggestedEditReview.objects.filter(suggested_edit=suggestion, verdict=verdict)
            .order_by("creation_date", "id")
            .values_list("user_id", flat=True)
        )
        decided = (
            policies.is_binding_reviewer(user, post) or len(votes) >= SUGGESTED_EDIT_VOTES_NEEDED
        )
        if decided and verdict == SuggestedEditReview.REJECT:
            suggestion.rejection_date = timezone.now()
            suggestion.save(update_fields=["rejection_date"])
        elif decided:
            _apply_suggestion(suggestion, post, votes)
    return suggestion


def _apply_suggestion(suggestion: SuggestedEdit, post: Post, approver_ids: list[int]) -> None:
    """The edit, credited to its suggester, plus the type 24 row that records who approved it."""
    from quaestio.accounts.models import COMMUNITY_USER_ID, User

    # A suggester who has since deleted their account leaves the edit to Community.
    suggester = (
        User.objects.filter(id=suggestion.owner_id).first()
        or User.objects.filter(id=COMMUNITY_USER_ID).first()
    )
    now = timezone.now()
    content = Content(
        title=suggestion.title if post.is_question else "",
        body=suggestion.body_markdown,
        tags=parse_tags(suggestion.tags) if post.is_question else [],
    )
    note = (
        f"Proposed by {suggestion.owner_id} approved by "
        f"{', '.join(str(i) for i in approver_ids)} edit id of {suggestion.id}"
    )

    def applied_row(post: Post, guid: str, when: datetime) -> PostHistory:
        return PostHistory(
            post=post,
            post_history_type=PostHistoryType.SUGGESTED_EDIT_APPLIED,
            revision_guid=guid,
            creation_date=when,
            comment=note,
        )

    if not _changed_fields(post, content):
        suggestion.rejection_date = now  # the post already says this; nothing to apply
        suggestion.save(update_fields=["rejection_date"])
        return
    _write_revision(
        post,
        suggester,
        content,
        render_post(content.body),
        comment=suggestion.comment,
        allow_fold=False,
        now=now,
        extra_rows=[applied_row],
    )
    suggestion.approval_date = now
    suggestion.save(update_fields=["approval_date"])
    announce_post_written(post.id, "edit")
    announce_suggested_edit_approved(suggestion.id, suggestion.owner_id, post.id)
