"""What the Atom feeds carry: the newest N entries of a list, read in a fixed number of queries
through the indexes the question lists use (never a COUNT, never an OFFSET).

Each entry names its author and licence: content imported from Stack Exchange is CC BY-SA and
must credit its author wherever it is shown, feeds included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.posts.models import Post, PostType

FEED_ENTRIES = 30
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


@dataclass
class Entry:
    key: str  # stable, for the Atom id
    title: str
    url: str
    html: str  # sanitised when it was saved
    author: str
    author_url: str
    published: datetime
    updated: datetime
    rights: str
    categories: list[str]


def _author(user: User | None, display_name: str) -> tuple[str, str]:
    if user is not None:
        return user.display_name, links.user_url(user.id, user.display_name)
    return display_name or "deleted user", ""


def _rights(licence: str, author: str, imported_from: str) -> str:
    licence = licence or "CC BY-SA 4.0"
    origin = f", from {imported_from}" if imported_from else ""
    return f"{licence} ({LICENCE_URL}) by {author}{origin}"


def _post_entry(post: Post, question_title: str = "") -> Entry:
    author, author_url = _author(post.owner, post.owner_display_name)
    if post.post_type == PostType.QUESTION:
        title, url = post.title, links.question_url(post.id, post.title)
    else:
        title, url = f"Answer by {author} for {question_title}", links.answer_url(post.id)
    return Entry(
        key=f"post-{post.id}",
        title=title,
        url=url,
        html=post.body,
        author=author,
        author_url=author_url,
        published=post.creation_date,
        updated=post.last_edit_date or post.creation_date,
        rights=_rights(post.content_license, author, post.imported_from),
        categories=post.tag_names,
    )


def _comment_entry(comment: Comment, question: Post) -> Entry:
    author, author_url = _author(comment.user, comment.user_display_name)
    return Entry(
        key=f"comment-{comment.id}",
        title=f"Comment by {author} on {question.title}",
        url=links.comment_url(question.id, question.title, comment.id),
        html=comment.text_html,
        author=author,
        author_url=author_url,
        published=comment.creation_date,
        updated=comment.edit_date or comment.creation_date,
        rights=_rights(comment.content_license, author, question.imported_from),
        categories=[],
    )


def _live_questions():
    return Post.objects.filter(post_type=PostType.QUESTION, deletion_date=None).select_related(
        "owner"
    )


def newest_questions() -> list[Entry]:
    questions = _live_questions().order_by("-creation_date", "-id")[:FEED_ENTRIES]
    return [_post_entry(q) for q in questions]


def tag_questions(tag_name: str) -> list[Entry] | None:
    """The newest questions in a tag (None if there is no such tag): their ids from the
    tag-post index, newest (highest) first."""
    from quaestio.tags.models import PostTag, Tag

    tag = Tag.objects.filter(name=tag_name).first()
    if tag is None:
        return None
    # A few more ids than shown: some may be deleted questions.
    ids = list(
        PostTag.objects.filter(tag=tag)
        .order_by("-post_id")
        .values_list("post_id", flat=True)[: FEED_ENTRIES * 2]
    )
    questions = _live_questions().filter(id__in=ids).order_by("-creation_date", "-id")
    return [_post_entry(q) for q in questions[:FEED_ENTRIES]]


@dataclass
class QuestionFeed:
    question: Post
    entries: list[Entry]


def question_activity(question_id: int) -> QuestionFeed | None:
    """A live question, its newest answers and comments (three queries)."""
    question = _live_questions().filter(id=question_id).first()
    if question is None:
        return None
    answers = (
        Post.objects.filter(parent_id=question.id, post_type=PostType.ANSWER, deletion_date=None)
        .select_related("owner")
        .order_by("-creation_date", "-id")[:FEED_ENTRIES]
    )
    comments = (
        Comment.objects.filter(
            Q(post_id=question.id) | Q(post__parent_id=question.id, post__deletion_date=None),
            deletion_date=None,
        )
        .select_related("user")
        .order_by("-creation_date", "-id")[:FEED_ENTRIES]
    )
    entries = [_post_entry(question)]
    entries += [_post_entry(answer, question.title) for answer in answers]
    entries += [_comment_entry(comment, question) for comment in comments]
    entries.sort(key=lambda e: e.published, reverse=True)
    return QuestionFeed(question, entries[:FEED_ENTRIES])


@dataclass
class UserFeed:
    user: User
    entries: list[Entry]


def user_posts(user_id: int) -> UserFeed | None:
    """A user's newest live questions and answers (three queries)."""
    user = User.objects.filter(id=user_id, is_active=True).first()
    if user is None:
        return None
    posts = list(
        Post.objects.filter(
            owner_id=user.id,
            post_type__in=(PostType.QUESTION, PostType.ANSWER),
            deletion_date=None,
        )
        .select_related("owner")
        .order_by("-creation_date", "-id")[:FEED_ENTRIES]
    )
    titles = dict(
        Post.objects.filter(id__in={p.parent_id for p in posts if p.parent_id}).values_list(
            "id", "title"
        )
    )
    return UserFeed(user, [_post_entry(p, titles.get(p.parent_id, "")) for p in posts])
