"""Serialising model rows into the API's types.

Each function builds the values of one type from rows already loaded (a `Related` bundle from
api/selectors.py holds the users, answers, comments and vote counts fetched for the whole page),
and `emit` keeps only the fields the request's filter asks for. No function here queries.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.accounts.policies import displayed_reputation
from quaestio.api.filters import Filter
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.core.safe_urls import safe_link
from quaestio.posts.models import DUPLICATE_REASONS, CloseReason, Post, PostType, parse_tags

DEFAULT_LICENSE = "CC BY-SA 4.0"
# Strings a *safe* filter HTML-escapes; bodies are sanitised HTML already.
ESCAPED_WHEN_SAFE = frozenset(
    {
        "title",
        "display_name",
        "location",
        "body_markdown",
        "comment",
        "last_title",
        "name",
        "author",
    }
)


def epoch(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


@cache
def site_url() -> str:
    # Read once (settings are lazy objects: reading one per field of every item cost a tenth of
    # a 100-question page); a test that overrides SITE_URL clears it through setting_changed.
    return settings.SITE_URL.rstrip("/")


@receiver(setting_changed)
def _forget_site_url(setting, **kwargs) -> None:
    if setting == "SITE_URL":
        site_url.cache_clear()


@dataclass
class Out:
    """What serialising one response needs: the filter, who is asking (for `upvoted`...), and
    the scheme and host the request came to, which make the `link` fields absolute."""

    filter: Filter
    viewer_id: int | None = None
    origin: str = ""

    def wants(self, type_: str, name: str) -> bool:
        return self.filter.wants(type_, name)

    def wants_any(self, types: tuple[str, ...], name: str) -> bool:
        return any(self.filter.wants(t, name) for t in types)

    def emit(self, type_: str, values: dict) -> dict:
        safe = not self.filter.unsafe
        item = {}
        for name, value in values.items():
            if value is None or not self.filter.wants(type_, name):
                continue
            if safe and name in ESCAPED_WHEN_SAFE and isinstance(value, str):
                value = html.escape(value)
            item[name] = value
        return item


@dataclass
class Related:
    """Rows loaded in bulk for one page of items, keyed for the serialisers."""

    users: dict[int, User] = field(default_factory=dict)
    answers_by_question: dict[int, list[Post]] = field(default_factory=dict)
    comments_by_post: dict[int, list[Comment]] = field(default_factory=dict)
    votes_by_post: dict[int, tuple[int, int]] = field(default_factory=dict)
    questions: dict[int, Post] = field(default_factory=dict)  # parents of answers
    viewer_votes: dict[int, int] = field(default_factory=dict)
    closings: dict[int, object] = field(default_factory=dict)  # moderation ClosedNotice by id
    close_votes: dict[int, tuple[int, int]] = field(default_factory=dict)  # (close, reopen)
    notices: dict[int, object] = field(default_factory=dict)  # moderation NoticeView by post id
    can_close: dict[int, bool] = field(default_factory=dict)  # the caller's, when signed in
    sources: dict[int, list] = field(default_factory=dict)  # sources.selectors.SourceRow by post


def user_link(out: Out, user_id: int, display_name: str) -> str:
    return out.origin + links.user_url(user_id, display_name)


def profile_image(out: Out, user: User) -> str:
    return safe_link(user.profile_image_url) or out.origin + links.avatar_url(user.id)


def user_type(user: User) -> str:
    if user.is_moderator or user.id == COMMUNITY_USER_ID:
        return "moderator"
    return "registered"


def badge_counts(user: User) -> dict:
    return {"bronze": user.bronze_badges, "silver": user.silver_badges, "gold": user.gold_badges}


def shallow_user(out: Out, user: User | None, fallback_name: str = "") -> dict:
    if user is None:
        # A deleted user keeps the name the row recorded and nothing else of substance;
        # reputation and profile_image are sent anyway because py-stackexchange needs them.
        item = out.emit(
            "shallow_user",
            {
                "display_name": fallback_name or "deleted user",
                "user_type": "does_not_exist",
                "reputation": 0,
                "profile_image": out.origin + links.avatar_url("deleted"),
            },
        )
        # user_id is null rather than absent: py-stackexchange reads owner["user_id"] on
        # every comment and would crash on a deleted commenter otherwise.
        if out.wants("shallow_user", "user_id"):
            item["user_id"] = None
        return item
    return out.emit(
        "shallow_user",
        {
            "user_id": user.id,
            "account_id": user.account_id or user.id,
            "display_name": user.display_name,
            "reputation": displayed_reputation(user),
            "user_type": user_type(user),
            "profile_image": profile_image(out, user),
            "link": user_link(out, user.id, user.display_name),
            "badge_counts": badge_counts(user)
            if out.wants("shallow_user", "badge_counts")
            else None,
        },
    )


def _owner(out: Out, related: Related, user_id: int | None, fallback: str) -> dict:
    return shallow_user(out, related.users.get(user_id) if user_id is not None else None, fallback)


def _editor(out: Out, related: Related, post: Post) -> dict | None:
    if post.last_editor_id is None and not post.last_editor_display_name:
        return None
    return _owner(out, related, post.last_editor_id, post.last_editor_display_name)


def question_link(out: Out, post_id: int, title: str) -> str:
    return out.origin + links.question_url(post_id, title)


def answer_link(out: Out, answer_id: int) -> str:
    return out.origin + links.answer_url(answer_id)


def post_link(out: Out, post: Post) -> str:
    if post.post_type == PostType.QUESTION:
        return question_link(out, post.id, post.title)
    return answer_link(out, post.id)


def closed_reason(post: Post) -> str | None:
    if post.closed_date is None or post.close_reason is None:
        return None
    if post.close_reason in DUPLICATE_REASONS:
        return "Duplicate"
    label = CloseReason(post.close_reason).label
    return label[:1].upper() + label[1:]


def closed_details(out: Out, related: Related, notice) -> dict:
    """Who closed the question, why, and (duplicates) the originals: from the closing's
    PostHistory row and PostLinks, as moderation.selectors.closed_notices reads them."""
    by_users = [
        shallow_user(out, related.users.get(c.user_id), c.display_name)
        if c.user_id in related.users
        else out.emit(
            "shallow_user",
            {"user_id": c.user_id, "display_name": c.display_name, "user_type": "registered"},
        )
        for c in notice.closed_by
    ]
    originals = [
        out.emit(
            "original_question",
            {
                "question_id": o.id,
                "title": o.title,
                "answer_count": o.answer_count,
                "accepted_answer_id": o.accepted_answer_id,
            },
        )
        for o in notice.originals
    ]
    return out.emit(
        "closed_details",
        {
            "on_hold": False,  # "on hold" ended in 2019 (spec §7.2)
            "reason": notice.reason_title,
            "description": f"<p>{html.escape(notice.text)}</p>",
            "by_users": by_users,
            "original_questions": originals if notice.is_duplicate else None,
        },
    )


def notice(out: Out, view) -> dict:
    """A moderator's post notice, as moderation.post_states.notice_views reads it."""
    return out.emit(
        "notice",
        {
            "owner_user_id": view.owner_user_id,
            "creation_date": epoch(view.date),
            "body": f"<p><b>{html.escape(view.title)}</b>: {html.escape(view.text)}</p>",
        },
    )


