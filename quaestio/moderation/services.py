"""Close and reopen votes, close flags, and the closings and reopenings they lead to (spec §7.2,
§7.3). Every write locks the question row first, so votes on one question serialise: when the
votes reach the threshold the question closes in the same transaction as the last vote, once,
however many voters press at the same moment.

Services take intents: casting a vote you already cast, or retracting one you don't have,
changes nothing and says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from quaestio.comments import services as comment_services
from quaestio.core import links
from quaestio.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from quaestio.moderation import close_limits, policies, review_entry, rules
from quaestio.moderation.models import CloseVote, CloseVoteKind, CloseVoteState, OffTopicReason
from quaestio.moderation.writes import write_history
from quaestio.posts.models import (
    CloseReason,
    LinkType,
    Post,
    PostHistoryType,
    PostLink,
    PostType,
)
from quaestio.posts.thread_version import thread_changed

PENDING = CloseVoteState.PENDING


@dataclass(frozen=True)
class CloseChoice:
    """A validated close reason: the dump's reason id, the site reason, the originals."""

    code: int
    off_topic_reason_id: int | None = None
    original_ids: tuple[int, ...] = ()


@dataclass
class CloseOutcome:
    question_id: int
    action: str  # "voted", "flagged", "closed", "reopened", "retracted", "unchanged"
    closed: bool  # the question's state afterwards
    pending_votes: int = 0  # votes of this kind still standing
    message: str = ""
    voters: list[int] = field(default_factory=list)


# Choosing a reason


def close_choice(
    question_id: int,
    reason_key: str,
    off_topic_reason_id: int | None = None,
    originals: list[int] | tuple[int, ...] = (),
) -> CloseChoice:
    """Validate a close dialog's choice; a clear error names what is wrong."""
    if reason_key == rules.OFF_TOPIC_KEY:
        reason = OffTopicReason.objects.filter(id=off_topic_reason_id or 0, active=True).first()
        if reason is None:
            raise ValidationFailed(
                "Choose one of this site's off-topic reasons.", {"off_topic": ["unknown reason"]}
            )
        return CloseChoice(CloseReason.OFF_TOPIC, off_topic_reason_id=reason.id)
    standard = rules.REASONS_BY_KEY.get(reason_key)
    if standard is None:
        raise ValidationFailed("Choose why this question should be closed.", {"reason": ["none"]})
    if standard.code != CloseReason.DUPLICATE:
        return CloseChoice(standard.code)
    return CloseChoice(CloseReason.DUPLICATE, original_ids=_originals(question_id, originals))


def _originals(question_id: int, originals) -> tuple[int, ...]:
    wanted = list(dict.fromkeys(int(i) for i in originals))
    if not wanted:
        raise ValidationFailed(
            "A duplicate needs the question it duplicates: give its title, link or id.",
            {"original": ["missing"]},
        )
    if len(wanted) > rules.MAX_ORIGINALS:
        raise ValidationFailed(
            f"Name at most {rules.MAX_ORIGINALS} original questions.", {"original": ["too many"]}
        )
    if question_id in wanted:
        raise ValidationFailed(
            "A question cannot be a duplicate of itself.", {"original": ["itself"]}
        )
    found = set(
        Post.objects.filter(
            id__in=wanted, post_type=PostType.QUESTION, deletion_date__isnull=True
        ).values_list("id", flat=True)
    )
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationFailed(
            f"No question with id {missing[0]}; the original must be a live question.",
            {"original": ["not found"]},
        )
    return tuple(wanted)


# Reading standing votes (aging applied)


def _lock_question(question_id: int) -> Post:
    question = Post.objects.select_for_update().filter(id=question_id).first()
    if question is None or question.post_type != PostType.QUESTION:
        raise NotFound("No question with that id.")
    return question


