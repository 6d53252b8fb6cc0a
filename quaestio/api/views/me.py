"""/me methods (the token's user) and access-token methods."""

from __future__ import annotations

from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import string_vector
from quaestio.api.registry import endpoint
from quaestio.api.services import token_find, token_revoke_by_secret
from quaestio.api.types import epoch
from quaestio.api.views.users import (
    USER_SORTS,
    badges_of_users,
    reputation,
    reputation_history,
    user_answers,
    user_comments,
    user_questions,
    user_tags,
    users_by_ids,
)


def _mine(view):
    def call(api: ApiRequest) -> Result:
        return view(api, str(api.user.id))

    call.__name__ = "me_" + view.__name__
    return call


for path, view, item_type, sorts in (
    ("me", users_by_ids, "user", tuple(USER_SORTS)),
    ("me/questions", user_questions, "question", ("activity", "creation", "votes")),
    ("me/answers", user_answers, "answer", ("activity", "creation", "votes")),
    ("me/comments", user_comments, "comment", ("creation", "votes")),
    ("me/badges", badges_of_users, "badge", ("rank", "name", "type", "awarded")),
    ("me/reputation", reputation, "reputation", ()),
    ("me/reputation-history", reputation_history, "reputation_history", ()),
    ("me/tags", user_tags, "tag", ("popular", "name")),
):
    endpoint(
        path,
        item_type,
        f"As /users/{{ids}}{path[2:]}, for the token's user.",
        sorts=sorts,
        token=True,
    )(_mine(view))


def _token_item(api: ApiRequest, raw: str) -> dict | None:
    token = token_find(raw)
    if token is None:
        return None
    return api.out.emit(
        "access_token",
        {
            "access_token": raw,
            "expires_on_date": epoch(token.expires),
            "account_id": token.user.account_id or token.user_id,
            "scope": token.scope_list,
        },
    )


@endpoint("access-tokens/{tokens}", "access_token", "Describes access tokens.", paged=False)
def describe_tokens(api: ApiRequest, tokens: str) -> Result:
    items = [_token_item(api, raw) for raw in string_vector(tokens, "tokens", 20)]
    return Result([item for item in items if item is not None])


@endpoint("access-tokens/{tokens}/invalidate", "access_token", "Ends access tokens.", paged=False)
def invalidate_tokens(api: ApiRequest, tokens: str) -> Result:
    items = []
    for raw in string_vector(tokens, "tokens", 20):
        item = _token_item(api, raw)
        if item is not None:
            token_revoke_by_secret(raw)
            items.append(item)
    return Result(items)
