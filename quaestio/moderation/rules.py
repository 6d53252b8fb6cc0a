"""Closing and reopening rules (spec §7.1-7.3) in one place: how many votes, how long they last,
and the standard reasons' texts. Privilege thresholds live in reputation/privileges.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from quaestio.posts.models import CloseReason

# Open close/reopen votes and close flags age away this long after the last one (since 2015).
VOTE_AGING = timedelta(days=14)
# The asker's edit within this time after the closing is offered the reopen queue (issue 16).
OWNER_EDIT_REOPEN_WINDOW = timedelta(days=5)
MAX_ORIGINALS = 5  # duplicate targets one vote may name
AUTO_COMMENT_PREFIX = "Does this answer your question?"


def votes_needed() -> int:
    """Votes that close or reopen a question: 3 by default (5 before 2021), a site setting."""
    return max(1, int(getattr(settings, "QUAESTIO_CLOSE_VOTES", 3)))


@dataclass(frozen=True)
class ReasonText:
    key: str  # the close dialog's value
    code: int  # the CloseReason stored on the post and in PostHistory (the dump's id)
    title: str  # the choice in the dialog
    usage: str  # what the dialog says under it
    notice: str  # the public text of the closed notice
    owner_guidance: str  # what the asker (and editors) are told to do


DUPLICATE = ReasonText(
    "duplicate",
    CloseReason.DUPLICATE,
    "Duplicate",
    "This question has been asked before and already has an answer.",
    "This question has been asked before and already has an answer. If those answers do not "
    "fully address your question, please ask a new question.",
    "Edit the question to explain how it is different from the original; an edit puts it in "
    "the reopen queue.",
)

# The 2019 reasons (spec §7.1), in the dialog's order; off-topic reasons are the site's own.
STANDARD_REASONS = (
    DUPLICATE,
    ReasonText(
        "needs_details",
        CloseReason.NEEDS_DETAILS,
        "Needs details or clarity",
        "Include details about the goal, the sources consulted and what is unclear.",
        "This question needs details or clarity. It is not currently accepting answers.",
        "Add details and clarify the problem by editing this post.",
    ),
    ReasonText(
        "needs_focus",
        CloseReason.NEEDS_FOCUS,
        "Needs more focus",
        "This question currently includes multiple questions in one. It should focus on one "
        "problem only.",
        "This question needs to be more focused. It is not currently accepting answers.",
        "Update the question so it focuses on one problem only by editing this post.",
    ),
    ReasonText(
        "opinion_based",
        CloseReason.OPINION_BASED,
        "Opinion-based",
        "This question is likely to be answered with opinions rather than facts and citations.",
        "This question is opinion-based. It is not currently accepting answers.",
        "Update the question so it can be answered with facts and citations by editing this post.",
    ),
)
REASONS_BY_KEY = {reason.key: reason for reason in STANDARD_REASONS}
REASONS_BY_CODE = {int(reason.code): reason for reason in STANDARD_REASONS}
OFF_TOPIC_KEY = "off_topic"
OFF_TOPIC_NOTICE = "This question is off-topic. It is not currently accepting answers."
OFF_TOPIC_GUIDANCE = "Update the question so it's on-topic for this site by editing this post."


def reason_code(key: str) -> int | None:
    """The dump's reason id of a close dialog choice; None for an unknown choice."""
    if key == OFF_TOPIC_KEY:
        return int(CloseReason.OFF_TOPIC)
    reason = REASONS_BY_KEY.get(key)
    return int(reason.code) if reason else None


def notice_for_code(code: int | None) -> tuple[str, str]:
    """(public text, owner guidance) of a closing with no site reason attached: ours, or an
    imported one under any of the dump's reason ids, old ones included."""
    if code in REASONS_BY_CODE:
        reason = REASONS_BY_CODE[code]
        return reason.notice, reason.owner_guidance
    if code in (CloseReason.EXACT_DUPLICATE,):
        return DUPLICATE.notice, DUPLICATE.owner_guidance
    if code in (CloseReason.OFF_TOPIC, CloseReason.OFF_TOPIC_OLD):
        return OFF_TOPIC_NOTICE, OFF_TOPIC_GUIDANCE
    if code in CloseReason.values:
        label = CloseReason(code).label
        return f"This question was closed as {label}. It is not currently accepting answers.", ""
    return "This question is closed. It is not currently accepting answers.", ""