def _votes(related: Related, post_id: int) -> tuple[int, int]:
    return related.votes_by_post.get(post_id, (0, 0))


def _viewer_vote(out: Out, related: Related, post_id: int, vote_type: int) -> bool | None:
    if out.viewer_id is None:
        return None
    return related.viewer_votes.get(post_id) == vote_type


def sources(out: Out, related: Related, post_id: int) -> list[dict]:
    """A post's kept sources in reading order (an empty list when it cites none)."""
    return [out.emit("source", row.as_api()) for row in related.sources.get(post_id, [])]


def is_answered(post: Post) -> bool:
    return bool(post.accepted_answer_id) or bool(getattr(post, "has_positive_answer", False))


def question(out: Out, post: Post, related: Related) -> dict:
    wants = out.wants
    up, down = _votes(related, post.id)
    values = {
        "question_id": post.id,
        "title": post.title,
        "tags": parse_tags(post.tags),
        "owner": _owner(out, related, post.owner_id, post.owner_display_name),
        "is_answered": is_answered(post),
        "view_count": post.view_count or 0,
        "answer_count": post.answer_count or 0,
        "score": post.score,
        "creation_date": epoch(post.creation_date),
        "last_activity_date": epoch(post.last_activity_date),
        "last_edit_date": epoch(post.last_edit_date),
        "link": question_link(out, post.id, post.title),
        "share_link": out.origin + links.question_short_url(post.id),
        "content_license": post.content_license or DEFAULT_LICENSE,
        "accepted_answer_id": post.accepted_answer_id,
        "closed_date": epoch(post.closed_date),
        "closed_reason": closed_reason(post),
        "community_owned_date": epoch(post.community_owned_date),
        "locked_date": epoch(post.locked_date),
        "protected_date": epoch(post.protected_date),
        "comment_count": post.comment_count,
        "favorite_count": post.favorite_count or 0,
        "up_vote_count": up,
        "down_vote_count": down,
        "close_vote_count": related.close_votes.get(post.id, (0, 0))[0],
        "reopen_vote_count": related.close_votes.get(post.id, (0, 0))[1],
        "delete_vote_count": 0,
        # Only for an authenticated caller (None leaves it out), as Stack Exchange does.
        "can_close": related.can_close.get(post.id) if out.viewer_id is not None else None,
        "upvoted": _viewer_vote(out, related, post.id, 2),
        "downvoted": _viewer_vote(out, related, post.id, 3),
    }
    if wants("question", "body"):
        values["body"] = post.body
    if wants("question", "body_markdown"):
        values["body_markdown"] = post.body_markdown
    if wants("question", "ai_disclosure"):
        values["ai_disclosure"] = post.ai_disclosure or None
    if wants("question", "last_editor"):
        values["last_editor"] = _editor(out, related, post)
    if wants("question", "sources"):
        values["sources"] = sources(out, related, post.id)
    if wants("question", "notice") and post.id in related.notices:
        values["notice"] = notice(out, related.notices[post.id])
    if wants("question", "closed_details") and post.id in related.closings:
        values["closed_details"] = closed_details(out, related, related.closings[post.id])
    if wants("question", "answers") and post.id in related.answers_by_question:
        values["answers"] = [answer(out, a, related) for a in related.answers_by_question[post.id]]
    if wants("question", "comments"):
        values["comments"] = [
            comment(out, c, related) for c in related.comments_by_post.get(post.id, [])
        ]
    return out.emit("question", values)


