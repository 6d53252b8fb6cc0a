"""Reads shaped for pages: each fetches what a page shows in a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.accounts.selectors import Card, person_card
from quaestio.posts import sql
from quaestio.posts.models import Post, PostType
from quaestio.posts.sql import CommentRow, PostRow, SidebarRow
from quaestio.search.selectors import related_questions
from quaestio.votes.models import Bounty, BountyState, Vote, VoteType

ANSWER_SORTS = {
    "score": "Highest score (default)",
    "trending": "Trending (recent votes count more)",
    "modified": "Date modified (newest first)",
    "created": "Date created (oldest first)",
}
DEFAULT_ANSWER_SORT = "score"
SIDEBAR_LIMIT = 10  # linked and related questions shown beside a question


@dataclass(slots=True)
class PostBlock:
    post: PostRow
    owner: Card
    editor: Card | None  # shown only when the last editor is not the owner
    comments: list[CommentView] = field(default_factory=list)
    hidden_comment_count: int = 0  # comments collapsed behind "show N more"


@dataclass(slots=True)
class CommentView:
    comment: CommentRow
    author: Card
    collapsed: bool = False


@dataclass(slots=True)
class QuestionPage:
    question: PostBlock
    answers: list[PostBlock]
    sort: str
    accepted_answer_id: int | None
    linked: list[SidebarRow]
    related: (
        list  # rows from the search engine with id, title, score, answer_count, accepted_answer_id
    )
    viewer_votes: dict[int, int]


def _collapse_beyond(views: list[CommentView], shown: int) -> int:
    """Marks collapsed every comment but the `shown` highest-voted (ties: oldest), which stay
    visible in their place; returns how many were collapsed."""
    if len(views) <= shown:
        return 0
    ranked = sorted(views, key=lambda v: (-v.comment.score, v.comment.creation_date, v.comment.id))
    for view in ranked[shown:]:
        view.collapsed = True
    return len(views) - shown


def _trending_weight(votes: list[Vote], now: datetime) -> float:
    """Σ vote weight × 0.5^(age in days / 365): recent votes count more (spec §5.5)."""
    total = 0.0
    for vote in votes:
        sign = 1 if vote.vote_type == VoteType.UP_MOD else -1
        age_days = max(0.0, (now - vote.creation_date).total_seconds() / 86400)
        total += sign * math.pow(0.5, age_days / 365)
    return total


def sort_answers(
    answers: list[PostRow], sort: str, votes: list[Vote] | None = None
) -> list[PostRow]:
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
    """Everything the question page shows, in a fixed number of queries whatever its size:
    posts, comments, users, sidebar, and for a signed-in viewer their votes (see posts/sql.py)."""
    sort = sort if sort in ANSWER_SORTS else DEFAULT_ANSWER_SORT
    with connection.cursor() as cursor:
        return _question_page(cursor, question_id, viewer, sort)


def _question_page(cursor, question_id: int, viewer: User | None, sort: str) -> QuestionPage | None:
    posts = sql.thread_posts(cursor, question_id)  # the question and its answers, nothing else
    question = next((p for p in posts if p.post_type == PostType.QUESTION), None)
    if question is None:
        return None
    answers = [p for p in posts if p.post_type == PostType.ANSWER]
    post_ids = [p.id for p in posts]
    comments = sql.thread_comments(cursor, post_ids)
    user_ids = {c.user_id for c in comments}
    for post in posts:
        user_ids.add(post.owner_id)
        user_ids.add(post.last_editor_id)
    user_ids.discard(None)
    users = sql.user_cards(cursor, user_ids)

    votes: list[Vote] = []
    if sort == "trending" and answers:
        votes = list(
            Vote.objects.filter(
                post_id__in=[a.id for a in answers],
                vote_type__in=[VoteType.UP_MOD, VoteType.DOWN_MOD],
            ).only("post_id", "vote_type", "creation_date")
        )
    answers = sort_answers(answers, sort, votes)

    # One Card per person, shared by every appearance, so pages format each person once; a
    # deleted user (no row) is known by the name the post or comment kept.
    cards = {user_id: Card(row, row.display_name) for user_id, row in users.items()}
    deleted: dict[str, Card] = {}

    def card(user_id: int | None, fallback_name: str) -> Card:
        found = cards.get(user_id)
        if found is None:
            found = deleted.get(fallback_name)
            if found is None:
                found = deleted[fallback_name] = person_card(None, fallback_name)
        return found

    comments_by_post: dict[int, list[CommentView]] = {}
    for comment in comments:
        author = card(comment.user_id, comment.user_display_name)
        comments_by_post.setdefault(comment.post_id, []).append(CommentView(comment, author))
    shown = settings.QUAESTIO_COMMENTS_SHOWN

    def block(post) -> PostBlock:
        views = comments_by_post.get(post.id, [])
        editor = None
        if post.last_edit_date and post.last_editor_id != post.owner_id:
            editor = card(post.last_editor_id, post.last_editor_display_name)
        return PostBlock(
            post,
            card(post.owner_id, post.owner_display_name),
            editor,
            views,
            _collapse_beyond(views, shown),
        )

    viewer_votes = {}
    if viewer is not None and viewer.is_authenticated:
        viewer_votes = sql.viewer_votes(cursor, post_ids, viewer.id)
    return QuestionPage(
        question=block(question),
        answers=[block(a) for a in answers],
        sort=sort,
        accepted_answer_id=question.accepted_answer_id,
        linked=sql.linked_questions(cursor, question_id, SIDEBAR_LIMIT)
        if question.has_links
        else [],
        related=related_questions(question, SIDEBAR_LIMIT, cursor),
        viewer_votes=viewer_votes,
    )


QUESTION_LIST_SORTS = {
    "active": ("-last_activity_date", "Active"),
    "newest": ("-creation_date", "Newest"),
    "bounties": ("-started_at", "Bountied"),  # orders bounties: the newest open bounty first
    "score": ("-score", "Score"),
    "unanswered": ("-creation_date", "Unanswered"),
}


@dataclass
class QuestionSummary:
    post: Post
    owner: Card
    activity_user: Card
    bounty_amount: int = 0  # the open bounties on the question, shown as +N; 0 for none


def question_list(
    *,
    sort: str = "active",
    tag: str | None = None,
    owner_id: int | None = None,
    page: int = 1,
    page_size: int = 30,
) -> tuple[list[QuestionSummary], int]:
    """A page of question summaries, each with its open bounty amount, and the total count
    (three queries)."""
    order, _label = QUESTION_LIST_SORTS.get(sort, QUESTION_LIST_SORTS["active"])
    queryset = Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
    if tag:
        queryset = queryset.filter(post_tags__tag__name=tag)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    if sort == "unanswered":
        queryset = queryset.filter(answer_count=0)
    start = (max(page, 1) - 1) * page_size
    open_bounties = Bounty.objects.filter(question=OuterRef("pk"), state=BountyState.OPEN)
    amount = open_bounties.values("question").annotate(total=Sum("amount")).values("total")
    if sort == "bounties":
        queryset = queryset.filter(Exists(open_bounties))
        newest = open_bounties.order_by(order, "-id").values("started_at")[:1]
        queryset = queryset.annotate(bounty_started=Subquery(newest))
        order = "-bounty_started"
    total = queryset.count()
    posts = list(
        queryset.annotate(bounty_amount=Subquery(amount))
        .defer("body", "body_markdown")
        .order_by(order, "-id")[start : start + page_size]
    )
    user_ids = {p.owner_id for p in posts} | {p.last_editor_id for p in posts}
    user_ids.discard(None)
    users = {u.id: u for u in User.objects.filter(id__in=user_ids)}
    summaries = []
    for post in posts:
        owner = person_card(users.get(post.owner_id), post.owner_display_name)
        summaries.append(QuestionSummary(post, owner, owner, post.bounty_amount or 0))
    return summaries, total
