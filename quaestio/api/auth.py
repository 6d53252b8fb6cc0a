"""Access tokens on API calls: optional on reads (they personalise `upvoted`...), required with
the write_access scope on writes. Never the session cookie, so CSRF does not apply."""

from __future__ import annotations

from quaestio.api.errors import AccessDenied, AccessTokenRequired, InvalidAccessToken
from quaestio.api.http import ApiRequest
from quaestio.api.models import Scope
from quaestio.api.services import token_find


def _attach(api: ApiRequest, raw: str) -> None:
    token = token_find(raw)
    if token is None:
        raise InvalidAccessToken("access_token is invalid, expired or revoked")
    api.user = token.user
    api.scopes = frozenset(token.scope_list)
    api.out.viewer_id = token.user_id


def optional_token(api: ApiRequest) -> None:
    raw = api.query.get("access_token")
    if raw:
        _attach(api, raw)


def token_required(api: ApiRequest) -> None:
    raw = api.query.get("access_token")
    if not raw:
        raise AccessTokenRequired("this method requires an access_token")
    _attach(api, raw)


def write_token_required(api: ApiRequest) -> None:
    token_required(api)
    if Scope.WRITE_ACCESS not in api.scopes:
        raise AccessDenied("this method requires an access_token with the write_access scope")