def answer(out: Out, post: Post, related: Related) -> dict:
    wants = out.wants
    up, down = _votes(related, post.id)
    parent = related.questions.get(post.parent_id)
    values = {
        "answer_id": post.id,
        "question_id": post.parent_id,
        "owner": _owner(out, related, post.owner_id, post.owner_display_name),
        "is_accepted": bool(parent and parent.accepted_answer_id == post.id)
        if parent is not None
        else bool(getattr(post, "is_accepted_answer", False)),
        "score": post.score,
        "creation_date": epoch(post.creation_date),
        "last_activity_date": epoch(post.last_activity_date),
        "last_edit_date": epoch(post.last_edit_date),
        "community_owned_date": epoch(post.community_owned_date),
        "locked_date": epoch(post.locked_date),
        "content_license": post.content_license or DEFAULT_LICENSE,
        "comment_count": post.comment_count,
        "up_vote_count": up,
        "down_vote_count": down,
        "link": answer_link(out, post.id),
        "share_link": answer_link(out, post.id),
        "title": parent.title if parent is not None else None,
        "tags": parse_tags(parent.tags) if parent is not None else None,
        "upvoted": _viewer_vote(out, related, post.id, 2),
        "downvoted": _viewer_vote(out, related, post.id, 3),
    }
    if wants("answer", "body"):
        values["body"] = post.body
    if wants("answer", "body_markdown"):
        values["body_markdown"] = post.body_markdown
    if wants("answer", "ai_disclosure"):
        values["ai_disclosure"] = post.ai_disclosure or None
    if wants("answer", "last_editor"):
        values["last_editor"] = _editor(out, related, post)
    if wants("answer", "sources"):
        values["sources"] = sources(out, related, post.id)
    if wants("answer", "notice") and post.id in related.notices:
        values["notice"] = notice(out, related.notices[post.id])
    if wants("answer", "comments"):
        values["comments"] = [
            comment(out, c, related) for c in related.comments_by_post.get(post.id, [])
        ]
    return out.emit("answer", values)


