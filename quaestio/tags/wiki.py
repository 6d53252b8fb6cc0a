"""Tag wikis: a tag's excerpt and its full wiki are posts (types 4 and 5, as in the Stack
Exchange dump, which links them from Tags.ExcerptPostId and WikiPostId), owned by Community.

Edits go through the posts room's one write path (`write_revision`): each save is a revision
in PostHistory, so history, diffs and rollback work as for any post, and the dump round-trip
keeps them. Users without the direct-edit right suggest an edit (a `SuggestedEdit` row on the
excerpt or wiki post), reviewed in the tag-wiki-edits queue by users with the "approve tag
wiki edits" privilege: two alike decide, a moderator alone (spec §7.9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, RateLimited, ValidationFailed
from quaestio.core.markdown import render_post
from quaestio.posts.models import (
    Post,
    PostHistory,
    PostHistoryType,
    PostType,
    SuggestedEdit,
    SuggestedEditReview,
)
from quaestio.posts.revising import Content, changed_fields, current_content, write_revision
from quaestio.posts.suggested_edits import record_review
from quaestio.tags import policies
from quaestio.tags.models import Tag
from quaestio.tags.throttle import throttle

EXCERPT_MAX = 500  # Stack Exchange's limit for a tag excerpt
WIKI_MAX = 30_000
EDIT_COMMENT_MAX = 300
REVIEWS_NEEDED = 2  # as for suggested edits to posts (spec §5.2)
QUEUE_SIZE = 500  # pending tag wiki suggestions; none are taken while it is full
TAG_WIKI_TYPES = (PostType.TAG_WIKI_EXCERPT, PostType.TAG_WIKI)
PARTS = {"excerpt": PostType.TAG_WIKI_EXCERPT, "wiki": PostType.TAG_WIKI}


def _require(decision: tuple[bool, str]) -> None:
    allowed, reason = decision
    if not allowed:
        raise PermissionDenied(reason)


@dataclass
class TagWikiEditResult:
    tag: Tag
    applied: list[str] = field(default_factory=list)  # parts saved as revisions
    suggested: list[SuggestedEdit] = field(default_factory=list)


def _clean(excerpt: str, wiki: str) -> dict[str, str]:
    excerpt = " ".join((excerpt or "").split())
    wiki = (wiki or "").replace("\r\n", "\n")
    errors: dict[str, list[str]] = {}
    if len(excerpt) > EXCERPT_MAX:
        errors["excerpt"] = [
            f"The excerpt is limited to {EXCERPT_MAX} characters; you entered {len(excerpt)}."
        ]
    if len(wiki) > WIKI_MAX:
        errors["wiki"] = [f"The wiki is limited to {WIKI_MAX} characters; you entered {len(wiki)}."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    return {"excerpt": excerpt, "wiki": wiki}


def _locked_tag(name: str) -> Tag:
    tag = Tag.objects.select_for_update().filter(name=(name or "").strip().lower()).first()
    if tag is None:
        raise NotFound("No tag with that name.")
    return tag


def _part_post(tag: Tag, part: str, now: datetime) -> Post:
    """The tag's excerpt or wiki post, locked; created empty (owned by Community, as Stack
    Exchange's are) the first time it is written."""
    from quaestio.accounts.models import COMMUNITY_USER_ID

    column = "excerpt_post_id" if part == "excerpt" else "wiki_post_id"
    post_id = getattr(tag, column)
    post = Post.objects.select_for_update().filter(id=post_id).first() if post_id else None
    if post is None:
        post = Post.objects.create(
            post_type=PARTS[part],
            owner_id=COMMUNITY_USER_ID,
            creation_date=now,
            last_activity_date=now,
            content_license="CC BY-SA 4.0",
        )
        setattr(tag, column, post.id)
        tag.save(update_fields=[column])
    return post


def _changed_parts(tag: Tag, texts: dict[str, str]) -> list[str]:
    posts = {
        "excerpt": Post.objects.filter(id=tag.excerpt_post_id).first(),
        "wiki": Post.objects.filter(id=tag.wiki_post_id).first(),
    }
    changed = []
    for part, text in texts.items():
        post = posts[part]
        current = current_content(post).body if post is not None else ""
        if text != current:
            changed.append(part)
    return changed


def _content(text: str) -> Content:
    return Content(title="", body=text, tags=[])