def _standing(question_id: int, kind: int, now: datetime) -> list[CloseVote]:
    """The pending votes and flags of a kind, oldest first; those past the aging window (14
    days after the last one) are marked aged here, so a read never counts them."""
    rows = list(
        CloseVote.objects.filter(question_id=question_id, kind=kind, state=PENDING).order_by(
            "creation_date", "id"
        )
    )
    if rows and rows[-1].creation_date < now - rules.VOTE_AGING:
        CloseVote.objects.filter(id__in=[r.id for r in rows]).update(
            state=CloseVoteState.AGED, resolved_date=now
        )
        review_entry.votes_gone(question_id, reopen=kind == CloseVoteKind.REOPEN, now=now)
        return []
    return rows


def close_votes_age(now: datetime | None = None) -> int:
    """The aging job: mark every pending vote and flag whose question saw no vote of that kind
    for 14 days. Reads age votes on their own, so this only tidies; returns the rows aged."""
    now = now or timezone.now()
    cutoff = now - rules.VOTE_AGING
    newer = CloseVote.objects.filter(
        question_id=OuterRef("question_id"),
        kind=OuterRef("kind"),
        state=PENDING,
        creation_date__gte=cutoff,
    )
    aged = (
        CloseVote.objects.filter(state=PENDING, creation_date__lt=cutoff)
        .exclude(Exists(newer))
        .update(state=CloseVoteState.AGED, resolved_date=now)
    )
    review_entry.sweep_voteless(now)
    return aged


# Casting


def close_request(user, question_id: int, choice_args: dict, now: datetime | None = None):
    """The close dialog's submit: a vote from those who may vote, a close flag from the others."""
    with transaction.atomic():
        question = _lock_question(question_id)
        if not policies.can_vote_to_close(user, question)[0]:
            allowed, _ = policies.can_flag_to_close(user, question)
            if allowed:
                return close_flag_raise(user, question_id, **choice_args, now=now)
        return close_vote_cast(user, question_id, **choice_args, now=now)


def close_vote_cast(
    user,
    question_id: int,
    reason_key: str,
    off_topic_reason_id: int | None = None,
    originals=(),
    now: datetime | None = None,
    *,
    binding_only: bool = False,
) -> CloseOutcome:
    """Vote to close; the vote that reaches the threshold (or a binding one) closes it."""
    with transaction.atomic():
        question, now, done = _begin(user, question_id, CloseVoteKind.CLOSE, now)
        if done is not None:
            return done
        gold_tags = policies.gold_badge_tags(user, question)
        code = rules.reason_code(reason_key)
        allowed, reason = policies.can_vote_to_close(user, question, code, gold_tags)
        if not allowed:  # refused before the choice is checked: a refusal says why at once
            raise PermissionDenied(reason)
        choice = close_choice(question.id, reason_key, off_topic_reason_id, originals)
        binding = policies.is_binding(user, question, choice.code, gold_tags)
        if binding_only and not binding:
            raise PermissionDenied(
                "Only moderators close questions alone (or gold tag-badge holders, duplicates)."
            )
        standing = _standing(question.id, CloseVoteKind.CLOSE, now)
        if _has_voted(standing, user, now):
            return _outcome(question, "unchanged", standing, "You have already voted to close.")
        close_limits.check_vote_limits(user, question.id, CloseVoteKind.CLOSE, now)
        vote = CloseVote.objects.create(
            question=question,
            user=user,
            kind=CloseVoteKind.CLOSE,
            reason=choice.code,
            off_topic_reason_id=choice.off_topic_reason_id,
            original_ids=list(choice.original_ids),
            creation_date=now,
        )
        standing.append(vote)
        votes = [v for v in standing if not v.is_flag]
        if binding or len(votes) >= rules.votes_needed():
            decided = _decided_choice(votes, vote if binding else None)
            _close(question, user, votes, standing, decided, gold_tags if binding else set(), now)
            return _outcome(question, "closed", [], voters=[v.user_id for v in votes])
        if len(standing) == 1:  # the first standing vote puts the question in the close queue
            review_entry.close_queue_entered(question.id, reopen=False, now=now)
        if choice.code == CloseReason.DUPLICATE and not any(v.auto_comment_id for v in votes):
            _post_duplicate_suggestion(user, question, vote, choice.original_ids[0])
        return _outcome(question, "voted", votes)


