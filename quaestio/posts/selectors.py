"""Reads shaped for pages: each fetches what a page shows in a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.posts.models import LinkType, Post, PostLink, PostType
from quaestio.votes.models import Vote, VoteType

ANSWER_SORTS = {
    "score": "Highest score (default)",
    "trending": "Trending (recent votes count more)",
    "modified": "Date modified (newest first)",
    "created": "Date created (oldest first)",
}
DEFAULT_ANSWER_SORT = "score"
SIDEBAR_LINKED = 10
SIDEBAR_RELATED = 10


@dataclass
class Card:
    """Who stands behind a signature or comment: a live user, or a deleted one's name."""

    user: User | None
    name: str

    @property
    def is_deleted(self) -> bool:
        return self.user is None


@dataclass
class PostBlock:
    post: Post
    owner: Card
    editor: Card | None  # shown only when the last editor is not the owner
    comments: list[CommentView] = field(default_factory=list)

    @property
    def hidden_comment_count(self) -> int:
        return sum(1 for comment in self.comments if comment.collapsed)


@dataclass
class CommentView:
    comment: Comment
    author: Card
    collapsed: bool


@dataclass
class QuestionPage:
    question: PostBlock
    answers: list[PostBlock]
    sort: str
    accepted_answer_id: int | None
    linked: list[Post]
    related: list[Post]
    viewer_votes: dict[int, int]


def _card(user: User | None, fallback_name: str) -> Card:
    if user is not None:
        return Card(user, user.display_name)
    return Card(None, fallback_name or "deleted user")


def _comments_shown(comments: list[Comment], shown: int) -> set[int]:
    """Ids of the comments shown before "show N more": the `shown` highest-voted, ties oldest."""
    if len(comments) <= shown:
        return {comment.id for comment in comments}
    best = sorted(comments, key=lambda c: (-c.score, c.creation_date, c.id))[:shown]
    return {comment.id for comment in best}


def _trending_weight(votes: list[Vote], now: datetime) -> float:
    """Σ vote weight × 0.5^(age in days / 365): recent votes count more (spec §5.5)."""
    total = 0.0
    for vote in votes:
        sign = 1 if vote.vote_type == VoteType.UP_MOD else -1
        age_days = max(0.0, (now - vote.creation_date).total_seconds() / 86400)
        total += sign * math.pow(0.5, age_days / 365)
    return total


def sort_answers(answers: list[Post], sort: str, votes: list[Vote] | None = None) -> list[Post]:
    if sort == "created":
        return sorted(answers, key=lambda a: (a.creation_date, a.id))
    if sort == "modified":
        return sorted(answers, key=lambda a: (a.last_edit_date or a.creation_date), reverse=True)
    if sort == "trending":
        now = timezone.now()
        by_post: dict[int, list[Vote]] = {}
        for vote in votes or []:
            by_post.setdefault(vote.post_id, []).append(vote)
        return sorted(
            answers,
            key=lambda a: (
                -_trending_weight(by_post.get(a.id, []), now),
                -a.score,
                a.creation_date,
                a.id,
            ),
        )
    # Highest score; the accepted answer is marked, not pinned. Ties: oldest first.
    return sorted(answers, key=lambda a: (-a.score, a.creation_date, a.id))


