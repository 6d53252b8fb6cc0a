"""The limits on one user's close and reopen votes (spec §7.2), beyond the privilege:

* a vote taken back cannot be cast again: who retracts a close (or reopen) vote on a question
  may not vote to close (or reopen) that question again. A vote that aged away (14 days without
  another) was not taken back, so its voter may vote again (spec §7.2, "voter may re-cast");
* a daily allowance of close and reopen votes together (spec §7.2: 50 on Stack Overflow;
  `QUAESTIO_CLOSE_VOTES_PER_DAY`), counted per UTC day; a retracted vote stays spent.

Close flags are not votes and are not limited here. Moderators close and reopen alone: no
limit applies to them. The services check these under the question's row lock; the dialogs
ask the same function to say why before the user tries.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from quaestio.core.errors import PermissionDenied, RateLimited
from quaestio.moderation.models import CloseVote, CloseVoteKind, CloseVoteState
from quaestio.reputation.services import utc_day_bounds


def votes_per_day() -> int:
    return max(0, int(getattr(settings, "QUAESTIO_CLOSE_VOTES_PER_DAY", 50)))


def votes_cast_today(user_id: int, now: datetime) -> int:
    """Close and reopen votes (not flags) the user cast this UTC day, whatever became of them."""
    start, end = utc_day_bounds(now)
    return CloseVote.objects.filter(
        user_id=user_id, is_flag=False, creation_date__gte=start, creation_date__lt=end
    ).count()


def has_retracted(user_id: int, question_id: int, kind: int) -> bool:
    return CloseVote.objects.filter(
        question_id=question_id,
        user_id=user_id,
        kind=kind,
        is_flag=False,
        state=CloseVoteState.RETRACTED,
    ).exists()


def retraction_refusal(user, question_id: int, kind: int) -> str:
    """Why a retracted vote cannot be cast again, or ""."""
    if not _limited(user) or not has_retracted(user.id, question_id, kind):
        return ""
    word = "close" if kind == CloseVoteKind.CLOSE else "reopen"
    return (
        f"You retracted your {word} vote on this question; a retracted vote cannot be cast again."
    )


def allowance_refusal(user, now: datetime) -> str:
    """Why the user has no close or reopen vote left today, or ""."""
    if not _limited(user):
        return ""
    allowance = votes_per_day()
    if votes_cast_today(user.id, now) < allowance:
        return ""
    return (
        f"You have used all {allowance} of today's close and reopen votes; "
        "more are available tomorrow (UTC)."
    )


def vote_limit_refusal(user, question_id: int, kind: int, now: datetime) -> str:
    """Why this user may not cast this vote now, or "" when no limit stops it (the dialogs)."""
    return retraction_refusal(user, question_id, kind) or allowance_refusal(user, now)


def check_vote_limits(user, question_id: int, kind: int, now: datetime) -> None:
    """The services' check, under the question's lock: a refused vote writes nothing."""
    if refusal := retraction_refusal(user, question_id, kind):
        raise PermissionDenied(refusal)
    if refusal := allowance_refusal(user, now):
        raise RateLimited(refusal)


def _limited(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and not user.is_moderator


def can_close_questions(user, questions, now: datetime) -> dict[int, bool]:
    """Whether the user may vote to close each question now (the API's `can_close`): the
    close policy (with the gold tag badges they hold among the questions' tags) and the limits
    above. Three queries whatever the number of questions: the gold tag badges, the votes they
    retracted among these questions, and today's votes."""
    from quaestio.badges.models import Badge, BadgeClass
    from quaestio.moderation.policies import can_vote_to_close

    if not questions or user is None or not getattr(user, "is_authenticated", False):
        return {}
    tags = {tag for q in questions for tag in q.tag_names}
    gold = set()
    if tags and not user.is_moderator:
        gold = set(
            Badge.objects.filter(
                user_id=user.id, badge_class=BadgeClass.GOLD, tag_based=True, name__in=tags
            ).values_list("name", flat=True)
        )
    allowed = {
        q.id: can_vote_to_close(user, q, None, gold & set(q.tag_names))[0] for q in questions
    }
    if not _limited(user) or not any(allowed.values()):
        return allowed
    retracted = set(
        CloseVote.objects.filter(
            question_id__in=[i for i, yes in allowed.items() if yes],
            user_id=user.id,
            kind=CloseVoteKind.CLOSE,
            is_flag=False,
            state=CloseVoteState.RETRACTED,
        ).values_list("question_id", flat=True)
    )
    spent = votes_cast_today(user.id, now) >= votes_per_day()
    return {i: yes and not spent and i not in retracted for i, yes in allowed.items()}
