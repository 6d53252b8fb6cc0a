"""Moderators' changes to the blocklist (/admin/blocklist): add, edit, disable, enable.

Each change is validated (`blocklist.pattern_errors`), written with the version bump that makes
every process recompile, and recorded in the audit log, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.moderation import policies
from quaestio.moderation.audit import record_moderator_action
from quaestio.moderation.blocklist import pattern_errors
from quaestio.moderation.models import (
    BlocklistAction,
    BlocklistPattern,
    BlocklistTarget,
    BlocklistVersion,
)

MESSAGE_MAX = 300
NOTE_MAX = 500


@dataclass
class PatternForm:
    target: str
    pattern: str
    action: str
    message: str = ""
    note: str = ""
    active: bool = True


def _require_moderator(user) -> None:
    allowed, reason = policies.can_manage_spam_defence(user)
    if not allowed:
        raise PermissionDenied(reason)


def _form_errors(form: PatternForm) -> dict[str, list[str]]:
    fields = {
        "target": [] if form.target in BlocklistTarget.values else ["Choose what to match."],
        "action": [] if form.action in BlocklistAction.values else ["Choose an action."],
        "pattern": pattern_errors(form.pattern),
        "message": [f"The message is limited to {MESSAGE_MAX} characters."]
        if len(form.message) > MESSAGE_MAX
        else [],
        "note": [f"The note is limited to {NOTE_MAX} characters."]
        if len(form.note) > NOTE_MAX
        else [],
    }
    return {name: errors for name, errors in fields.items() if errors}


def _bump_version() -> None:
    """Every process sees the list changed at its next screened write."""
    if BlocklistVersion.objects.filter(id=1).update(number=F("number") + 1):
        return
    try:
        with transaction.atomic():
            BlocklistVersion.objects.create(id=1, number=1)
    except IntegrityError:  # another change created it meanwhile
        BlocklistVersion.objects.filter(id=1).update(number=F("number") + 1)


def _details(row: BlocklistPattern) -> str:
    state = "active" if row.active else "disabled"
    return f"#{row.id} {row.target} {row.action} ({state}): {row.pattern}"


def pattern_save(moderator, form: PatternForm, pattern_id: int | None = None) -> BlocklistPattern:
    """Add a pattern (no id) or change one; bad input changes nothing and names each problem."""
    _require_moderator(moderator)
    form.pattern = form.pattern.strip()
    form.message = " ".join(form.message.split())
    form.note = " ".join(form.note.split())
    errors = _form_errors(form)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    with transaction.atomic():
        now = timezone.now()
        if pattern_id is None:
            row = BlocklistPattern(created_by=moderator, creation_date=now)
            action = "blocklist-add"
        else:
            row = BlocklistPattern.objects.select_for_update().filter(id=pattern_id).first()
            if row is None:
                raise NotFound("No blocklist pattern with that id.")
            row.last_edit_date = now
            action = "blocklist-edit"
        row.target, row.pattern, row.action = form.target, form.pattern, form.action
        row.message, row.note, row.active = form.message, form.note, form.active
        row.save()
        _bump_version()
        record_moderator_action(moderator, action, details=_details(row), at=now)
    return row


def pattern_set_active(moderator, pattern_id: int, active: bool) -> BlocklistPattern:
    """Disable (or enable again) a pattern; patterns are never deleted, so held posts keep
    naming theirs."""
    _require_moderator(moderator)
    with transaction.atomic():
        row = BlocklistPattern.objects.select_for_update().filter(id=pattern_id).first()
        if row is None:
            raise NotFound("No blocklist pattern with that id.")
        if row.active == active:
            return row  # a repeated request changes nothing
        now = timezone.now()
        row.active, row.last_edit_date = active, now
        row.save(update_fields=["active", "last_edit_date"])
        _bump_version()
        record_moderator_action(
            moderator, "blocklist-enable" if active else "blocklist-disable", details=_details(row)
        )
    return row


def blocklist_rows() -> list[BlocklistPattern]:
    """Every pattern, active first: a moderators' list, small by nature (never a user's
    content), so it is read whole."""
    return list(BlocklistPattern.objects.order_by("-active", "id"))
