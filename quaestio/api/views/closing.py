"""Closing: the reasons a question may be closed for (`/questions/{id}/close/options`)."""

from __future__ import annotations

from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import id_vector
from quaestio.api.registry import endpoint
from quaestio.api.types import Out
from quaestio.moderation.selectors import CloseOption, close_options
from quaestio.posts.models import Post, PostType


def flag_option(out: Out, option: CloseOption) -> dict:
    return out.emit(
        "flag_option",
        {
            "option_id": option.option_id,
            "title": option.title,
            "description": option.description,
            "dialog_title": option.title,
            "requires_comment": False,
            "requires_site": False,
            "requires_question_id": option.requires_question_id,
            "has_flagged": option.viewer_voted,
            "count": option.count,
            "sub_options": [flag_option(out, sub) for sub in option.sub_options] or None,
        },
    )


@endpoint(
    "questions/{id}/close/options",
    "flag_option",
    "The reasons a question can be closed for, with the votes cast for each.",
    paged=False,
)
def question_close_options(api: ApiRequest, id: str) -> Result:
    question_id = id_vector(id, "id")[0]
    if not Post.objects.filter(
        id=question_id, post_type=PostType.QUESTION, deletion_date__isnull=True
    ).exists():
        return Result([], False, 0)
    items = [flag_option(api.out, option) for option in close_options(question_id, api.user)]
    return Result(items, False, len(items))
