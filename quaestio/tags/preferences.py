"""Watched and ignored tags: the one write path for a user's tag preferences (the tag page's
buttons, the settings page) and the per-user choice of greying out or hiding ignored tags."""

from __future__ import annotations

from django.db import transaction

from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.tags import policies
from quaestio.tags.models import Tag, TagDisplaySetting, TagPreference
from quaestio.tags.throttle import throttle

KINDS = (TagPreference.WATCHED, TagPreference.IGNORED)
# A user's preferences are read on every list page they view: a small set, kept small.
MAX_PREFERENCES = 300


def _require(decision: tuple[bool, str]) -> None:
    allowed, reason = decision
    if not allowed:
        raise PermissionDenied(reason)


def tag_preference_set(user, tag_name: str, kind: str | None) -> TagPreference | None:
    """The user's preference for the tag becomes `kind` ("watched", "ignored") or none (None):
    an intent, so a repeated or concurrent request leaves the same state."""
    _require(policies.can_set_tag_preference(user))
    if kind is not None and kind not in KINDS:
        raise ValidationFailed("Choose watched, ignored or neither.")
    throttle(user, "preference")
    tag = Tag.objects.filter(name=(tag_name or "").strip().lower()).first()
    if tag is None:
        raise NotFound("No tag with that name.")
    with transaction.atomic():
        current = TagPreference.objects.select_for_update().filter(user=user, tag=tag).first()
        if kind is None:
            if current is not None:
                current.delete()
            return None
        if current is not None:
            if current.kind != kind:
                current.kind = kind
                current.save(update_fields=["kind"])
            return current
        if TagPreference.objects.filter(user=user).count() >= MAX_PREFERENCES:
            raise ValidationFailed(f"You can watch or ignore at most {MAX_PREFERENCES} tags.")
        preference, _created = TagPreference.objects.get_or_create(
            user=user, tag=tag, defaults={"kind": kind}
        )
        if preference.kind != kind:
            preference.kind = kind
            preference.save(update_fields=["kind"])
        return preference


def tag_display_set(user, *, hide_ignored: bool) -> TagDisplaySetting:
    """Whether questions in the user's ignored tags are hidden from lists (else greyed out)."""
    _require(policies.can_set_tag_preference(user))
    throttle(user, "preference")
    setting, _created = TagDisplaySetting.objects.update_or_create(
        user=user, defaults={"hide_ignored": bool(hide_ignored)}
    )
    return setting


def move_preferences(source: Tag, target: Tag) -> None:
    """A merged or synonymised tag's watchers and ignorers keep their choice on the target;
    a user who already chose for the target keeps that choice."""
    chosen = set(TagPreference.objects.filter(tag=target).values_list("user_id", flat=True))
    TagPreference.objects.filter(tag=source).exclude(user_id__in=chosen).update(tag=target)
    TagPreference.objects.filter(tag=source).delete()
