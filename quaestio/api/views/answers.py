"""Answers: all, by ids, their comments and their questions."""

from __future__ import annotations

from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import id_vector
from quaestio.api.registry import endpoint
from quaestio.api.selectors import (
    POST_SORTS,
    live_answers,
    live_comments,
    live_questions,
)
from quaestio.api.views.questions import answer_page, comment_page, question_page
from quaestio.posts.models import PostType


@endpoint("answers", "answer", "All answers on the site.", sorts=tuple(POST_SORTS))
def answer_list(api: ApiRequest) -> Result:
    return answer_page(api, live_answers())


@endpoint(
    "answers/{ids}", "answer", "The answers identified by a set of ids.", sorts=tuple(POST_SORTS)
)
def answers_by_ids(api: ApiRequest, ids: str) -> Result:
    return answer_page(api, live_answers().filter(id__in=id_vector(ids)))


@endpoint(
    "answers/{ids}/comments",
    "comment",
    "The comments on a set of answers.",
    sorts=("creation", "votes"),
)
def answer_comments(api: ApiRequest, ids: str) -> Result:
    queryset = live_comments().filter(
        post_id__in=id_vector(ids),
        post__post_type=PostType.ANSWER,
        post__deletion_date__isnull=True,
    )
    return comment_page(api, queryset)


@endpoint(
    "answers/{ids}/questions",
    "question",
    "The questions a set of answers answer.",
    sorts=tuple(POST_SORTS),
)
def answer_questions(api: ApiRequest, ids: str) -> Result:
    parents = live_answers().filter(id__in=id_vector(ids)).values("parent_id")
    return question_page(api, live_questions().filter(id__in=parents))
