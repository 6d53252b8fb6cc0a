"""Revisions of a post, rebuilt from its PostHistory rows (the dump's own shape)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from quaestio.accounts.models import User
from quaestio.posts.models import (
    BODY_HISTORY_TYPES,
    TAGS_HISTORY_TYPES,
    TITLE_HISTORY_TYPES,
    PostHistory,
    PostHistoryType,
)

EVENT_LABELS = {
    PostHistoryType.POST_CLOSED: "closed",
    PostHistoryType.POST_REOPENED: "reopened",
    PostHistoryType.POST_DELETED: "deleted",
    PostHistoryType.POST_UNDELETED: "undeleted",
    PostHistoryType.POST_LOCKED: "locked",
    PostHistoryType.POST_UNLOCKED: "unlocked",
    PostHistoryType.COMMUNITY_OWNED: "made community wiki",
    PostHistoryType.QUESTION_PROTECTED: "protected",
    PostHistoryType.QUESTION_UNPROTECTED: "unprotected",
    PostHistoryType.POST_NOTICE_ADDED: "notice added",
    PostHistoryType.POST_NOTICE_REMOVED: "notice removed",
    PostHistoryType.DISCUSSION_MOVED_TO_CHAT: "comments moved to chat",
    PostHistoryType.BUMPED_BY_COMMUNITY: "bumped by Community",
    PostHistoryType.SUGGESTED_EDIT_APPLIED: "suggested edit applied",
}


@dataclass
class Revision:
    """One action on a post: a numbered content revision, or an event such as a closure."""

    guid: str
    date: datetime
    user: User | None
    user_name: str
    comment: str
    number: int | None = None  # content revisions only, 1-based
    title: str = ""
    body: str = ""
    tags: str = ""
    previous: Revision | None = None
    events: list[str] = field(default_factory=list)
    is_rollback: bool = False
    changed: set[str] = field(default_factory=set)
    rollback_to: int | None = None  # the revision number a rollback returned to
    # The AI-use disclosure the revision was saved with (posts/ai_use.py), "" if undeclared.
    ai_disclosure: str = ""
    ai_changed: bool = False  # it differs from the previous revision's

    @property
    def ai_label(self) -> str:
        """What the revision history says of the disclosure: only where it was declared."""
        from quaestio.posts.ai_use import describe

        return describe(self.ai_disclosure) if self.ai_disclosure else ""


_ROLLBACK_COMMENT = re.compile(r"^Rollback to \[([0-9a-fA-F-]{36})\]$")


def post_revisions(post_id: int) -> list[Revision]:
    """Every revision of a post, oldest first, each carrying the full title/body/tags state."""
    rows = list(PostHistory.objects.filter(post_id=post_id).order_by("creation_date", "id"))
    user_ids = {row.user_id for row in rows if row.user_id is not None}
    users = {u.id: u for u in User.objects.filter(id__in=user_ids)}
    revisions: list[Revision] = []
    by_guid: dict[str, Revision] = {}
    state = {"title": "", "body": "", "tags": ""}
    number = 0
    for row in rows:
        revision = by_guid.get(row.revision_guid)
        if revision is None:
            revision = Revision(
                guid=row.revision_guid,
                date=row.creation_date,
                user=users.get(row.user_id),
                user_name=(
                    users[row.user_id].display_name
                    if row.user_id in users
                    else row.user_display_name or "deleted user"
                ),
                comment="",
            )
            by_guid[row.revision_guid] = revision
            revisions.append(revision)
        kind = row.post_history_type
        field_name = (
            "title"
            if kind in TITLE_HISTORY_TYPES
            else "body"
            if kind in BODY_HISTORY_TYPES
            else "tags"
            if kind in TAGS_HISTORY_TYPES
            else None
        )
        if field_name is None:
            label = EVENT_LABELS.get(kind)
            if label:
                revision.events.append(label)
            continue
        if revision.number is None:
            number += 1
            revision.number = number
            revision.previous = next((r for r in reversed(revisions[:-1]) if r.number), None)
        state[field_name] = row.text
        revision.ai_disclosure = row.ai_disclosure
        previous_ai = revision.previous.ai_disclosure if revision.previous else ""
        revision.ai_changed = row.ai_disclosure != previous_ai
        revision.changed.add(field_name)
        revision.is_rollback = revision.is_rollback or kind in (7, 8, 9)
        if row.comment:
            revision.comment = row.comment
        revision.title, revision.body, revision.tags = state["title"], state["body"], state["tags"]
    numbers = {r.guid.lower(): r.number for r in revisions if r.number}
    for revision in revisions:
        match = _ROLLBACK_COMMENT.match(revision.comment) if revision.is_rollback else None
        if match:
            revision.rollback_to = numbers.get(match.group(1).lower())
    return revisions
