"""Protected questions (spec §7.4).

Users with the protect privilege (15,000 / 3,500 beta) protect and unprotect questions older
than a day. On a protected question only users with the "answer protected questions" privilege
(10 reputation) earned on this site may answer: the association bonus does not count. The
Community user protects a question on its own after 3 deleted answers from new users, or 5
answers from new users scoring 0 or less within 24 hours (`auto_protect_sweep`, run hourly by
the task worker and by `quaestio daily-jobs`: reading the last day's answers in one query
rather than hooking the answer and deletion paths of the posts room).

Each protection writes its PostHistory row (type 19 or 20, the dump's numbers, voters' JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from quaestio.accounts.policies import suspension_refusal
from quaestio.core.errors import NotFound, PermissionDenied
from quaestio.moderation.writes import locked_post, state_history
from quaestio.posts.models import Post, PostHistoryType, PostType
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.reputation.privileges import has_privilege, threshold

Decision = tuple[bool, str]
ALLOWED: Decision = (True, "")
MINIMUM_AGE = timedelta(days=1)
AUTO_WINDOW = timedelta(hours=24)
AUTO_DELETED_ANSWERS = 3
AUTO_LOW_ANSWERS = 5
ANSWER_PRIVILEGE = "remove_new_user_restrictions"
NOTICE = (
    "Highly active question. Earn {needed} reputation (not counting the association bonus) in "
    "order to answer this question. The reputation requirement helps protect this question "
    "from spam and non-answer activity."
)


def protected_notice() -> str:
    return NOTICE.format(needed=threshold(ANSWER_PRIVILEGE))


# Policies


def _protector(user, question: Post) -> Decision:
    if user is None or not getattr(user, "is_authenticated", False):
        return False, "You need to log in to protect questions."
    if refusal := suspension_refusal(user):
        return False, refusal
    if question.post_type != PostType.QUESTION:
        return False, "Only questions can be protected."
    if question.deletion_date is not None:
        return False, "This question is deleted."
    return has_privilege(user, "protect_questions")


def can_protect(user, question: Post, now: datetime | None = None) -> Decision:
    allowed, reason = _protector(user, question)
    if not allowed:
        return allowed, reason
    if question.protected_date is not None:
        return False, "This question is already protected."
    now = now or timezone.now()
    if now - question.creation_date < MINIMUM_AGE and not user.is_moderator:
        return False, "Questions can be protected once they are a day old."
    return ALLOWED


def can_unprotect(user, question: Post) -> Decision:
    allowed, reason = _protector(user, question)
    if not allowed:
        return allowed, reason
    if question.protected_date is None:
        return False, "This question is not protected."
    return ALLOWED


def site_reputation(user) -> int:
    """Reputation earned on this site: the association bonus taken out (one query, once per
    user object: a list of protected questions asks once)."""
    cache = user.__dict__.setdefault("_association_bonus", {})
    if "total" not in cache:
        cache["total"] = ReputationChange.objects.filter(
            user_id=user.id, reason=Reason.ASSOCIATION_BONUS
        ).aggregate(total=Sum("amount"))["total"]
    return user.reputation - (cache["total"] or 0)


def answer_refusal(user, question: Post) -> str:
    """ "" when the user may answer this question as far as protection goes, or why not."""
    if question.protected_date is None or user is None:
        return ""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_moderator", False):
        return ""
    if has_privilege(user, ANSWER_PRIVILEGE)[0]:
        earned = SimpleNamespace(
            is_authenticated=True, is_moderator=False, reputation=site_reputation(user)
        )
        if has_privilege(earned, ANSWER_PRIVILEGE)[0]:
            return ""
        have = earned.reputation
    else:
        have = user.reputation
    return (
        f"This question is protected: answering it needs {threshold(ANSWER_PRIVILEGE):,} "
        f"reputation earned on this site (the association bonus does not count); you have "
        f"{have:,}."
    )


# Services


@dataclass
class ProtectOutcome:
    question_id: int
    action: str  # "protected", "unprotected", "unchanged"
    message: str = ""


def _lock_question(question_id: int) -> Post:
    question = locked_post(question_id)
    if question.post_type != PostType.QUESTION:
        raise NotFound("No question with that id.")
    return question


def question_protect(user, question_id: int, now: datetime | None = None) -> ProtectOutcome:
    """Protect the question; protecting a protected one changes nothing."""
    with transaction.atomic():
        question = _lock_question(question_id)
        now = now or timezone.now()
        if question.protected_date is not None and _protector(user, question)[0]:
            return ProtectOutcome(question.id, "unchanged", "This question is already protected.")
        allowed, reason = can_protect(user, question, now)
        if not allowed:
            raise PermissionDenied(reason)
        _protect(question.id, user, now)
        return ProtectOutcome(question.id, "protected")


def question_unprotect(user, question_id: int, now: datetime | None = None) -> ProtectOutcome:
    with transaction.atomic():
        question = _lock_question(question_id)
        now = now or timezone.now()
        if question.protected_date is None and _protector(user, question)[0]:
            return ProtectOutcome(question.id, "unchanged", "This question is not protected.")
        allowed, reason = can_unprotect(user, question)
        if not allowed:
            raise PermissionDenied(reason)
        Post.objects.filter(id=question.id).update(protected_date=None)
        state_history(question.id, PostHistoryType.QUESTION_UNPROTECTED, user, now)
        return ProtectOutcome(question.id, "unprotected")


def _protect(question_id: int, user, now: datetime) -> None:
    Post.objects.filter(id=question_id).update(protected_date=now)
    state_history(question_id, PostHistoryType.QUESTION_PROTECTED, user, now)


def _new_user_answers() -> Q:
    """Answers whose owner does not yet hold the answer-protected-questions privilege."""
    return Q(post_type=PostType.ANSWER, owner__isnull=False, owner__is_moderator=False) & Q(
        owner__reputation__lt=threshold(ANSWER_PRIVILEGE)
    )


def auto_protect_candidates(now: datetime) -> list[int]:
    """Unprotected live questions that reach either trigger, from the last day's answers (one
    query; it reads only answers created or deleted in the window, whatever the site's size)."""
    since = now - AUTO_WINDOW
    recent = Q(creation_date__gte=since) | Q(deletion_date__gte=since)
    rows = (
        Post.objects.filter(_new_user_answers() & recent)
        .filter(parent__protected_date__isnull=True, parent__deletion_date__isnull=True)
        .values("parent_id")
        .annotate(
            low=Count(
                "id",
                filter=Q(creation_date__gte=since, score__lte=0, deletion_date__isnull=True),
            ),
            deleted=Count("id", filter=Q(deletion_date__isnull=False)),
        )
    )
    picked = [r["parent_id"] for r in rows if r["low"] >= AUTO_LOW_ANSWERS]
    # Deleted answers count over the question's life: check those whose answers were deleted
    # lately, with every deleted new-user answer they have.
    recently_deleted = [r["parent_id"] for r in rows if r["deleted"] and r["parent_id"]]
    if recently_deleted:
        totals = (
            Post.objects.filter(
                _new_user_answers(),
                parent_id__in=recently_deleted,
                deletion_date__isnull=False,
            )
            .values("parent_id")
            .annotate(n=Count("id"))
        )
        picked += [t["parent_id"] for t in totals if t["n"] >= AUTO_DELETED_ANSWERS]
    return sorted(set(picked))


def auto_protect_sweep(now: datetime | None = None) -> int:
    """Community protects every question that reached a trigger; returns how many."""
    from quaestio.accounts.models import COMMUNITY_USER_ID, User

    now = now or timezone.now()
    community = User.objects.filter(id=COMMUNITY_USER_ID).first()
    if community is None:
        return 0
    done = 0
    for question_id in auto_protect_candidates(now):
        with transaction.atomic():
            question = _lock_question(question_id)
            if question.protected_date is None and question.deletion_date is None:
                _protect(question.id, community, now)
                done += 1
    return done
