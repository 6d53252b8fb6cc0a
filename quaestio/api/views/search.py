"""Search: /search, /search/advanced, /search/excerpts and /similar.

The words of `q` go to the search room's engine when it is installed
(`quaestio.search.selectors.search_ids`: stemming, full-text index, relevance ranking, the same
result cap as the search page); the API then applies its own structured parameters, sorts and
paging to the matching ids, and `relevance` keeps the engine's order. Without the engine, words
match by case-insensitive containment on title and body, and `relevance` orders by score.
"""

from __future__ import annotations

import html
import re

from django.db.models import Case, IntegerField, Q, Value, When
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
RANKED_SORTS = {**POST_SORTS, "relevance": Sort("search_rank", "int")}
ENGINE_POOL = 500  # the most matches taken from the engine, as many as it shows a reader
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


def _engine():
    try:
        from quaestio.search.selectors import search_ids
    except ImportError:
        return None
    return search_ids


def _engine_matches(api: ApiRequest, text: str) -> list[int]:
    """Ids of the posts the engine finds for `text`, best first (its own cap applies)."""
    from quaestio.core.errors import ValidationFailed

    search_ids = _engine()
    try:
        ids, _total = search_ids(text, viewer=api.user, sort="relevance", limit=ENGINE_POOL)
    except ValidationFailed as error:
        raise BadParameter("q", error.message) from None
    return ids


def _by_rank(queryset, ids: list[int]):
    """Annotate `search_rank` (higher is better) so the relevance sort keeps the engine's order."""
    if not ids:
        return queryset.annotate(search_rank=Value(0, output_field=IntegerField()))
    ranks = [When(id=post_id, then=Value(len(ids) - n)) for n, post_id in enumerate(ids)]
    return queryset.annotate(
        search_rank=Case(*ranks, default=Value(0), output_field=IntegerField())
    )


def _advanced(api: ApiRequest, queryset, question_field: str = "id"):
    query = api.query
    text = (query.get("q") or "").strip()
    if text and _engine() is not None:
        ids = _engine_matches(api, text)
        queryset = _by_rank(queryset.filter(id__in=ids), ids)
    elif _words(text):
        queryset = queryset.filter(_text_match(_words(text)))
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
    return question_page(api, _advanced(api, live_questions()), _sorts(api), "activity")


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


def _sorts(api: ApiRequest) -> dict:
    engine_ranked = _engine() is not None and (api.query.get("q") or "").strip()
    return RANKED_SORTS if engine_ranked else SEARCH_SORTS


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
    rows, has_more, count = page_of(queryset, api, _sorts(api), "activity")
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