def question_page(
    question_id: int, viewer: User | None = None, sort: str = DEFAULT_ANSWER_SORT
) -> QuestionPage | None:
    """Everything the question page shows, in a fixed number of queries whatever its size."""
    sort = sort if sort in ANSWER_SORTS else DEFAULT_ANSWER_SORT
    # 1: the question and its answers together.
    posts = list(
        Post.objects.filter(
            Q(id=question_id, post_type=PostType.QUESTION)
            | Q(parent_id=question_id, post_type=PostType.ANSWER)
        ).filter(deletion_date__isnull=True)
    )
    question = next(
        (p for p in posts if p.id == question_id and p.post_type == PostType.QUESTION), None
    )
    if question is None:
        return None
    answers = [p for p in posts if p.post_type == PostType.ANSWER]
    post_ids = [p.id for p in posts]

    # 2: every comment on them, oldest first.
    comments = list(
        Comment.objects.filter(post_id__in=post_ids, deletion_date__isnull=True).order_by(
            "creation_date", "id"
        )
    )
    # 3: every user the page names: owners, editors, commenters.
    user_ids = (
        {p.owner_id for p in posts}
        | {p.last_editor_id for p in posts}
        | {c.user_id for c in comments}
    )
    user_ids.discard(None)
    users = {u.id: u for u in User.objects.filter(id__in=user_ids)}

    votes: list[Vote] = []
    if sort == "trending" and answers:
        votes = list(
            Vote.objects.filter(
                post_id__in=[a.id for a in answers],
                vote_type__in=[VoteType.UP_MOD, VoteType.DOWN_MOD],
            ).only("post_id", "vote_type", "creation_date")
        )
    answers = sort_answers(answers, sort, votes)

    shown = settings.QUAESTIO_COMMENTS_SHOWN
    comments_by_post: dict[int, list[Comment]] = {}
    for comment in comments:
        comments_by_post.setdefault(comment.post_id, []).append(comment)

    def block(post: Post) -> PostBlock:
        post_comments = comments_by_post.get(post.id, [])
        visible = _comments_shown(post_comments, shown)
        editor = None
        if post.last_edit_date and post.last_editor_id != post.owner_id:
            editor = _card(users.get(post.last_editor_id), post.last_editor_display_name)
        return PostBlock(
            post=post,
            owner=_card(users.get(post.owner_id), post.owner_display_name),
            editor=editor,
            comments=[
                CommentView(
                    c, _card(users.get(c.user_id), c.user_display_name), c.id not in visible
                )
                for c in post_comments
            ],
        )

    # 4: questions linked to or from this one (duplicates included).
    linked = linked_questions(question.id, limit=SIDEBAR_LINKED)
    # 5: related questions (by shared tags until the search engine provides them).
    related = related_questions(question, limit=SIDEBAR_RELATED)
    # 6 (signed-in viewers only): the viewer's own votes on these posts.
    viewer_votes: dict[int, int] = {}
    if viewer is not None and viewer.is_authenticated:
        viewer_votes = dict(
            Vote.objects.filter(
                post_id__in=post_ids,
                user_id=viewer.id,
                vote_type__in=[VoteType.UP_MOD, VoteType.DOWN_MOD],
            ).values_list("post_id", "vote_type")
        )
    return QuestionPage(
        question=block(question),
        answers=[block(a) for a in answers],
        sort=sort,
        accepted_answer_id=question.accepted_answer_id,
        linked=linked,
        related=related,
        viewer_votes=viewer_votes,
    )


def linked_questions(question_id: int, limit: int) -> list[Post]:
    """Questions that link to this one or that it links to, highest score first (one query)."""
    outgoing = PostLink.objects.filter(post_id=question_id).values("related_post_id")
    incoming = PostLink.objects.filter(related_post_id=question_id).values("post_id")
    return list(
        Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
        .filter(Q(id__in=outgoing) | Q(id__in=incoming))
        .exclude(id=question_id)
        .only("id", "title", "score", "answer_count", "accepted_answer_id")
        .order_by("-score", "id")[:limit]
    )


def duplicate_targets(question_id: int) -> list[int]:
    return list(
        PostLink.objects.filter(post_id=question_id, link_type=LinkType.DUPLICATE).values_list(
            "related_post_id", flat=True
        )
    )


def related_questions(question: Post, limit: int) -> list[Post]:
    """Questions sharing the most tags with this one (one query)."""
    from django.db.models import Count

    from quaestio.tags.models import PostTag

    tag_ids = PostTag.objects.filter(post_id=question.id).values("tag_id")
    return list(
        Post.objects.filter(
            post_type=PostType.QUESTION, deletion_date__isnull=True, post_tags__tag_id__in=tag_ids
        )
        .exclude(id=question.id)
        .annotate(shared=Count("post_tags"))
        .only("id", "title", "score", "answer_count", "accepted_answer_id")
        .order_by("-shared", "-score", "id")[:limit]
    )


QUESTION_LIST_SORTS = {
    "active": ("-last_activity_date", "Active"),
    "newest": ("-creation_date", "Newest"),
    "score": ("-score", "Score"),
    "unanswered": ("-creation_date", "Unanswered"),
}


@dataclass
class QuestionSummary:
    post: Post
    owner: Card
    activity_user: Card


def question_list(
    *,
    sort: str = "active",
    tag: str | None = None,
    owner_id: int | None = None,
    page: int = 1,
    page_size: int = 30,
) -> tuple[list[QuestionSummary], int]:
    """A page of question summaries and the total count (three queries)."""
    order, _label = QUESTION_LIST_SORTS.get(sort, QUESTION_LIST_SORTS["active"])
    queryset = Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
    if tag:
        queryset = queryset.filter(post_tags__tag__name=tag)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    if sort == "unanswered":
        queryset = queryset.filter(answer_count=0)
    total = queryset.count()
    start = (max(page, 1) - 1) * page_size
    posts = list(
        queryset.defer("body", "body_markdown").order_by(order, "-id")[start : start + page_size]
    )
    user_ids = {p.owner_id for p in posts} | {p.last_editor_id for p in posts}
    user_ids.discard(None)
    users = {u.id: u for u in User.objects.filter(id__in=user_ids)}
    summaries = []
    for post in posts:
        owner = _card(users.get(post.owner_id), post.owner_display_name)
        summaries.append(QuestionSummary(post, owner, owner))
    return summaries, total
