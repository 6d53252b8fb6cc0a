"""Reads of a post's lock, protection and notice, for the question page, the forms and the API.

`post_states(posts, viewer)` gives each post what the page shows (the lock's notice and until
when, the protected notice, the post notice with its date) and what the viewer may do (lock,
unlock, protect, unprotect, add or remove a notice), as HTML-free dataclasses, in at most four
queries whatever the number of posts. A dump's locks, protections and notices read the same
way: the post's dates (set from PostHistory on import) and the notice's history rows.
(A module of its own: moderation/selectors.py is the closing's and already long.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from quaestio.core import links
from quaestio.moderation import locks, notices, protection
from quaestio.moderation.models import PostLock, PostNotice
from quaestio.moderation.notice_import import kind_from_text
from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType


@dataclass(frozen=True)
class LockView:
    kind: str  # a key of locks.LOCK_KINDS, or "imported"
    title: str
    notice: str  # empty for "no notice"
    since: datetime
    until: datetime | None  # None: until a moderator unlocks it
    stops: frozenset[str]  # the actions it stops (locks.EDIT, locks.VOTE ...)


@dataclass(frozen=True)
class ProtectionView:
    since: datetime
    text: str


@dataclass(frozen=True)
class NoticeView:
    notice_id: int | None  # the PostNotice id (the Comment of its history rows)
    kind: str  # a key of notices.NOTICE_KINDS, or "imported"
    title: str
    text: str
    date: datetime
    owner_user_id: int | None  # the moderator who added it


@dataclass(frozen=True)
class PostState:
    post_id: int
    lock: LockView | None
    protection: ProtectionView | None
    notice: NoticeView | None
    can_lock: bool
    can_unlock: bool
    can_protect: bool
    can_unprotect: bool
    can_add_notice: bool
    can_remove_notice: bool
    answer_refusal: str  # why protection stops the viewer answering ("" when it does not)


def post_states(posts: list[Post], viewer, now: datetime | None = None) -> dict[int, PostState]:
    """Per post id, its state and the viewer's actions (at most four queries)."""
    now = now or timezone.now()
    lock_rows = _lock_rows([p.id for p in posts if p.locked_date is not None])
    # The question page's rows say which posts ever had a notice (posts.sql.PostRow.has_notice).
    standing = notice_views([p for p in posts if getattr(p, "has_notice", True)])
    states = {}
    for post in posts:
        if hasattr(post, "__dict__"):  # the policies asking about this Post read the row kept
            post.__dict__.setdefault("_lock_rows", {})["row"] = lock_rows.get(post.id)
        lock = locks.state_from(post.locked_date, lock_rows.get(post.id), now)
        states[post.id] = PostState(
            post_id=post.id,
            lock=_lock_view(lock),
            protection=ProtectionView(post.protected_date, protection.protected_notice())
            if post.protected_date is not None and post.post_type == PostType.QUESTION
            else None,
            notice=standing.get(post.id),
            can_lock=locks.can_lock(viewer, post)[0],
            # can_unlock's own check of the lock, answered from the row read above.
            can_unlock=lock is not None and locks.may_manage_locks(viewer)[0],
            can_protect=post.post_type == PostType.QUESTION
            and protection.can_protect(viewer, post, now)[0],
            can_unprotect=post.post_type == PostType.QUESTION
            and protection.can_unprotect(viewer, post)[0],
            can_add_notice=notices.can_manage_notices(viewer, post)[0],
            can_remove_notice=post.id in standing and notices.can_manage_notices(viewer, post)[0],
            answer_refusal=protection.answer_refusal(viewer, post)
            if post.post_type == PostType.QUESTION
            else "",
        )
    return states


def post_state(post_id: int, viewer, now: datetime | None = None) -> tuple[Post, PostState] | None:
    """One post and its state (the forms' pages); None when there is no such post."""
    post = Post.objects.filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        return None
    return post, post_states([post], viewer, now)[post.id]


def _lock_rows(post_ids: list[int]) -> dict[int, PostLock]:
    if not post_ids:
        return {}
    return {row.post_id: row for row in PostLock.objects.filter(post_id__in=post_ids)}


