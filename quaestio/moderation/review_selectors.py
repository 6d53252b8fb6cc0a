"""Reads for the review pages (spec §7.9), each in a fixed number of queries whatever the size
of the site:

- /review: each queue with the viewer's pending count, counted up to a cap ("500+", as Stack
  Exchange shows it) over the partial index of pending tasks;
- /review/<queue>: the viewer's next item: the oldest pending task they have not reviewed or
  skipped and do not own, read along the index on (queue, state, creation_date, id);
- /review/<queue>/<id>: the item, its reviews, and what the viewer may do with it;
- /review/<queue>/history: the queue's reviews, or one reviewer's, newest first, keyset-paged.

The decisions come from `review_policies`; templates only format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from quaestio.core import links
from quaestio.moderation import review_policies, review_rules
from quaestio.moderation.models import (
    CloseVote,
    CloseVoteKind,
    CloseVoteState,
    Review,
    ReviewAction,
    ReviewTask,
    ReviewTaskState,
)
from quaestio.posts.models import Post, SuggestedEdit

_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")  # shown as its text in the choices
COUNT_CAP = 500  # counts above this show as "500+"
HISTORY_PAGE = 50


@dataclass(frozen=True)
class QueueSummary:
    queue: str
    title: str
    description: str
    url: str
    history_url: str
    pending: int  # counted up to COUNT_CAP + 1
    access: tuple[bool, str]

    @property
    def pending_label(self) -> str:
        return f"{COUNT_CAP}+" if self.pending > COUNT_CAP else f"{self.pending:,}"


_VOTE_KIND = {
    review_rules.ReviewQueue.CLOSE: CloseVoteKind.CLOSE,
    review_rules.ReviewQueue.REOPEN: CloseVoteKind.REOPEN,
}


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def _pending_for(viewer, queue: str):
    """The queue's pending tasks this viewer may still review (not reviewed or skipped by
    them, not on their own posts), oldest first."""
    tasks = ReviewTask.objects.filter(queue=queue, state=ReviewTaskState.PENDING)
    if _signed_in(viewer):
        mine = Review.objects.filter(task_id=OuterRef("id"), user_id=viewer.id)
        tasks = tasks.exclude(Exists(mine)).exclude(post__owner_id=viewer.id)
        kind = _VOTE_KIND.get(queue)
        if kind is not None:  # those who voted or flagged already have had their say
            voted = CloseVote.objects.filter(
                question_id=OuterRef("post_id"),
                user_id=viewer.id,
                kind=kind,
                state=CloseVoteState.PENDING,
            )
            tasks = tasks.exclude(Exists(voted))
    return tasks.filter(post__deletion_date__isnull=True).order_by("creation_date", "id")


def bounded_count(queryset) -> int:
    """COUNT over at most COUNT_CAP + 1 rows: the page's cost stays flat as queues grow."""
    return queryset.values("id")[: COUNT_CAP + 1].count()


def review_overview(viewer) -> list[QueueSummary]:
    """Every queue in Stack Exchange's order, with the viewer's count and access."""
    from quaestio.posts.models import SuggestedEditReview

    summaries = []
    for queue in review_rules.QUEUE_ORDER:
        if queue == review_rules.SUGGESTED_EDITS:
            # Suggested tag wiki edits have their own queue (tags/wiki.py), listed after this.
            pending = SuggestedEdit.objects.filter(
                approval_date=None, rejection_date=None, post__post_type__in=(1, 2)
            )
            if _signed_in(viewer):
                theirs = SuggestedEditReview.objects.filter(
                    suggested_edit_id=OuterRef("id"), user_id=viewer.id
                )
                pending = pending.exclude(owner_id=viewer.id).exclude(Exists(theirs))
            summaries.append(
                QueueSummary(
                    queue,
                    "Suggested edits",
                    "Approve, improve or reject edits suggested by users.",
                    links.review_url(queue),
                    links.review_url(queue),
                    bounded_count(pending),
                    review_policies.can_review_suggested_edits(viewer),
                )
            )
            summaries.append(_tag_wiki_queue_summary(viewer))
            continue
        rules = review_rules.QUEUES[queue]
        summaries.append(
            QueueSummary(
                queue,
                rules.title,
                rules.description,
                links.review_url(queue),
                links.review_history_url(queue),
                bounded_count(_pending_for(viewer, queue)),
                review_policies.can_review_queue(viewer, queue),
            )
        )
    return summaries


