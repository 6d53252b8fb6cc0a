"""What becomes of flags after they are raised (spec §7.8): moderators mark them helpful or
decline them with a reason; flags on a post that gets deleted (any way) are helpful; flags a
low-quality review found unfounded are disputed; with an ageing time set, old ones age away.

Every moderator's handling writes the audit log in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.moderation import policies
from quaestio.moderation.audit import record_moderator_action
from quaestio.moderation.flags import (
    MAX_TEXT,
    VERY_LOW_QUALITY,
    kind_title,
    resolve_flags,
)
from quaestio.moderation.models import Flag, FlagState
from quaestio.posts.models import Post

PENDING = FlagState.PENDING


@dataclass(frozen=True)
class DeclineReason:
    key: str
    text: str


# Stack Exchange's standard decline reasons, offered with free text on the dashboard.
DECLINE_REASONS = (
    DeclineReason(
        "no_evidence", "a moderator reviewed your flag, but found no evidence to support it"
    ),
    DeclineReason(
        "technical",
        "flags should not be used to indicate technical inaccuracies, or an altogether wrong "
        "answer",
    ),
    DeclineReason(
        "standard_flags",
        "using standard flags helps us prioritize problems and resolve them faster; please "
        "familiarize yourself with the list of standard flags",
    ),
    DeclineReason(
        "not_moderator_matter",
        "this is not a matter for moderators; edit the post, comment, or vote instead",
    ),
)
DECLINE_REASONS_BY_KEY = {reason.key: reason for reason in DECLINE_REASONS}
HELPFUL, DECLINED = "helpful", "declined"


@dataclass
class HandleOutcome:
    action: str  # "handled", "unchanged"
    handled: int
    message: str = ""


def decline_note(reason_key: str, text: str) -> str:
    """The reason the flagger reads: a standard one, the moderator's own words, or both."""
    text = " ".join((text or "").split())
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            f"A decline reason takes at most {MAX_TEXT} characters; it has {len(text)}.",
            {"decline_text": ["too long"]},
        )
    standard = DECLINE_REASONS_BY_KEY.get(reason_key)
    if reason_key and standard is None:
        raise ValidationFailed("Choose one of the decline reasons.", {"decline": ["unknown"]})
    if standard is None and not text:
        raise ValidationFailed(
            "Say why the flag is declined: choose a reason or write one.",
            {"decline": ["required"]},
        )
    if standard is None:
        return text
    return f"{standard.text}. {text}" if text else standard.text


def flags_handle(
    moderator,
    *,
    outcome: str,
    flag_id: int | None = None,
    post_id: int | None = None,
    decline_reason: str = "",
    decline_text: str = "",
    now: datetime | None = None,
) -> HandleOutcome:
    """Mark one flag (`flag_id`) or every pending flag on a post and its comments (`post_id`)
    helpful or declined. Handling a flag already handled changes nothing."""
    allowed, reason = policies.can_handle_flags(moderator)
    if not allowed:
        raise PermissionDenied(reason)
    if outcome not in (HELPFUL, DECLINED):
        raise ValidationFailed("Mark the flag helpful or decline it.", {"outcome": ["unknown"]})
    note = decline_note(decline_reason, decline_text) if outcome == DECLINED else ""
    with transaction.atomic():
        now = now or timezone.now()
        pending = Flag.objects.select_for_update().filter(state=PENDING)
        if flag_id is not None:
            if not Flag.objects.filter(id=flag_id).exists():
                raise NotFound("No flag with that id.")
            pending = pending.filter(id=flag_id)
        elif post_id is not None:
            pending = pending.filter(post_id=post_id)
        else:
            raise ValidationFailed("Name the flag or the post.")
        flags = list(pending.order_by("id"))
        if not flags:
            return HandleOutcome("unchanged", 0, "Already handled.")
        state = FlagState.HELPFUL if outcome == HELPFUL else FlagState.DECLINED
        resolve_flags(
            Flag.objects.filter(id__in=[f.id for f in flags]), now, state, note, by=moderator
        )
        for flag in flags:
            record_moderator_action(
                moderator,
                f"flag-{outcome}",
                post_id=flag.post_id,
                comment_id=flag.comment_id,
                target_user_id=flag.user_id,
                details=kind_title(flag.kind) + (f": {note}" if note else ""),
                at=now,
            )
        if state == FlagState.HELPFUL:
            _helpful_low_quality_downvotes(flags, now)
        return HandleOutcome("handled", len(flags))