def close_flag_raise(
    user,
    question_id: int,
    reason_key: str,
    off_topic_reason_id: int | None = None,
    originals=(),
    now: datetime | None = None,
) -> CloseOutcome:
    """A close flag from a user below the close privilege: it waits for the close review queue."""
    with transaction.atomic():
        question = _lock_question(question_id)
        now = now or timezone.now()  # read after the lock: the order of events is the lock's
        allowed, reason = policies.can_flag_to_close(user, question)
        if not allowed:
            raise PermissionDenied(reason)
        choice = close_choice(question.id, reason_key, off_topic_reason_id, originals)
        standing = _standing(question.id, CloseVoteKind.CLOSE, now)
        if any(v.user_id == user.id for v in standing):
            return _outcome(question, "unchanged", [], "You have already flagged this question.")
        CloseVote.objects.create(
            question=question,
            user=user,
            kind=CloseVoteKind.CLOSE,
            is_flag=True,
            reason=choice.code,
            off_topic_reason_id=choice.off_topic_reason_id,
            original_ids=list(choice.original_ids),
            creation_date=now,
        )
        if not standing:
            review_entry.close_queue_entered(question.id, reopen=False, now=now)
        return _outcome(question, "flagged", [], "Thanks; your flag goes to the close queue.")


def reopen_vote_cast(
    user, question_id: int, now: datetime | None = None, *, binding_only: bool = False
) -> CloseOutcome:
    """Vote to reopen; the vote that reaches the threshold (or a binding one) reopens it."""
    with transaction.atomic():
        question, now, done = _begin(user, question_id, CloseVoteKind.REOPEN, now)
        if done is not None:
            return done
        gold_tags = policies.gold_badge_tags(user, question)
        allowed, reason = policies.can_vote_to_reopen(user, question, gold_tags)
        if not allowed:
            raise PermissionDenied(reason)
        binding = policies.is_binding(user, question, None, gold_tags)
        if binding_only and not binding:
            raise PermissionDenied(
                "Only moderators reopen questions alone (or gold tag-badge holders, duplicates)."
            )
        standing = _standing(question.id, CloseVoteKind.REOPEN, now)
        if _has_voted(standing, user, now):
            return _outcome(question, "unchanged", standing, "You have already voted to reopen.")
        close_limits.check_vote_limits(user, question.id, CloseVoteKind.REOPEN, now)
        vote = CloseVote.objects.create(
            question=question, user=user, kind=CloseVoteKind.REOPEN, creation_date=now
        )
        standing.append(vote)
        votes = [v for v in standing if not v.is_flag]
        if binding or len(votes) >= rules.votes_needed():
            _reopen(question, user, votes, standing, now)
            return _outcome(question, "reopened", [], voters=[v.user_id for v in votes])
        if len(standing) == 1:  # the first standing vote puts the question in the reopen queue
            review_entry.close_queue_entered(question.id, reopen=True, now=now)
        return _outcome(question, "voted", votes)


def reopen_review_request(user, question_id: int, now: datetime | None = None) -> CloseOutcome:
    """The asker edited their closed question and says the edit resolves the problem: the
    question goes to the reopen review queue (a reopen request, kept as a reopen-kind flag
    that ages like the votes). Asking again changes nothing."""
    with transaction.atomic():
        question = _lock_question(question_id)
        now = now or timezone.now()
        allowed, reason = policies.can_request_reopen_review(user, question, now)
        if not allowed:
            raise PermissionDenied(reason)
        standing = _standing(question.id, CloseVoteKind.REOPEN, now)
        if any(v.user_id == user.id for v in standing):
            return _outcome(
                question, "unchanged", standing, "The question is already in the reopen queue."
            )
        CloseVote.objects.create(
            question=question, user=user, kind=CloseVoteKind.REOPEN, is_flag=True, creation_date=now
        )
        review_entry.close_queue_entered(question.id, reopen=True, now=now)
        return _outcome(question, "flagged", standing, "The question is in the reopen queue.")