def post_item(out: Out, post: Post, related: Related) -> dict:
    up, down = _votes(related, post.id)
    title = post.title
    if post.post_type == PostType.ANSWER and post.parent_id in related.questions:
        title = related.questions[post.parent_id].title
    values = {
        "post_id": post.id,
        "post_type": "question" if post.post_type == PostType.QUESTION else "answer",
        "owner": _owner(out, related, post.owner_id, post.owner_display_name),
        "score": post.score,
        "creation_date": epoch(post.creation_date),
        "last_activity_date": epoch(post.last_activity_date),
        "last_edit_date": epoch(post.last_edit_date),
        "link": post_link(out, post),
        "share_link": post_link(out, post),
        "content_license": post.content_license or DEFAULT_LICENSE,
        "comment_count": post.comment_count,
        "up_vote_count": up,
        "down_vote_count": down,
        "title": title,
    }
    if out.wants("post", "body"):
        values["body"] = post.body
    if out.wants("post", "body_markdown"):
        values["body_markdown"] = post.body_markdown
    if out.wants("post", "ai_disclosure"):
        values["ai_disclosure"] = post.ai_disclosure or None
    if out.wants("post", "sources"):
        values["sources"] = sources(out, related, post.id)
    if out.wants("post", "last_editor"):
        values["last_editor"] = _editor(out, related, post)
    if out.wants("post", "comments"):
        values["comments"] = [
            comment(out, c, related) for c in related.comments_by_post.get(post.id, [])
        ]
    return out.emit("post", values)


def comment(out: Out, row: Comment, related: Related) -> dict:
    post_type = getattr(row, "post_type_value", None)
    values = {
        "comment_id": row.id,
        "post_id": row.post_id,
        "owner": _owner(out, related, row.user_id, row.user_display_name),
        "score": row.score,
        "edited": row.edit_date is not None,
        "creation_date": epoch(row.creation_date),
        "content_license": row.content_license or DEFAULT_LICENSE,
        "body": row.text_html,
        "body_markdown": row.text,
        "post_type": {PostType.QUESTION: "question", PostType.ANSWER: "answer"}.get(post_type),
        "link": out.origin
        + links.comment_share_url(row.post_id, post_type == PostType.ANSWER, row.id),
    }
    return out.emit("comment", values)


def user(out: Out, row: User, extra: dict) -> dict:
    """`extra` holds the per-user aggregates the selector computed (counts, reputation changes)."""
    values = {
        "user_id": row.id,
        "account_id": row.account_id or row.id,
        "display_name": row.display_name,
        "reputation": displayed_reputation(row),
        "user_type": user_type(row),
        "badge_counts": badge_counts(row),
        "creation_date": epoch(row.creation_date),
        "last_access_date": epoch(row.last_access_date),
        "last_modified_date": epoch(row.last_access_date),
        "is_employee": False,
        "link": user_link(out, row.id, row.display_name),
        "profile_image": profile_image(out, row),
        "location": row.location or None,
        "website_url": safe_link(row.website_url),
        "about_me": row.about_me or None,
        "view_count": row.views,
        "up_vote_count": row.up_votes,
        "down_vote_count": row.down_votes,
        **extra,
    }
    return out.emit("user", values)
