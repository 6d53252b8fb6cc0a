"""Questions: lists, by ids, their answers, comments, linked and related questions."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from quaestio.api import types
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import Sort, id_vector
from quaestio.api.registry import endpoint
from quaestio.api.selectors import (
    COMMENT_SORTS,
    POST_SORTS,
    answers_to,
    live_comments,
    live_questions,
    load_related,
    page_of,
    tagged,
    without_unwanted_bodies,
)
from quaestio.posts.models import PostLink, PostType
from quaestio.search.selectors import RELATED_PER_TAG
from quaestio.tags.lists import newest_post_ids
from quaestio.tags.models import PostTag
from quaestio.votes.models import Vote, VoteType

# hot, week and month order by score; week and month only look at questions asked in that time.
QUESTION_SORTS = {
    **POST_SORTS,
    "hot": Sort("score", "int"),
    "week": Sort("score", "int"),
    "month": Sort("score", "int"),
}
RANKED_SORTS = {**POST_SORTS, "rank": Sort("score", "int")}
LIST_PARAMS = ("tagged", "nottagged")


def question_page(api: ApiRequest, queryset, sorts=POST_SORTS, default="activity") -> Result:
    queryset = without_unwanted_bodies(queryset, api.out, "question")
    rows, has_more, count = page_of(queryset, api, sorts, default)
    related = load_related(api, questions=rows)
    return Result([types.question(api.out, q, related) for q in rows], has_more, count)


def answer_page(api: ApiRequest, queryset) -> Result:
    queryset = without_unwanted_bodies(queryset, api.out, "answer")
    rows, has_more, count = page_of(queryset, api, POST_SORTS, "activity")
    related = load_related(api, answers=rows)
    return Result([types.answer(api.out, a, related) for a in rows], has_more, count)


@endpoint(
    "questions",
    "question",
    "All questions on the site.",
    sorts=tuple(QUESTION_SORTS),
    params=LIST_PARAMS,
)
def question_list(api: ApiRequest) -> Result:
    queryset = tagged(live_questions(), api)
    sort = api.query.get("sort")
    if sort in ("week", "month"):
        days = 7 if sort == "week" else 30
        queryset = queryset.filter(creation_date__gte=timezone.now() - timedelta(days=days))
    return question_page(api, queryset, QUESTION_SORTS)


@endpoint(
    "questions/{ids}",
    "question",
    "The questions identified by a set of ids.",
    sorts=tuple(POST_SORTS),
)
def questions_by_ids(api: ApiRequest, ids: str) -> Result:
    return question_page(api, live_questions().filter(id__in=id_vector(ids)))


@endpoint(
    "questions/unanswered",
    "question",
    "Questions with no upvoted or accepted answer.",
    sorts=tuple(POST_SORTS),
    params=LIST_PARAMS,
)
def unanswered(api: ApiRequest) -> Result:
    queryset = tagged(live_questions(), api).filter(
        has_positive_answer=False, accepted_answer__isnull=True, closed_date__isnull=True
    )
    return question_page(api, queryset)


@endpoint(
    "questions/no-answers",
    "question",
    "Questions with no answers at all.",
    sorts=tuple(POST_SORTS),
    params=LIST_PARAMS,
)
def no_answers(api: ApiRequest) -> Result:
    queryset = tagged(live_questions(), api).filter(
        Q(answer_count=0) | Q(answer_count__isnull=True)
    )
    return question_page(api, queryset)


@endpoint(
    "questions/featured",
    "question",
    "Questions with an active bounty.",
    sorts=tuple(POST_SORTS),
    params=LIST_PARAMS,
)
def featured(api: ApiRequest) -> Result:
    # A bounty runs seven days from its start vote unless a close vote ended it.
    running = Vote.objects.filter(
        post_id=OuterRef("pk"),
        vote_type=VoteType.BOUNTY_START,
        creation_date__gte=timezone.now() - timedelta(days=7),
    )
    closed = Vote.objects.filter(
        post_id=OuterRef("pk"),
        vote_type=VoteType.BOUNTY_CLOSE,
        creation_date__gte=timezone.now() - timedelta(days=7),
    )
    queryset = tagged(live_questions(), api).filter(Exists(running)).exclude(Exists(closed))
    return question_page(api, queryset)


@endpoint(
    "questions/{ids}/answers",
    "answer",
    "The answers to a set of questions.",
    sorts=tuple(POST_SORTS),
)
def question_answers(api: ApiRequest, ids: str) -> Result:
    return answer_page(api, answers_to(id_vector(ids)))


@endpoint(
    "questions/{ids}/comments",
    "comment",
    "The comments on a set of questions.",
    sorts=tuple(COMMENT_SORTS),
)
def question_comments(api: ApiRequest, ids: str) -> Result:
    queryset = live_comments().filter(
        post_id__in=id_vector(ids),
        post__post_type=PostType.QUESTION,
        post__deletion_date__isnull=True,
    )
    return comment_page(api, queryset)


def comment_page(api: ApiRequest, queryset) -> Result:
    rows, has_more, count = page_of(queryset, api, COMMENT_SORTS, "creation")
    related = load_related(api, comments=rows)
    return Result([types.comment(api.out, c, related) for c in rows], has_more, count)


@endpoint(
    "questions/{ids}/linked",
    "question",
    "Questions that link to a set of questions.",
    sorts=tuple(RANKED_SORTS),
)
def linked(api: ApiRequest, ids: str) -> Result:
    question_ids = id_vector(ids)
    incoming = PostLink.objects.filter(related_post_id__in=question_ids).values("post_id")
    queryset = live_questions().filter(id__in=incoming).exclude(id__in=question_ids)
    return question_page(api, queryset, RANKED_SORTS, "activity")


@endpoint(
    "questions/{ids}/related",
    "question",
    "Questions related to a set of questions (by shared tags).",
    sorts=tuple(RANKED_SORTS),
)
def related(api: ApiRequest, ids: str) -> Result:
    """Questions sharing tags with the given ones, ranked by how many they share. The
    candidates are the newest RELATED_PER_TAG questions of each of their tags (the question
    page's Related sidebar reads the same, search.selectors.related_questions), read from the
    post tags' (tag, post) index: counting every question of each tag grew with the tags'
    sizes (every `python` question for one of them)."""
    question_ids = id_vector(ids)
    tag_ids = sorted(
        set(PostTag.objects.filter(post_id__in=question_ids).values_list("tag_id", flat=True))
    )
    newest = newest_post_ids(tag_ids, RELATED_PER_TAG) if tag_ids else []
    candidates = {post_id for ids_ in newest for post_id in ids_ if post_id not in question_ids}
    queryset = (
        live_questions()
        .filter(id__in=candidates, post_tags__tag_id__in=tag_ids)
        .annotate(shared_tags=Count("post_tags"))
    )
    sorts = {**POST_SORTS, "rank": Sort("shared_tags", "int")}
    return question_page(api, queryset, sorts, "rank")