def question_close(user, question_id: int, reason_key: str, **choice) -> CloseOutcome:
    """A binding closing: a moderator (any reason) or a gold tag-badge holder (duplicate)."""
    return close_vote_cast(user, question_id, reason_key, binding_only=True, **choice)


def question_reopen(user, question_id: int, now: datetime | None = None) -> CloseOutcome:
    return reopen_vote_cast(user, question_id, now, binding_only=True)


def close_vote_retract(user, question_id: int, now: datetime | None = None) -> CloseOutcome:
    return _retract(user, question_id, CloseVoteKind.CLOSE, now)


def reopen_vote_retract(user, question_id: int, now: datetime | None = None) -> CloseOutcome:
    return _retract(user, question_id, CloseVoteKind.REOPEN, now)


def _retract(user, question_id: int, kind: int, now: datetime | None) -> CloseOutcome:
    """Take back a standing vote (or flag); its duplicate suggestion comment goes with it."""
    with transaction.atomic():
        question = _lock_question(question_id)
        now = now or timezone.now()  # read after the lock: the order of events is the lock's
        standing = _standing(question.id, kind, now)
        mine = [v for v in standing if user is not None and v.user_id == user.id]
        if not mine:
            return _outcome(question, "unchanged", standing, "You have no vote to retract.")
        resolve_votes(mine, CloseVoteState.RETRACTED, now)
        for vote in mine:
            if vote.auto_comment_id:
                comment_services.comment_remove(vote.auto_comment_id)
        if len(mine) == len(standing):  # no vote or flag left: the question leaves the queue
            review_entry.votes_gone(question.id, reopen=kind == CloseVoteKind.REOPEN, now=now)
        rest = [v for v in standing if v not in mine and not v.is_flag]
        return _outcome(question, "retracted", rest)


# Closing and reopening


def _has_voted(standing: list[CloseVote], user, now) -> bool:
    """Whether the user's vote already stands. A flag of theirs (a close flag raised before
    they earned the privilege, or the asker's reopen request) gives way to the vote."""
    mine = next((v for v in standing if v.user_id == user.id), None)
    if mine is None:
        return False
    if not mine.is_flag:
        return True
    resolve_votes([mine], CloseVoteState.DISMISSED, now)
    standing.remove(mine)
    return False


def _begin(user, question_id: int, kind: int, now: datetime | None):
    """Lock the question, then read the time (the order of events is the lock's), and find
    whether this user's vote already closed or reopened it."""
    question = _lock_question(question_id)
    now = now or timezone.now()
    return question, now, _already_applied(user, question, kind)


def _already_applied(user, question: Post, kind: int) -> CloseOutcome | None:
    """A retried vote that already closed (or reopened) the question: report it, change nothing."""
    done = (
        question.closed_date is not None
        if kind == CloseVoteKind.CLOSE
        else not question.closed_date
    )
    if not done or user is None or not getattr(user, "is_authenticated", False):
        return None
    last = (
        CloseVote.objects.filter(question_id=question.id, kind=kind, is_flag=False)
        .exclude(state=PENDING)
        .order_by("-resolved_date", "-id")
        .values("resolved_date")
        .first()
    )
    if (
        last is None
        or not CloseVote.objects.filter(
            question_id=question.id,
            kind=kind,
            user_id=user.id,
            state=CloseVoteState.APPLIED,
            resolved_date=last["resolved_date"],
        ).exists()
    ):
        return None
    action = "closed" if kind == CloseVoteKind.CLOSE else "reopened"
    return _outcome(question, action, [], "Your vote already counted.")