def tag_wiki_edit(
    user, tag_name: str, *, excerpt: str, wiki: str, comment: str = ""
) -> TagWikiEditResult:
    """Save the tag's excerpt and wiki: revisions for users who may edit them directly, else a
    suggested edit per changed part, waiting in the tag-wiki-edits queue."""
    comment = " ".join((comment or "").split())[:EDIT_COMMENT_MAX]
    texts = _clean(excerpt, wiki)
    direct, _reason = policies.can_edit_tag_wiki(user)
    if not direct:
        _require(policies.can_suggest_tag_wiki_edit(user))
    throttle(user, "wiki")
    with transaction.atomic():
        tag = _locked_tag(tag_name)
        changed = _changed_parts(tag, texts)
        if not changed:
            raise ValidationFailed("Your edit does not change anything.")
        result = TagWikiEditResult(tag)
        now = timezone.now()
        for part in changed:
            post = _part_post(tag, part, now)
            if direct:
                write_revision(
                    post,
                    user,
                    _content(texts[part]),
                    render_post(texts[part]),
                    comment=comment,
                    allow_fold=False,
                    now=now,
                )
                result.applied.append(part)
            else:
                result.suggested.append(_suggest(user, post, texts[part], comment))
        if result.applied:
            _badges_on_commit(edited=[user.id])
    return result


def _suggest(user, post: Post, text: str, comment: str) -> SuggestedEdit:
    if SuggestedEdit.objects.filter(post=post, approval_date=None, rejection_date=None).exists():
        raise ValidationFailed("This tag wiki already has a suggested edit waiting for review.")
    pending = SuggestedEdit.objects.filter(
        approval_date=None, rejection_date=None, post__post_type__in=TAG_WIKI_TYPES
    ).count()
    if pending >= QUEUE_SIZE:
        raise RateLimited("The tag wiki edit queue is full; please try again later.")
    return SuggestedEdit.objects.create(post=post, owner=user, body_markdown=text, comment=comment)


def tag_wiki_review(user, suggestion_id: int, verdict: str) -> SuggestedEdit:
    """A reviewer's vote on a suggested tag wiki edit; two alike decide, a moderator alone.
    Approval applies the edit credited to its suggester, with the type 24 history row."""
    if verdict not in (SuggestedEditReview.APPROVE, SuggestedEditReview.REJECT):
        raise ValidationFailed("Choose approve or reject.")
    _require(policies.can_review_tag_wiki_edit(user))
    with transaction.atomic():
        suggestion = SuggestedEdit.objects.select_for_update().filter(id=suggestion_id).first()
        if suggestion is None:
            raise NotFound("No suggested edit with that id.")
        post = (
            Post.objects.select_for_update()
            .filter(id=suggestion.post_id, post_type__in=TAG_WIKI_TYPES)
            .first()
        )
        if post is None:
            raise NotFound("No suggested tag wiki edit with that id.")
        if not suggestion.is_pending:
            raise ValidationFailed("This suggested edit has already been reviewed.")
        approvers = record_review(
            user,
            suggestion,
            verdict,
            binding=policies.is_binding_tag_wiki_reviewer(user),
            needed=REVIEWS_NEEDED,
        )
        if approvers is not None:
            _apply(suggestion, post, approvers)
    return suggestion


def _apply(suggestion: SuggestedEdit, post: Post, approver_ids: list[int]) -> None:
    from quaestio.accounts.models import COMMUNITY_USER_ID, User
    from quaestio.reputation import services as reputation

    suggester = (
        User.objects.filter(id=suggestion.owner_id).first()
        or User.objects.filter(id=COMMUNITY_USER_ID).first()
    )
    now = timezone.now()
    content = _content(suggestion.body_markdown)
    if not changed_fields(post, content):
        suggestion.rejection_date = now  # the wiki already says this
        suggestion.save(update_fields=["rejection_date"])
        return
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

    write_revision(
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
    reputation.suggested_edit_approved(suggestion.owner_id, post.id, edit_id=suggestion.id, now=now)
    _badges_on_commit(edited=[suggestion.owner_id], scored=[suggestion.owner_id])


def tag_wiki_rollback(user, tag_name: str, part: str, revision_number: int) -> Post:
    """Return the excerpt or wiki to an earlier revision: a new rollback revision."""
    from quaestio.posts.revisions import post_revisions

    if part not in PARTS:
        raise ValidationFailed("Choose the excerpt or the wiki.")
    _require(policies.can_edit_tag_wiki(user))
    with transaction.atomic():
        tag = _locked_tag(tag_name)
        post_id = tag.excerpt_post_id if part == "excerpt" else tag.wiki_post_id
        post = Post.objects.select_for_update().filter(id=post_id).first() if post_id else None
        if post is None:
            raise NotFound(f"The tag has no {part} yet.")
        target = next((r for r in post_revisions(post.id) if r.number == revision_number), None)
        if target is None:
            raise NotFound(f"The {part} has no revision {revision_number}.")
        content = _content(target.body)
        if not changed_fields(post, content):
            raise ValidationFailed(f"Revision {revision_number} is the same as the current text.")
        write_revision(
            post, user, content, render_post(content.body), comment="", rollback_of=target.guid
        )
        _badges_on_commit(edited=[user.id])
    return post


def _badges_on_commit(**users_by_event) -> None:
    from quaestio.posts.revising import check_badges_on_commit

    check_badges_on_commit(**users_by_event)
