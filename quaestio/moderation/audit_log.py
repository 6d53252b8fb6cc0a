"""Reading the moderators' audit log (/admin/history): newest first, keyset-paged.

A page costs the same whatever the log's size: the cursor is the last row shown, and the
next page is read from the (creation_date, id) index after it, never with an OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from quaestio.accounts.policies import moderator_refusal
from quaestio.core.errors import PermissionDenied
from quaestio.moderation.models import ModeratorAction

PAGE_SIZE = 50


@dataclass
class AuditPage:
    rows: list[ModeratorAction]
    next_before: int | None  # the cursor of the next (older) page, None on the last


def audit_page(viewer, before: str = "", size: int = PAGE_SIZE) -> AuditPage:
    if refusal := moderator_refusal(viewer, "see the moderators' audit log"):
        raise PermissionDenied(refusal)
    rows = ModeratorAction.objects.order_by("-creation_date", "-id")
    cursor = (
        ModeratorAction.objects.filter(id=int(before)).values_list("creation_date", "id").first()
        if before.isdigit() and len(before) <= 18
        else None
    )
    if cursor is not None:
        at, row_id = cursor
        rows = rows.filter(Q(creation_date__lt=at) | Q(creation_date=at, id__lt=row_id))
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    return AuditPage(found, found[-1].id if more else None)