def _decided_choice(votes: list[CloseVote], binding_vote: CloseVote | None) -> CloseChoice:
    """A binding vote decides alone. Otherwise the reason most voters chose (a tie goes to the
    reason voted last); for an off-topic closing the site reason most chose; for a duplicate
    every original the duplicate voters named, in the order they named them."""
    if binding_vote is not None:
        chosen = [binding_vote]
    else:
        tally = Counter(v.reason for v in votes)
        top = max(tally.values())
        code = next(v.reason for v in reversed(votes) if tally[v.reason] == top)
        chosen = [v for v in votes if v.reason == code]
    code = chosen[0].reason
    off_topic = None
    if code == CloseReason.OFF_TOPIC:
        sub = Counter(v.off_topic_reason_id for v in chosen)
        top = max(sub.values())
        off_topic = next(
            v.off_topic_reason_id for v in reversed(chosen) if sub[v.off_topic_reason_id] == top
        )
    originals: list[int] = []
    for vote in chosen:
        originals.extend(i for i in vote.original_ids if i not in originals)
    return CloseChoice(code, off_topic, tuple(originals))


def _close(question, closer, votes, standing, choice: CloseChoice, gold_tags, now) -> None:
    Post.objects.filter(id=question.id).update(closed_date=now, close_reason=choice.code)
    question.closed_date, question.close_reason = now, choice.code
    details: dict = {"Voters": _voters_json(votes)}
    if choice.code == CloseReason.DUPLICATE:
        details["OriginalQuestionIds"] = list(choice.original_ids)
        _link_originals(question.id, choice.original_ids, now)
    if choice.off_topic_reason_id:
        # Not in Stack Exchange's dumps (their site reasons are only in SEDE): our own key, so
        # the notice can show the site reason's text.
        details["OffTopicReasonId"] = choice.off_topic_reason_id
    if gold_tags:
        details["BindingReason"] = {"GoldTagBadge": sorted(gold_tags)[0]}
    write_history(
        question.id, PostHistoryType.POST_CLOSED, closer, str(int(choice.code)), details, now
    )
    resolve_votes(standing, CloseVoteState.APPLIED, now)
    review_entry.closing_decided(question.id, closed=True, now=now)
    _remove_duplicate_suggestions(question.id)
    thread_changed(question.id)


def _reopen(question, opener, votes, standing, now) -> None:
    Post.objects.filter(id=question.id).update(closed_date=None, close_reason=None)
    question.closed_date, question.close_reason = None, None
    PostLink.objects.filter(post_id=question.id, link_type=LinkType.DUPLICATE).delete()
    write_history(
        question.id, PostHistoryType.POST_REOPENED, opener, "", {"Voters": _voters_json(votes)}, now
    )
    resolve_votes(standing, CloseVoteState.APPLIED, now)
    review_entry.closing_decided(question.id, closed=False, now=now)
    thread_changed(question.id)


def _voters_json(votes: list[CloseVote]) -> list[dict]:
    return voters_list([v.user_id for v in votes])


def voters_list(user_ids: list[int]) -> list[dict]:
    """The dump's "Voters" of a history row: [{"Id": .., "DisplayName": ..}] (one query)."""
    from quaestio.accounts.models import User

    names = dict(User.objects.filter(id__in=user_ids).values_list("id", "display_name"))
    return [{"Id": i, "DisplayName": names.get(i, "")} for i in user_ids]


def _link_originals(question_id: int, original_ids, now) -> None:
    known = set(
        PostLink.objects.filter(
            post_id=question_id, link_type=LinkType.DUPLICATE, related_post_id__in=original_ids
        ).values_list("related_post_id", flat=True)
    )
    PostLink.objects.bulk_create(
        PostLink(
            post_id=question_id,
            related_post_id=original,
            link_type=LinkType.DUPLICATE,
            creation_date=now,
        )
        for original in original_ids
        if original not in known
    )


