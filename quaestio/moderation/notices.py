"""Moderators' post notices (spec §7.10): a box under the post with a standard text and date.

A post has at most one standing notice; adding another kind replaces it. Each addition and
removal writes its PostHistory row (type 33 or 34, the dump's numbers) whose Comment is the
notice's id, as in the dump. A dump's notices become PostNotice rows when it is imported
(moderation.notice_import, which recovers their kinds where the dump allows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation.models import PostNotice
from quaestio.moderation.policies import moderators_only
from quaestio.moderation.writes import locked_post, state_history
from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")
BOTH = (PostType.QUESTION, PostType.ANSWER)


@dataclass(frozen=True)
class NoticeKind:
    key: str
    title: str
    text: str
    post_types: tuple[int, ...]


NOTICE_KINDS = (
    NoticeKind(
        "citation_needed",
        "Citation needed",
        "This post does not cite any references or sources. Please help improve it by adding "
        "citations to reliable sources; unsourced material may be challenged and removed.",
        BOTH,
    ),
    NoticeKind(
        "current_event",
        "Current event",
        "This question relates to a current event: its answers may change rapidly as new "
        "information becomes available.",
        (PostType.QUESTION,),
    ),
    NoticeKind(
        "insufficient_explanation",
        "Insufficient explanation",
        "This answer needs more explanation: say why and how it answers the question, so that "
        "readers can judge it.",
        (PostType.ANSWER,),
    ),
    NoticeKind(
        "obsolete",
        "Obsolete",
        "This answer is obsolete: it was right once, but what it describes has since changed. "
        "Newer answers may be more useful.",
        (PostType.ANSWER,),
    ),
    NoticeKind(
        "wiki_answer",
        "Wiki answer",
        "This answer is a collaborative effort: if you see something that can be improved, "
        "edit the answer to improve it. No additional answers are needed here.",
        (PostType.ANSWER,),
    ),
)
NOTICE_KINDS_BY_KEY = {kind.key: kind for kind in NOTICE_KINDS}
CITATION_NEEDED = "citation_needed"  # also placed by the community's votes (moderation.citations)
IMPORTED = NoticeKind("imported", "Post notice", "A moderator added a notice to this post.", BOTH)
# A dump's notice that came with a bounty (moderation.notice_import): Stack Exchange shows one
# while a bounty is open; a bounty started here shows in the question's bounty box instead.
BOUNTY = NoticeKind(
    "bounty",
    "Bounty",
    "A bounty was offered on this question to draw attention to it and reward a good answer.",
    (PostType.QUESTION,),
)
_OTHER_KINDS = {IMPORTED.key: IMPORTED, BOUNTY.key: BOUNTY}


def notice_kind(key: str) -> NoticeKind:
    return NOTICE_KINDS_BY_KEY.get(key) or _OTHER_KINDS.get(key, IMPORTED)


def kinds_for(post: Post) -> list[NoticeKind]:
    return [kind for kind in NOTICE_KINDS if post.post_type in kind.post_types]


# Policies


def can_manage_notices(user, post: Post) -> Decision:
    allowed, reason = moderators_only(user, "add and remove post notices")
    if not allowed:
        return allowed, reason
    if post.post_type not in BOTH:
        return False, "Only questions and answers take post notices."
    if post.deletion_date is not None:
        return False, "This post is deleted."
    return ALLOWED


def can_see_annotated_posts(user) -> Decision:
    return moderators_only(user, "see the list of annotated posts")


# Services


@dataclass
class NoticeOutcome:
    post_id: int
    action: str  # "added", "removed", "unchanged"
    notice_id: int | None = None
    message: str = ""


def notice_add(user, post_id: int, kind_key: str, now: datetime | None = None) -> NoticeOutcome:
    """Add a notice; the same kind again changes nothing, another kind replaces the standing one."""
    with transaction.atomic():
        post = locked_post(post_id)
        now = now or timezone.now()
        allowed, reason = can_manage_notices(user, post)
        if not allowed:
            raise PermissionDenied(reason)
        kind = NOTICE_KINDS_BY_KEY.get(kind_key)
        if kind is None or post.post_type not in kind.post_types:
            names = ", ".join(k.title for k in kinds_for(post))
            raise ValidationFailed(f"Choose one of: {names}.", {"kind": ["unknown"]})
        return place_notice(post.id, kind, user, now)


def standing_notice(post_id: int) -> PostNotice | None:
    return PostNotice.objects.filter(post_id=post_id, removed_date=None).first()


def place_notice(post_id: int, kind: NoticeKind, user, now: datetime) -> NoticeOutcome:
    """Show `kind` on the post, replacing a standing notice of another kind. For callers that
    hold the post's row lock and have decided who may (a moderator, or the community's
    citation votes, placed as the Community user)."""
    standing = standing_notice(post_id)
    if standing is not None and standing.kind == kind.key:
        return NoticeOutcome(post_id, "unchanged", standing.id, "This notice is already shown.")
    if standing is not None:
        lift_notice(standing, user, now)
    # The post's row lock serialises adds; the unique constraint is the last guard.
    notice = PostNotice.objects.create(
        post_id=post_id, kind=kind.key, owner=user, creation_date=now
    )
    extra = {}
    if kind.key == CITATION_NEEDED:
        # What the post cited when the notice came: an edit must add to it to lift the notice.
        # Kept here because an author's edits in the grace period rewrite the body revision.
        extra["Sources"] = cited_keys(post_id)
    _write(post_id, PostHistoryType.POST_NOTICE_ADDED, user, notice, now, **extra)
    return NoticeOutcome(post_id, "added", notice.id)


def notice_remove(user, post_id: int, now: datetime | None = None) -> NoticeOutcome:
    with transaction.atomic():
        post = locked_post(post_id)
        now = now or timezone.now()
        allowed, reason = can_manage_notices(user, post)
        if not allowed:
            raise PermissionDenied(reason)
        standing = standing_notice(post.id)
        if standing is None:
            return NoticeOutcome(post.id, "unchanged", None, "This post has no notice.")
        lift_notice(standing, user, now)
        return NoticeOutcome(post.id, "removed", standing.id)


def lift_notice(notice: PostNotice, user, now: datetime) -> None:
    """Remove a standing notice (the caller holds the post's lock and decided who may). Edits
    waiting for review to lift a Citation needed notice have nothing left to lift."""
    from quaestio.moderation.models import ReviewQueue
    from quaestio.moderation.review_tasks import close_review_tasks

    PostNotice.objects.filter(id=notice.id).update(removed_date=now, removed_by=user)
    _write(notice.post_id, PostHistoryType.POST_NOTICE_REMOVED, user, notice, now)
    if notice.kind == CITATION_NEEDED:
        close_review_tasks(
            notice.post_id, queues=(ReviewQueue.SOURCES_ADDED,), outcome="notice removed", at=now
        )


def _write(post_id: int, history_type, user, notice: PostNotice, now: datetime, **extra) -> None:
    # The Comment is the notice's id, as in the dump; NoticeType is ours (the dump has none).
    state_history(post_id, history_type, user, now, str(notice.id), NoticeType=notice.kind, **extra)


def cited_keys(post_id: int) -> list[str]:
    """The post's sources now, as "kind:value" keys (quaestio.sources.extract)."""
    from quaestio.sources.extract import sources_of

    body = Post.objects.filter(id=post_id).values_list("body_markdown", flat=True).first()
    return [f"{kind}:{value}" for kind, value in (s.key for s in sources_of(body or ""))]


def cited_keys_when_placed(notice: PostNotice) -> set[str] | None:
    """The keys cited_keys kept when this notice was placed; None for a notice placed before
    they were kept (or imported from a dump)."""
    text = (
        PostHistory.objects.filter(
            post_id=notice.post_id,
            post_history_type=PostHistoryType.POST_NOTICE_ADDED,
            comment=str(notice.id),
        )
        .values_list("text", flat=True)
        .first()
    )
    try:
        kept = json.loads(text or "{}").get("Sources")
    except (ValueError, AttributeError):
        return None
    return set(kept) if isinstance(kept, list) else None