def _lock_view(state: locks.LockState | None) -> LockView | None:
    if state is None:
        return None
    kind = state.kind
    return LockView(kind.key, kind.title, kind.notice, state.since, state.until, kind.stops)


def notice_views(posts: list[Post]) -> dict[int, NoticeView]:
    """The standing notice of each post: our PostNotice rows (one query), and for posts without
    one (a dump's), the latest of their notice history rows (one more query)."""
    ids = [p.id for p in posts]
    if not ids:
        return {}
    views = {
        n.post_id: _notice_view(n)
        for n in PostNotice.objects.filter(post_id__in=ids, removed_date=None)
    }
    imported = [p.id for p in posts if p.id not in views]
    views.update(imported_notices(imported))
    return views


def _notice_view(notice: PostNotice) -> NoticeView:
    kind = notices.notice_kind(notice.kind)
    return NoticeView(
        notice.id, kind.key, kind.title, kind.text, notice.creation_date, notice.owner_id
    )


def imported_notices(post_ids: list[int]) -> dict[int, NoticeView]:
    """A dump's notices: a post whose latest type 33/34 row is an addition (33) has one. Our
    own notices are PostNotice rows, and ours removed end in a type 34 row: either way the
    latest row decides."""
    if not post_ids:
        return {}
    latest: dict[int, PostHistory] = {}
    rows = (
        PostHistory.objects.filter(
            post_id__in=post_ids,
            post_history_type__in=(
                PostHistoryType.POST_NOTICE_ADDED,
                PostHistoryType.POST_NOTICE_REMOVED,
            ),
        )
        .only("post_id", "post_history_type", "creation_date", "comment", "user_id", "text")
        .order_by("post_id", "creation_date", "id")
    )
    for row in rows:
        latest[row.post_id] = row
    views = {}
    for post_id, row in latest.items():
        if row.post_history_type != PostHistoryType.POST_NOTICE_ADDED:
            continue
        kind = notices.notice_kind(kind_from_text(row.text))  # our export's kind, if any
        views[post_id] = NoticeView(
            _int(row.comment), kind.key, kind.title, kind.text, row.creation_date, row.user_id
        )
    return views


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


# /annotated-posts

ANNOTATED_PAGE = 50


@dataclass(frozen=True)
class AnnotatedPost:
    notice: NoticeView
    post_id: int
    is_question: bool
    title: str  # the question's title (an answer's question)
    url: str
    moderator: str


@dataclass(frozen=True)
class AnnotatedPage:
    rows: list[AnnotatedPost]
    next_before: int | None  # the keyset of the next page (notice ids below it)


def annotated_posts(before: int | None = None, limit: int = ANNOTATED_PAGE) -> AnnotatedPage:
    """Standing notices, newest first, a page at a time by notice id (two queries: the page,
    and the titles of its answers' questions)."""
    limit = max(1, min(limit, ANNOTATED_PAGE))
    query = PostNotice.objects.filter(removed_date=None, post__deletion_date=None)
    if before is not None:
        query = query.filter(id__lt=before)
    page = list(
        query.select_related("post", "owner")
        .only(
            "id",
            "kind",
            "creation_date",
            "post_id",
            "owner__display_name",
            "post__post_type",
            "post__title",
            "post__parent_id",
        )
        .order_by("-id")[: limit + 1]
    )
    more, page = len(page) > limit, page[:limit]
    parent_ids = {n.post.parent_id for n in page if n.post.parent_id}
    titles = (
        dict(Post.objects.filter(id__in=parent_ids).values_list("id", "title"))
        if parent_ids
        else {}
    )
    rows = []
    for n in page:
        question = n.post.post_type == PostType.QUESTION
        title = n.post.title if question else titles.get(n.post.parent_id, "")
        url = (
            links.question_url(n.post_id, title)
            if question
            else links.answer_in_thread_url(n.post.parent_id, title, n.post_id)
        )
        moderator = n.owner.display_name if n.owner else ""
        rows.append(AnnotatedPost(_notice_view(n), n.post_id, question, title, url, moderator))
    return AnnotatedPage(rows, page[-1].id if more and page else None)
