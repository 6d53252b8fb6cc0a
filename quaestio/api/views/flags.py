"""Flags through the API (spec §7.8): `…/flags/options` lists the flags a question, answer or
comment takes for the token's user, `…/flags/add` raises one through the same services as the
flag dialogs (policies, allowance, the automatic outcomes).

"Needs improvement" is not offered here: on Stack Exchange's API a close flag names a close
reason, which `/questions/{id}/close/options` lists; the web dialog handles it.
"""

from __future__ import annotations

from quaestio.api.errors import BadParameter
from quaestio.api.http import ApiRequest, Result
from quaestio.api.registry import endpoint
from quaestio.api.types import Out
from quaestio.api.views.writes import (
    WRITE,
    answer_result,
    comment_result,
    one_id,
    post_kind,
    question_result,
    run,
)
from quaestio.comments.models import Comment
from quaestio.moderation import flags
from quaestio.moderation.models import Flag, FlagState
from quaestio.posts.models import PostType

# Stable numbers for the API's option_id (Stack Exchange numbers its flag options too).
OPTION_IDS = {
    "spam": 1,
    "rude": 2,
    "not_an_answer": 3,
    "very_low_quality": 4,
    "moderator": 6,
    "harassment": 11,
    "unfriendly": 12,
    "no_longer_needed": 13,
    "something_else": 14,
}
KIND_OF_OPTION = {number: key for key, number in OPTION_IDS.items()}


def _option(out: Out, kind: flags.FlagKind, flagged_kind: str | None) -> dict:
    return out.emit(
        "flag_option",
        {
            "option_id": OPTION_IDS[kind.key],
            "title": kind.title,
            "description": kind.description,
            "dialog_title": kind.title,
            "requires_comment": kind.needs_text,
            "requires_site": False,
            "requires_question_id": False,
            "has_flagged": flagged_kind == kind.key,
            "count": None,
            "sub_options": None,
        },
    )


def _post_options(api: ApiRequest, post_id: int, post_type: int) -> Result:
    post_kind(post_id, post_type)
    mine = (
        Flag.objects.filter(
            post_id=post_id, comment=None, user_id=api.user.id, state=FlagState.PENDING
        )
        .values_list("kind", flat=True)
        .first()
    )
    is_answer = post_type == PostType.ANSWER
    items = [
        _option(api.out, kind, mine)
        for kind in flags.POST_FLAGS
        if kind.key in OPTION_IDS and not (kind.answers_only and not is_answer)
    ]
    return Result(items, False, len(items))


def _kind(api: ApiRequest, allowed: dict) -> str:
    raw = api.query.get("option_id", "")
    key = KIND_OF_OPTION.get(int(raw)) if raw.isdigit() else None
    if key is None or key not in allowed:
        raise BadParameter("option_id", "option_id must be one of the flag options")
    return key


def _post_add(api: ApiRequest, post_id: int, post_type: int) -> Result:
    post_kind(post_id, post_type)
    kind = _kind(api, flags.POST_FLAGS_BY_KEY)

    def write() -> Result:
        flags.post_flag_raise(api.user, post_id, kind, api.query.get("comment", ""))
        if post_type == PostType.QUESTION:
            return question_result(api, post_id)
        return answer_result(api, post_id)

    return run(api, write)


OPTIONS = {"paged": False, "token": True}


@endpoint(
    "questions/{id}/flags/options",
    "flag_option",
    "The flags the token's user may raise on a question.",
    **OPTIONS,
)
def question_flag_options(api: ApiRequest, id: str) -> Result:
    return _post_options(api, one_id(id), PostType.QUESTION)


@endpoint(
    "answers/{id}/flags/options",
    "flag_option",
    "The flags the token's user may raise on an answer.",
    **OPTIONS,
)
def answer_flag_options(api: ApiRequest, id: str) -> Result:
    return _post_options(api, one_id(id), PostType.ANSWER)


@endpoint(
    "comments/{id}/flags/options",
    "flag_option",
    "The flags the token's user may raise on a comment.",
    **OPTIONS,
)
def comment_flag_options(api: ApiRequest, id: str) -> Result:
    comment_id = one_id(id)
    if not Comment.objects.filter(id=comment_id, deletion_date__isnull=True).exists():
        raise BadParameter("id", f"no comment with id {comment_id}")
    mine = (
        Flag.objects.filter(comment_id=comment_id, user_id=api.user.id, state=FlagState.PENDING)
        .values_list("kind", flat=True)
        .first()
    )
    items = [_option(api.out, kind, mine) for kind in flags.COMMENT_FLAGS]
    return Result(items, False, len(items))


@endpoint(
    "questions/{id}/flags/add",
    "question",
    "Flags a question.",
    params=("option_id", "comment", "preview"),
    required=("option_id",),
    **WRITE,
)
def question_flag_add(api: ApiRequest, id: str) -> Result:
    return _post_add(api, one_id(id), PostType.QUESTION)


@endpoint(
    "answers/{id}/flags/add",
    "answer",
    "Flags an answer.",
    params=("option_id", "comment", "preview"),
    required=("option_id",),
    **WRITE,
)
def answer_flag_add(api: ApiRequest, id: str) -> Result:
    return _post_add(api, one_id(id), PostType.ANSWER)


@endpoint(
    "comments/{id}/flags/add",
    "comment",
    "Flags a comment.",
    params=("option_id", "comment", "preview"),
    required=("option_id",),
    **WRITE,
)
def comment_flag_add(api: ApiRequest, id: str) -> Result:
    comment_id = one_id(id)
    kind = _kind(api, flags.COMMENT_FLAGS_BY_KEY)

    def write() -> Result:
        outcome = flags.comment_flag_raise(api.user, comment_id, kind, api.query.get("comment", ""))
        if outcome.action == "deleted":
            return Result([])
        return comment_result(api, comment_id)

    return run(api, write)