def _tag_wiki_queue_summary(viewer) -> QueueSummary:
    from quaestio.tags.policies import can_review_tag_wiki_edit
    from quaestio.tags.wiki import TAG_WIKI_TYPES

    pending = SuggestedEdit.objects.filter(
        approval_date=None, rejection_date=None, post__post_type__in=TAG_WIKI_TYPES
    )
    url = links.page_url("tag_wiki_edits")
    return QueueSummary(
        "tag-wiki-edits",
        "Tag wiki edits",
        "Approve or reject edits suggested to tag wikis and excerpts.",
        url,
        url,
        bounded_count(pending),
        can_review_tag_wiki_edit(viewer),
    )


def next_task_id(viewer, queue: str) -> int | None:
    return _pending_for(viewer, queue).values_list("id", flat=True).first()


# One item


@dataclass(frozen=True)
class ReviewRow:
    id: int
    user_id: int
    user_name: str
    user_url: str
    action: str
    action_label: str
    comment: str
    date: datetime
    task_id: int
    task_url: str
    post_title: str


@dataclass(frozen=True)
class ActionChoice:
    action: str
    label: str


@dataclass
class TaskPage:
    task: ReviewTask
    rules: review_rules.QueueRules
    post: Post
    question: Post  # the post itself, or an answer's question
    post_visible: bool  # a deleted post shows only to those who may see deleted posts
    reviews: list[ReviewRow]
    may_review: tuple[bool, str]  # the viewer, on this item, now
    actions: list[ActionChoice]  # offered to the viewer (empty when they may not review)
    feedback: list[tuple[str, str, str]] = field(default_factory=list)  # key, label, text
    close_reasons: list = field(default_factory=list)  # the close dialog's, close queue only
    added_sources: list = field(default_factory=list)  # sources-added queue: what the edit cites
    votes: str = ""  # "2 close votes, 1 close flag" (close and reopen queues)
    progress: str = ""  # how far the item is toward completion
    reviews_today: int = 0
    limit_reached: str = ""  # the refusal, once the viewer reached today's limit
    daily_limit: int = 0
    url: str = ""
    edit_url: str = ""
    history_url: str = ""
    post_url: str = ""

    @property
    def is_pending(self) -> bool:
        return self.task.state == ReviewTaskState.PENDING

    @property
    def task_actions(self) -> set[str]:
        return {choice.action for choice in self.actions}


def task_page(viewer, task_id: int, queue: str, now: datetime | None = None) -> TaskPage | None:
    """The item of `queue` with this id, for this viewer; None when there is none."""
    from quaestio.moderation.policies import can_see_deleted

    now = now or timezone.now()
    task = (
        ReviewTask.objects.select_related("post", "post__parent")
        .filter(id=task_id, queue=queue)
        .first()
    )
    if task is None:
        return None
    post = task.post
    question = post.parent if post.parent_id else post
    reviewed = (
        _signed_in(viewer) and Review.objects.filter(task_id=task.id, user_id=viewer.id).exists()
    )
    may = (
        review_policies.can_review_task(
            viewer, task, post, ReviewAction.SKIP, now, reviewed=reviewed
        )
        if _signed_in(viewer)
        else (False, "You need to log in to review.")
    )
    rules = review_rules.QUEUES[queue]
    page = TaskPage(
        task=task,
        rules=rules,
        post=post,
        question=question,
        post_visible=post.deletion_date is None or can_see_deleted(viewer, post),
        reviews=_rows(Review.objects.filter(task_id=task.id).order_by("id")),
        may_review=may,
        actions=[],
        url=links.review_task_url(queue, task.id),
        edit_url=links.review_edit_url(queue, task.id),
        history_url=links.review_history_url(queue),
        post_url=links.question_url(post.id, post.title)
        if post.is_question
        else links.answer_in_thread_url(question.id, question.title, post.id),
    )
    if may[0]:
        page.actions = [
            ActionChoice(a, ReviewAction(a).label) for a in _offered(viewer, task, post, now)
        ]
        page.reviews_today = review_policies.reviews_today(viewer, queue, now)
        page.daily_limit = review_rules.daily_limit()
        page.limit_reached = review_policies.daily_limit_refusal(viewer, queue, now)
        if page.limit_reached:  # only Skip is left today
            page.actions = [c for c in page.actions if c.action == ReviewAction.SKIP]
        if ReviewAction.FEEDBACK in page.task_actions:
            page.feedback = [
                (key, label, _MARKDOWN_LINK.sub(r"\1", text))
                for key, (label, text) in review_rules.feedback_choices(post.is_question).items()
            ]
        if ReviewAction.CLOSE in page.task_actions:
            from quaestio.moderation.selectors import close_dialog_reasons

            page.close_reasons = close_dialog_reasons()
    if queue == review_rules.ReviewQueue.SOURCES_ADDED:
        from quaestio.moderation.citations import added_sources

        page.added_sources = added_sources(post.id)
    page.votes = _votes_summary(task)
    page.progress = _progress(task, page.reviews)
    return page