def _helpful_low_quality_downvotes(flags: list[Flag], now: datetime) -> None:
    """A helpful "very low quality" flag brings Community's downvote (spec §7.8)."""
    from quaestio.votes.services.voting import community_downvote

    for post_id in sorted(
        {f.post_id for f in flags if f.kind == VERY_LOW_QUALITY.key and not f.comment_id}
    ):
        post = Post.objects.select_for_update().filter(id=post_id).first()
        if post is not None and post.deletion_date is None:
            community_downvote(post, now)


def flags_resolve_for_deleted_post(post_id: int, now: datetime | None = None) -> int:
    """The post was deleted (by its owner, votes, a moderator, a review, Community): its
    pending flags, its comments' and, for a question, its answers' are helpful."""
    now = now or timezone.now()
    post = Post.objects.filter(id=post_id).values("deletion_date", "post_type").first()
    if post is None or post["deletion_date"] is None:
        return 0  # undeleted meanwhile
    ids = [post_id]
    if post["post_type"] == 1:
        ids += list(Post.objects.filter(parent_id=post_id).values_list("id", flat=True))
    return resolve_flags(
        Flag.objects.filter(post_id__in=ids, state=PENDING), now, note="the post was deleted"
    )


def flags_dispute(post_id: int, now: datetime | None = None) -> int:
    """Reviewers found the post fine (low-quality review: Looks OK): its pending "not an
    answer" and "very low quality" flags are disputed. For the review room to call."""
    from quaestio.moderation.flags import NOT_AN_ANSWER

    return resolve_flags(
        Flag.objects.filter(
            post_id=post_id,
            comment=None,
            state=PENDING,
            kind__in=(NOT_AN_ANSWER.key, VERY_LOW_QUALITY.key),
        ),
        now or timezone.now(),
        FlagState.DISPUTED,
        "reviewers found the post acceptable",
    )


def flags_tidy(now: datetime | None = None) -> dict[str, int]:
    """The daily job: flags whose post or comment was deleted are helpful (posts are resolved
    when deleted; comments deleted by hand are found here), and, when the site sets an ageing
    time, flags pending longer age away."""
    now = now or timezone.now()
    on_deleted = Flag.objects.filter(state=PENDING).filter(
        Q(post__deletion_date__isnull=False) | Q(comment__deletion_date__isnull=False)
    )
    resolved = resolve_flags(
        Flag.objects.filter(id__in=list(on_deleted.values_list("id", flat=True))),
        now,
        note="the post or comment was deleted",
    )
    aged = 0
    days = int(getattr(settings, "QUAESTIO_FLAG_AGING_DAYS", 0))
    if days > 0:
        aged = resolve_flags(
            Flag.objects.filter(state=PENDING, creation_date__lt=now - timedelta(days=days)),
            now,
            FlagState.AGED,
            "aged away",
        )
    return {"resolved": resolved, "aged": aged}


def flagger_records_rebuild() -> int:
    """Recount every flagger's counters from the Flag rows (after a bulk load, or to check
    them: the live services keep them in step). Returns the number of records written."""
    from django.db.models import Count

    from quaestio.moderation.models import FlaggerRecord

    counts: dict[int, dict[str, int]] = {}
    for row in Flag.objects.values("user_id", "state").annotate(n=Count("id")).order_by():
        counts.setdefault(row["user_id"], {})[row["state"]] = row["n"]
    with transaction.atomic():
        FlaggerRecord.objects.all().delete()
        FlaggerRecord.objects.bulk_create(
            FlaggerRecord(user_id=uid, **by_state) for uid, by_state in counts.items()
        )
    return len(counts)


def on_post_written(sender, post_id: int, action: str, **kwargs) -> None:
    """posts.events.post_written receiver (connected in the app's ready())."""
    if action == "delete":
        with transaction.atomic():
            flags_resolve_for_deleted_post(post_id)
