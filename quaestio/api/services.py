"""Writes of the API room: creating, using and revoking access tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from quaestio.api.models import AccessToken, Scope
from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed

TOKEN_LIFETIME = timedelta(days=1)  # without the no_expiry scope, as Stack Exchange does
MAX_LIVE_TOKENS = 50
# Write the last-used time at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(user, *, name: str, scopes: list[str]) -> tuple[AccessToken, str]:
    """A new token for `user`; returns it with its secret, which is never stored."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationFailed("Give the token a name, e.g. the script that will use it.")
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValidationFailed(f"Unknown scope: {', '.join(sorted(unknown))}.")
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to create an access token.")
    now = timezone.now()
    with transaction.atomic():
        live = AccessToken.objects.select_for_update().filter(user=user, revoked__isnull=True)
        if live.count() >= MAX_LIVE_TOKENS:
            raise ValidationFailed(f"You have {MAX_LIVE_TOKENS} tokens; revoke one first.")
        raw = secrets.token_urlsafe(24)
        token = AccessToken.objects.create(
            user=user,
            name=name,
            token_hash=_hash(raw),
            prefix=raw[:8],
            scopes=" ".join(sorted(set(scopes))),
            created=now,
            expires=None if Scope.NO_EXPIRY in scopes else now + TOKEN_LIFETIME,
        )
    return token, raw


def token_revoke(user, token_id: int) -> AccessToken:
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().filter(id=token_id).first()
        if token is None or token.user_id != user.id:
            raise NotFound("No such token of yours.")
        if token.revoked is None:
            token.revoked = timezone.now()
            token.save(update_fields=["revoked"])
    return token


def token_revoke_by_secret(raw: str) -> AccessToken | None:
    """/access-tokens/{tokens}/invalidate: whoever holds a token may end it."""
    token = AccessToken.objects.filter(token_hash=_hash(raw)).first()
    if token is not None and token.revoked is None:
        AccessToken.objects.filter(id=token.id).update(revoked=timezone.now())
    return token


def token_find(raw: str) -> AccessToken | None:
    """The usable token with this secret (and its user), or None; notes when it was used."""
    token = AccessToken.objects.select_related("user").filter(token_hash=_hash(raw or "")).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(id=token.id).update(last_used=now)
    return token