def _offered(viewer, task, post, now) -> list[str]:
    """The queue's actions, the low-quality "Recommend deletion" becoming "Delete" for those
    who may cast a delete vote (the service decides the same way)."""
    from quaestio.moderation.policies import can_vote_to_delete

    offered = []
    for action in review_rules.QUEUES[task.queue].actions:
        if (
            action == ReviewAction.RECOMMEND_DELETION
            and task.queue == review_rules.ReviewQueue.LOW_QUALITY
            and can_vote_to_delete(viewer, post, now)[0]
        ):
            action = ReviewAction.DELETE
        offered.append(action)
    return offered


def _votes_summary(task: ReviewTask) -> str:
    if task.queue not in (review_rules.ReviewQueue.CLOSE, review_rules.ReviewQueue.REOPEN):
        return ""
    kind = (
        CloseVoteKind.CLOSE
        if task.queue == review_rules.ReviewQueue.CLOSE
        else CloseVoteKind.REOPEN
    )
    rows = list(
        CloseVote.objects.filter(
            question_id=task.post_id, kind=kind, state=CloseVoteState.PENDING
        ).values_list("is_flag", flat=True)[:100]
    )
    votes, flags = rows.count(False), rows.count(True)
    word = "close" if kind == CloseVoteKind.CLOSE else "reopen"
    flag_word = "close flag" if kind == CloseVoteKind.CLOSE else "reopen request"
    return f"{votes} {word} vote{'s' * (votes != 1)}, {flags} {flag_word}{'s' * (flags != 1)}"


def _progress(task: ReviewTask, reviews: list[ReviewRow]) -> str:
    if task.state != ReviewTaskState.PENDING:
        return (
            f"Completed: {task.outcome}"
            if task.state == ReviewTaskState.COMPLETED
            else (f"No longer reviewable: {task.outcome}")
        )
    parts = []
    for rule in review_rules.completions(task.queue):
        done = sum(1 for r in reviews if r.action in rule.actions)
        label = rule.outcome or "reviews"
        parts.append(f"{done} of {rule.needed} {label}")
    return "; ".join(parts)


# History


def _rows(reviews) -> list[ReviewRow]:
    rows = list(
        reviews.select_related("user", "task__post", "task__post__parent").only(
            "id", "action", "comment", "creation_date", "queue", "task_id",
            "user__id", "user__display_name",
            "task__id", "task__post__id", "task__post__title", "task__post__post_type",
            "task__post__parent__id", "task__post__parent__title",
        )
    )  # fmt: skip
    out = []
    for r in rows:
        post = r.task.post
        title = post.title or (post.parent.title if post.parent_id and post.parent else "")
        out.append(
            ReviewRow(
                id=r.id,
                user_id=r.user_id,
                user_name=r.user.display_name,
                user_url=links.user_url(r.user_id, r.user.display_name),
                action=r.action,
                action_label=ReviewAction(r.action).label,
                comment=r.comment,
                date=r.creation_date,
                task_id=r.task_id,
                task_url=links.review_task_url(r.queue, r.task_id),
                post_title=title,
            )
        )
    return out


@dataclass
class HistoryPage:
    queue: str
    title: str
    reviews: list[ReviewRow]
    reviewer_name: str  # "" for the whole queue
    next_url: str  # "" on the last page
    queue_url: str
    all_url: str


def review_history(
    queue: str, user_id: int | None = None, before: int | None = None
) -> HistoryPage:
    """The queue's reviews (skips included, as Stack Exchange lists them), newest first, 50 a
    page, paged on id (the indexes on (queue, -id) and (user, queue, -id))."""
    from quaestio.accounts.models import User

    reviews = Review.objects.filter(queue=queue)
    reviewer_name = ""
    if user_id is not None:
        reviews = reviews.filter(user_id=user_id)
        reviewer_name = (
            User.objects.filter(id=user_id).values_list("display_name", flat=True).first() or ""
        )
    if before is not None:
        reviews = reviews.filter(id__lt=before)
    rows = _rows(reviews.order_by("-id")[: HISTORY_PAGE + 1])
    more = len(rows) > HISTORY_PAGE
    rows = rows[:HISTORY_PAGE]
    return HistoryPage(
        queue=queue,
        title=review_rules.QUEUES[queue].title,
        reviews=rows,
        reviewer_name=reviewer_name,
        next_url=links.review_history_url(queue, user_id, rows[-1].id) if more else "",
        queue_url=links.review_url(queue),
        all_url=links.review_history_url(queue),
    )
