"""The review queues' rules (spec §7.9) in one place: who may review each queue, what each
offers, how many reviews complete an item, the daily limit, which posts enter, and the canned
feedback the Community user posts.

The spec gives the queues, their thresholds and actions; the numbers it leaves open are
settings with Stack Exchange's published values as defaults (meta.stackexchange.com/q/164288):
first posts and late answers complete after one review; a low-quality post after 2 "Looks OK"
(Stack Overflow's ReviewsRequired) or 6 deletion recommendations and delete votes together
(§7.6); a close or reopen item after 3 "Leave open" (edits count with them) or "Leave
closed" reviews, or when the question is closed or reopened. 20 reviews a day per queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from quaestio.moderation.models import ReviewAction, ReviewQueue

A = ReviewAction
SUGGESTED_EDITS = "suggested-edits"  # its own rows and pages (posts/suggested_edits.py)


@dataclass(frozen=True)
class QueueRules:
    queue: str
    title: str
    description: str
    privilege: str  # reputation.privileges name (spec §7.9's access column)
    actions: tuple[str, ...]  # offered, in the order the page shows them


QUEUES: dict[str, QueueRules] = {
    rules.queue: rules
    for rules in (
        QueueRules(
            ReviewQueue.FIRST_QUESTIONS,
            "First questions",
            "Help new users: review their first questions.",
            "access_review_queues",
            (A.LOOKS_OK, A.EDIT, A.FEEDBACK, A.RECOMMEND_DELETION, A.SKIP),
        ),
        QueueRules(
            ReviewQueue.FIRST_ANSWERS,
            "First answers",
            "Help new users: review their first answers.",
            "access_review_queues",
            (A.LOOKS_OK, A.EDIT, A.FEEDBACK, A.RECOMMEND_DELETION, A.SKIP),
        ),
        QueueRules(
            ReviewQueue.LATE_ANSWERS,
            "Late answers",
            "Review answers new users gave to old questions.",
            "access_review_queues",
            (A.LOOKS_OK, A.EDIT, A.FEEDBACK, A.RECOMMEND_DELETION, A.SKIP),
        ),
        QueueRules(
            ReviewQueue.LOW_QUALITY,
            "Low quality posts",
            "Decide whether flagged posts should be improved or deleted.",
            "review_low_quality_posts",
            (A.LOOKS_OK, A.EDIT, A.RECOMMEND_DELETION, A.SKIP),
        ),
        QueueRules(
            ReviewQueue.CLOSE,
            "Close votes",
            "Decide whether questions with close votes or flags should be closed.",
            "cast_close_votes",
            (A.CLOSE, A.LEAVE_OPEN, A.EDIT, A.SKIP),
        ),
        QueueRules(
            ReviewQueue.REOPEN,
            "Reopen votes",
            "Decide whether closed questions should be reopened.",
            "cast_close_votes",
            (A.REOPEN, A.LEAVE_CLOSED, A.EDIT, A.SKIP),
        ),
        QueueRules(
            ReviewQueue.SOURCES_ADDED,
            "Sources added",
            "Decide whether an edit's new sources answer a Citation needed notice.",
            "access_review_queues",
            (A.APPROVE, A.REJECT, A.EDIT, A.SKIP),
        ),
    )
}
# The order /review lists them in, suggested edits among them (Stack Exchange's order).
QUEUE_ORDER = (
    ReviewQueue.CLOSE,
    ReviewQueue.REOPEN,
    ReviewQueue.FIRST_QUESTIONS,
    ReviewQueue.FIRST_ANSWERS,
    ReviewQueue.LATE_ANSWERS,
    ReviewQueue.LOW_QUALITY,
    SUGGESTED_EDITS,
    ReviewQueue.SOURCES_ADDED,
)
FIRST_POSTS = (ReviewQueue.FIRST_QUESTIONS, ReviewQueue.FIRST_ANSWERS, ReviewQueue.LATE_ANSWERS)


def _setting(name: str, default: int) -> int:
    return max(1, int(getattr(settings, name, default)))


@dataclass(frozen=True)
class Completion:
    """`needed` reviews among `actions` complete an item with `outcome` (None: the action of
    the review that completed it)."""

    actions: frozenset[str]
    needed: int
    outcome: str | None


def completions(queue: str) -> tuple[Completion, ...]:
    """How an item of `queue` completes through reviews. Closing, reopening and deleting the
    post complete (or end) it too, whoever does it."""
    if queue in (ReviewQueue.FIRST_QUESTIONS, ReviewQueue.FIRST_ANSWERS):
        reviewed = frozenset({A.LOOKS_OK, A.EDIT, A.FEEDBACK, A.RECOMMEND_DELETION})
        return (Completion(reviewed, _setting("QUAESTIO_REVIEWS_FIRST_POSTS", 1), None),)
    if queue == ReviewQueue.LATE_ANSWERS:
        reviewed = frozenset({A.LOOKS_OK, A.EDIT, A.FEEDBACK, A.RECOMMEND_DELETION})
        return (Completion(reviewed, _setting("QUAESTIO_REVIEWS_LATE_ANSWERS", 1), None),)
    if queue == ReviewQueue.LOW_QUALITY:
        return (
            Completion(
                frozenset({A.LOOKS_OK, A.EDIT}),
                _setting("QUAESTIO_REVIEWS_LOW_QUALITY_OK", 2),
                A.LOOKS_OK,
            ),
            Completion(
                frozenset({A.RECOMMEND_DELETION, A.DELETE}), deletion_recommendations(), "deleted"
            ),
        )
    if queue == ReviewQueue.CLOSE:
        return (
            Completion(
                frozenset({A.LEAVE_OPEN, A.EDIT}),
                _setting("QUAESTIO_REVIEWS_LEAVE_OPEN", 3),
                A.LEAVE_OPEN,
            ),
        )
    if queue == ReviewQueue.REOPEN:
        return (
            Completion(
                frozenset({A.LEAVE_CLOSED}),
                _setting("QUAESTIO_REVIEWS_LEAVE_CLOSED", 3),
                A.LEAVE_CLOSED,
            ),
        )
    if queue == ReviewQueue.SOURCES_ADDED:
        # One review decides, as a suggested edit's does on small sites; a setting for more.
        needed = _setting("QUAESTIO_REVIEWS_SOURCES_ADDED", 1)
        return (
            Completion(frozenset({A.APPROVE}), needed, A.APPROVE),
            Completion(frozenset({A.REJECT}), needed, A.REJECT),
        )
    raise ValueError(f"unknown review queue {queue!r}")


def deletion_recommendations() -> int:
    """Recommendations and delete votes from the low-quality queue that delete a post (§7.6)."""
    return _setting("QUAESTIO_REVIEWS_LOW_QUALITY_DELETE", 6)


def daily_limit() -> int:
    """Reviews a user may complete per queue per UTC day (skips do not count)."""
    return _setting("QUAESTIO_REVIEW_DAILY_LIMIT", 20)


# Entering the first-posts and late-answers queues

# A new user's first posts are reviewed; a second or third one too while every earlier one
# failed (deleted, closed or scored below zero), up to this many (spec §7.9).
FIRST_POSTS_PER_USER = 3


def late_answer_age() -> timedelta:
    """An answer this long after its question is late (Stack Exchange: 30 days)."""
    return timedelta(days=_setting("QUAESTIO_LATE_ANSWER_DAYS", 30))


def late_answer_max_reputation() -> int:
    """Late answers are reviewed when their author has less reputation than this ("new
    users"; Stack Exchange: 50)."""
    return _setting("QUAESTIO_LATE_ANSWER_MAX_REPUTATION", 50)


# "Share feedback": the canned comments the Community user posts for the reviewer (spec §7.11),
# Stack Exchange's standard texts, worded for this site. Keys are the form's values.

HELP = "{help}"  # the help center link, in comment Markdown, filled in when posted

QUESTION_FEEDBACK: dict[str, tuple[str, str]] = {
    "clarify": (
        "Needs details or clarity",
        "Please clarify your specific problem or provide additional details to highlight "
        "exactly what you need. As it's currently written, it's hard to tell exactly what "
        "you're asking.",
    ),
    "research": (
        "Show what you found",
        "Please edit the question to say what you have already read or tried and what is "
        "still unclear; it helps others give you a focused answer.",
    ),
    "focus": (
        "Needs more focus",
        "Please edit the question to focus on one problem only; several questions in one are "
        "hard to answer well. See how to ask a good question in the {help}.",
    ),
}
ANSWER_FEEDBACK: dict[str, tuple[str, str]] = {
    "unclear": (
        "Unclear answer",
        "As it's currently written, your answer is unclear. Please edit to add additional "
        "details that will help others understand how this addresses the question asked. You "
        "can find more information on how to write good answers in the {help}.",
    ),
    "supporting": (
        "Needs supporting information",
        "Your answer could be improved with additional supporting information. Please edit to "
        "add further details, such as citations or documentation, so that others can confirm "
        "that your answer is correct. You can find more information on how to write good "
        "answers in the {help}.",
    ),
    "not-an-answer": (
        "Not an answer (a new question)",
        "This does not really answer the question. If you have a different question, you can "
        "ask it by clicking Ask Question. Once you have enough reputation, you can also add a "
        "bounty to draw more attention to this question.",
    ),
    "comment": (
        "Should be a comment",
        "This does not provide an answer to the question. Once you have sufficient reputation "
        "you will be able to comment on any post; instead, provide answers that don't require "
        "clarification from the asker.",
    ),
}


def feedback_choices(is_question: bool) -> dict[str, tuple[str, str]]:
    """key -> (label, comment text) for a question or an answer."""
    from quaestio.core import links

    help_link = f"[help center]({links.page_url('help')})"
    chosen = QUESTION_FEEDBACK if is_question else ANSWER_FEEDBACK
    return {key: (label, text.replace(HELP, help_link)) for key, (label, text) in chosen.items()}
