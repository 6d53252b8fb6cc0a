"""What moderators do to accounts: suspend and unsuspend, annotate, see shared addresses.

Each write checks the moderator policy, locks the user's row, writes in one transaction and
records the action in the moderators' audit log (moderation.audit) in that transaction.
The command line acts as the Community user (`quaestio user suspend ...`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from quaestio.accounts.models import (
    COMMUNITY_USER_ID,
    Suspension,
    User,
    UserAddress,
    UserAnnotation,
)
from quaestio.accounts.policies import moderator_refusal, suspension_end_text, suspension_state
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed

SUSPENSION_MAX_DAYS = 365
REASON_MIN, REASON_MAX = 10, 500
ANNOTATION_MAX = 1000
# An address already known for a user is touched at most this often (one write per day).
ADDRESS_TOUCH_INTERVAL = timedelta(days=1)


def _audit(moderator, action: str, user_id: int, details: str) -> None:
    from quaestio.moderation.audit import record_moderator_action

    record_moderator_action(moderator, action, target_user_id=user_id, details=details)


def _check_moderator(moderator, doing: str) -> None:
    if refusal := moderator_refusal(moderator, doing):
        raise PermissionDenied(refusal)


def _locked_user(user_id: int) -> User:
    user = User.objects.select_for_update().filter(id=user_id).first()
    if user is None:
        raise NotFound("No user with that id.")
    return user


def can_suspend(moderator, user) -> str:
    """Why this moderator may not suspend this user, or ""."""
    if refusal := moderator_refusal(moderator, "suspend users"):
        return refusal
    if user.id == COMMUNITY_USER_ID:
        return "The Community user cannot be suspended."
    if user.id == moderator.id:
        return "You cannot suspend yourself."
    if user.is_moderator:
        return "Moderators cannot be suspended; remove the moderator role first."
    return ""


def suspension_days(text) -> int:
    value = str(text or "").strip()
    if not value.isdigit() or not 1 <= int(value) <= SUSPENSION_MAX_DAYS:
        raise ValidationFailed(
            f"Give the suspension's length as a whole number of days, 1 to {SUSPENSION_MAX_DAYS}.",
            {"days": ["invalid"]},
        )
    return int(value)


def _reason(text: str) -> str:
    reason = " ".join((text or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ValidationFailed(
            f"Give the reason the user will see, {REASON_MIN} to {REASON_MAX} characters.",
            {"reason": ["length"]},
        )
    return reason


def user_suspend(moderator, user_id: int, days, reason: str, now: datetime | None = None):
    """Suspend the user for `days` from now with a reason they see on every page; a new
    suspension replaces the one in force. Returns the Suspension row."""
    days, reason = suspension_days(days), _reason(reason)
    with transaction.atomic():
        user = _locked_user(user_id)
        if refusal := can_suspend(moderator, user):
            raise PermissionDenied(refusal)
        now = now or timezone.now()
        until = now + timedelta(days=days)
        Suspension.objects.filter(user=user, end_date__gt=now, lifted_date=None).update(
            lifted_date=now, lifted_by=moderator
        )
        row = Suspension.objects.create(
            user=user, moderator=moderator, reason=reason, start_date=now, end_date=until
        )
        User.objects.filter(id=user.id).update(suspended_until=until, suspension_reason=reason)
        _audit(
            moderator,
            "suspend",
            user.id,
            f"{days} days, until {suspension_end_text(until)}: {reason}",
        )
        return row


def user_unsuspend(moderator, user_id: int, now: datetime | None = None) -> bool:
    """End the suspension in force early; False (nothing written) when there is none."""
    with transaction.atomic():
        user = _locked_user(user_id)
        _check_moderator(moderator, "lift suspensions")
        now = now or timezone.now()
        if suspension_state(user, now) is None:
            return False
        Suspension.objects.filter(user=user, end_date__gt=now, lifted_date=None).update(
            lifted_date=now, lifted_by=moderator
        )
        User.objects.filter(id=user.id).update(suspended_until=None, suspension_reason="")
        _audit(moderator, "unsuspend", user.id, "suspension lifted early")
        return True


def suspension_history(user_id: int, limit: int = 20) -> list[Suspension]:
    return list(
        Suspension.objects.filter(user_id=user_id)
        .select_related("moderator", "lifted_by")
        .order_by("-start_date")[:limit]
    )


# Annotations (moderators only)


def annotation_add(moderator, user_id: int, text: str) -> UserAnnotation:
    text = " ".join((text or "").split())
    if not 1 <= len(text) <= ANNOTATION_MAX:
        raise ValidationFailed(
            f"An annotation is 1 to {ANNOTATION_MAX} characters.", {"text": ["length"]}
        )
    with transaction.atomic():
        user = _locked_user(user_id)
        _check_moderator(moderator, "annotate users")
        note = UserAnnotation.objects.create(
            user=user, moderator=moderator, moderator_name=moderator.display_name, text=text
        )
        _audit(moderator, "annotate", user.id, text)
        return note


def annotations(viewer, user_id: int, limit: int = 50) -> list[UserAnnotation]:
    """A user's annotations, newest first; only moderators may read them."""
    _check_moderator(viewer, "see annotations")
    return list(UserAnnotation.objects.filter(user_id=user_id).order_by("-creation_date")[:limit])


# Addresses (sock puppets)


def record_address(user_id: int, address: str, now: datetime | None = None) -> None:
    """Remember that the user signed in or wrote from this address (a write at most once a day
    per user and address, so a busy user costs nothing)."""
    if not address or user_id is None or user_id == COMMUNITY_USER_ID:
        return
    try:
        address = str(ipaddress.ip_address(address))  # PostgreSQL's inet refuses anything else
    except ValueError:
        return
    now = now or timezone.now()
    updated = UserAddress.objects.filter(
        user_id=user_id, address=address, last_seen__lt=now - ADDRESS_TOUCH_INTERVAL
    ).update(last_seen=now)
    if updated or UserAddress.objects.filter(user_id=user_id, address=address).exists():
        return
    try:
        with transaction.atomic():
            UserAddress.objects.create(
                user_id=user_id, address=address, first_seen=now, last_seen=now
            )
    except IntegrityError:  # a concurrent request recorded it first
        pass


@dataclass
class SharedAddress:
    address: str
    last_seen: datetime
    others: list[User]


def accounts_sharing_addresses(viewer, user_id: int, limit: int = 50) -> list[SharedAddress]:
    """The user's recent addresses, each with the other accounts seen at it (moderators only).
    Two indexed queries, bounded by `limit` addresses and `limit` accounts per address."""
    _check_moderator(viewer, "see accounts sharing addresses")
    mine = list(UserAddress.objects.filter(user_id=user_id).order_by("-last_seen")[:limit])
    addresses = [row.address for row in mine]
    others: dict[str, list[int]] = {address: [] for address in addresses}
    for address, other_id in (
        UserAddress.objects.filter(address__in=addresses)
        .exclude(user_id=user_id)
        .order_by("address", "-last_seen")
        .values_list("address", "user_id")
    ):
        if len(others[address]) < limit:
            others[address].append(other_id)
    users = User.objects.in_bulk({uid for ids in others.values() for uid in ids})
    return [
        SharedAddress(
            row.address, row.last_seen, [users[i] for i in others[row.address] if i in users]
        )
        for row in mine
    ]