def resolve_votes(votes: list, state: str, now) -> None:
    """Mark close/reopen or delete/undelete votes (rows of one model) with the state they
    ended in."""
    if votes:
        type(votes[0]).objects.filter(id__in=[v.id for v in votes]).update(
            state=state, resolved_date=now
        )
        for vote in votes:
            vote.state, vote.resolved_date = state, now


def _post_duplicate_suggestion(user, question: Post, vote: CloseVote, original_id: int) -> None:
    """The first duplicate vote posts "Does this answer your question? <original>" as its
    voter (spec §6.4, §7.3); a voter who may not comment there simply posts none."""
    title = Post.objects.filter(id=original_id).values_list("title", flat=True).first() or ""
    # Brackets would end the link text early; the title is otherwise Markdown-escaped.
    text = (
        f"{rules.AUTO_COMMENT_PREFIX} [{_link_text(title)}]"
        f"({links.question_url(original_id, title)})"
    )
    try:
        comment = comment_services.comment_add(user, question.id, text, automatic=True)
    except DomainError:
        return
    CloseVote.objects.filter(id=vote.id).update(auto_comment=comment)
    vote.auto_comment_id = comment.id


def _link_text(title: str) -> str:
    escaped = "".join("\\" + c if c in "\\[]*_`~" else c for c in title)
    return escaped or "the original question"


def _remove_duplicate_suggestions(question_id: int) -> None:
    comment_ids = (
        CloseVote.objects.filter(question_id=question_id, auto_comment__isnull=False)
        .filter(auto_comment__deletion_date__isnull=True)
        .values_list("auto_comment_id", flat=True)
    )
    for comment_id in list(comment_ids):
        comment_services.comment_remove(comment_id)


def _outcome(question: Post, action: str, votes, message: str = "", voters=None) -> CloseOutcome:
    return CloseOutcome(
        question_id=question.id,
        action=action,
        closed=question.closed_date is not None,
        pending_votes=len([v for v in votes if not v.is_flag]),
        message=message,
        voters=voters or [],
    )


# The site's own off-topic reasons (moderators)

OFF_TOPIC_FIELDS = {  # field -> (label, most characters, required)
    "brief_description": ("Brief description", 100, True),
    "usage_guidance": ("Usage guidance", 500, False),
    "post_notice": ("Post notice", 500, True),
    "owner_guidance": ("Owner guidance", 500, False),
    "privileged_guidance": ("Privileged-user guidance", 500, False),
}


def off_topic_reason_save(user, reason_id: int | None, values: dict) -> OffTopicReason:
    """Create (no id) or edit a site reason; `active` retires or restores it. Texts are stored
    as written and escaped where shown."""
    allowed, message = policies.can_edit_close_reasons(user)
    if not allowed:
        raise PermissionDenied(message)
    cleaned, errors = {}, {}
    for name, (label, limit, required) in OFF_TOPIC_FIELDS.items():
        text = " ".join(str(values.get(name) or "").split())
        if required and not text:
            errors[name] = [f"{label} is required."]
        elif len(text) > limit:
            errors[name] = [f"{label} takes at most {limit} characters; it has {len(text)}."]
        cleaned[name] = text
    if errors:
        raise ValidationFailed(" ".join(m for ms in errors.values() for m in ms), errors)
    cleaned["active"] = bool(values.get("active", True))
    with transaction.atomic():
        if reason_id is None:
            return OffTopicReason.objects.create(**cleaned)
        reason = OffTopicReason.objects.select_for_update().filter(id=reason_id).first()
        if reason is None:
            raise NotFound("No close reason with that id.")
        for name, value in cleaned.items():
            setattr(reason, name, value)
        reason.save()
        return reason
