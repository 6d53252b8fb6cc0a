"""Search: /search, /search/advanced, /search/excerpts and /similar.

Until the search room's engine is merged these match words with case-insensitive containment on
title and body through the ORM; `relevance` orders by score. The lead swaps `_text_match` and the
relevance ordering for the engine's query when it lands.
"""

from __future__ import annotations

import html
import re

from django.db.models import Q
from django.utils.html import strip_tags

from quaestio.api import types
from quaestio.api.errors import BadParameter
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import Sort, boolean, integer
from quaestio.api.registry import endpoint
from quaestio.api.selectors import (
    POST_SORTS,
    live_posts,
    live_questions,
    load_related,
    page_of,
    tagged,
)
from quaestio.api.views.questions import question_page
from quaestio.posts.models import PostType, parse_tags

SEARCH_SORTS = {**POST_SORTS, "relevance": Sort("score", "int")}
ADVANCED_PARAMS = (
    "q",
    "accepted",
    "answers",
    "body",
    "closed",
    "migrated",
    "notice",
    "nottagged",
    "tagged",
    "title",
    "user",
    "url",
    "views",
    "wiki",
)
MAX_WORDS = 8
_WORD = re.compile(r"\w[\w+#.-]*", re.UNICODE)
EXCERPT_CHARS = 240


def _words(text: str) -> list[str]:
    return _WORD.findall(text or "")[:MAX_WORDS]


def _text_match(words: list[str], *, in_title: bool = True, in_body: bool = True) -> Q:
    """Every word in the title or the body."""
    condition = Q()
    for word in words:
        either = Q()
        if in_title:
            either |= Q(title__icontains=word)
        if in_body:
            either |= Q(body__icontains=word)
        condition &= either
    return condition


@endpoint(
    "search",
    "question",
    "Questions whose titles contain a phrase, or carry tags.",
    sorts=tuple(SEARCH_SORTS),
    params=("intitle", "tagged", "nottagged"),
)
def search(api: ApiRequest) -> Result:
    intitle = (api.query.get("intitle") or "").strip()
    if not intitle and not api.query.get("tagged"):
        raise BadParameter("tagged", "one of tagged or intitle must be set")
    queryset = tagged(live_questions(), api)
    if intitle:
        queryset = queryset.filter(title__icontains=intitle)
    return question_page(api, queryset, SEARCH_SORTS, "activity")


def _advanced(api: ApiRequest, queryset, question_field: str = "id"):
    query = api.query
    words = _words(query.get("q", ""))
    if words:
        queryset = queryset.filter(_text_match(words))
    for name, kwargs in (("title", {"in_body": False}), ("body", {"in_title": False})):
        if query.get(name):
            queryset = queryset.filter(_text_match(_words(query[name]), **kwargs))
    accepted = boolean(query, "accepted")
    if accepted is not None:
        queryset = queryset.filter(accepted_answer__isnull=not accepted)
    closed = boolean(query, "closed")
    if closed is not None:
        queryset = queryset.filter(closed_date__isnull=not closed)
    wiki = boolean(query, "wiki")
    if wiki is not None:
        queryset = queryset.filter(community_owned_date__isnull=not wiki)
    answers = integer(query, "answers", low=0)
    if answers is not None:
        queryset = queryset.filter(answer_count__gte=answers)
    views = integer(query, "views", low=0)
    if views is not None:
        queryset = queryset.filter(view_count__gte=views)
    user = integer(query, "user")
    if user is not None:
        queryset = queryset.filter(owner_id=user)
    if query.get("url"):
        queryset = queryset.filter(body__icontains=query["url"].replace("*", ""))
    return tagged(queryset, api, question_field)


@endpoint(
    "search/advanced",
    "question",
    "Questions matching a query and criteria.",
    sorts=tuple(SEARCH_SORTS),
    params=ADVANCED_PARAMS,
)
def advanced(api: ApiRequest) -> Result:
    return question_page(api, _advanced(api, live_questions()), SEARCH_SORTS, "activity")


@endpoint(
    "similar",
    "question",
    "Questions with titles like a given title.",
    sorts=tuple(SEARCH_SORTS),
    params=("title", "tagged", "nottagged"),
)
def similar(api: ApiRequest) -> Result:
    title = (api.query.get("title") or "").strip()
    if not title:
        raise BadParameter("title", "title is required")
    # Any of the title's longer words: a title rarely repeats another word for word.
    words = [w for w in _words(title) if len(w) > 3] or _words(title)
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    queryset = tagged(live_questions(), api).filter(condition)
    return question_page(api, queryset, SEARCH_SORTS, "relevance")


def excerpt_of(body_html: str, words: list[str]) -> str:
    """Plain text around the first hit, hits wrapped in <span class="highlight">."""
    text = html.unescape(strip_tags(body_html or "")).replace("\n", " ")
    lowered = text.lower()
    hits = [lowered.find(w.lower()) for w in words]
    first = min((h for h in hits if h >= 0), default=0)
    start = max(0, first - EXCERPT_CHARS // 3)
    snippet = text[start : start + EXCERPT_CHARS]
    escaped = html.escape(snippet)
    for word in words:
        escaped = re.sub(
            re.escape(html.escape(word)),
            lambda m: f'<span class="highlight">{m.group(0)}</span>',
            escaped,
            flags=re.IGNORECASE,
        )
    return ("…" if start else "") + escaped + ("…" if start + EXCERPT_CHARS < len(text) else "")


@endpoint(
    "search/excerpts",
    "search_excerpt",
    "Questions and answers matching a query, with highlighted excerpts.",
    sorts=tuple(SEARCH_SORTS),
    params=ADVANCED_PARAMS,
)
def excerpts(api: ApiRequest) -> Result:
    # Tags, answer counts and the like belong to questions; answers are matched by their text.
    queryset = _advanced(api, live_posts(), "id")
    rows, has_more, count = page_of(queryset, api, SEARCH_SORTS, "activity")
    related = load_related(api, answers=[p for p in rows if p.post_type == PostType.ANSWER])
    words = _words(" ".join(api.query.get(k, "") for k in ("q", "title", "body")))
    items = []
    for post in rows:
        is_question = post.post_type == PostType.QUESTION
        question = post if is_question else related.questions.get(post.parent_id)
        values = {
            "item_type": "question" if is_question else "answer",
            "question_id": post.id if is_question else post.parent_id,
            "answer_id": None if is_question else post.id,
            "title": question.title if question is not None else None,
            "body": post.body,
            "excerpt": excerpt_of(post.body, words),
            "score": post.score,
            "question_score": question.score if question is not None and is_question else None,
            "tags": parse_tags(question.tags) if question is not None else [],
            "is_answered": bool(post.accepted_answer_id) if is_question else None,
            "has_accepted_answer": bool(post.accepted_answer_id) if is_question else None,
            "is_accepted": None
            if is_question
            else bool(question is not None and question.accepted_answer_id == post.id),
            "answer_count": post.answer_count if is_question else None,
            "creation_date": types.epoch(post.creation_date),
            "last_activity_date": types.epoch(post.last_activity_date),
            "closed_date": types.epoch(post.closed_date),
            "community_owned_date": types.epoch(post.community_owned_date),
            "locked_date": types.epoch(post.locked_date),
        }
        items.append(api.out.emit("search_excerpt", values))
    return Result(items, has_more, count)
