"""Search: /search, /search/advanced, /search/excerpts and /similar.

The search room answers all four: the API turns its parameters into the room's typed query
(the words of `q` in the search box's syntax, the other parameters as the filters the box
would write), and `quaestio.search.selectors.matching` applies it; the API then sorts and pages
the matches. A query with words is answered from the engine's newest 500 matches, as the search
page is, and `relevance` keeps the engine's order. /similar takes its candidates from the same
selector as the ask page's similar questions.
"""

from __future__ import annotations

from quaestio.api import types
from quaestio.api.errors import BadParameter
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import MAX_TAGGED, Sort, boolean, integer, string_vector
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
from quaestio.core.errors import ValidationFailed
from quaestio.posts.models import PostType, parse_tags
from quaestio.search.parser import parse
from quaestio.search.query import (
    Counter,
    Field,
    Flag,
    FlagFilter,
    KindFilter,
    PostKind,
    RangeFilter,
    SearchQuery,
    TagTerm,
    Term,
    UserFilter,
)
from quaestio.search.selectors import excerpter, matching, similar_question_ids, with_search_rank

SEARCH_SORTS = {**POST_SORTS, "relevance": Sort("search_rank", "int")}
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
MAX_NOT_TAGGED = 100
# Similar questions a /similar call filters, sorts and pages: the best this many by title.
SIMILAR_CANDIDATES = 100
# Stack Exchange's API marks hits in excerpts so.
HIGHLIGHT = ('<span class="highlight">', "</span>")
FLAGS = (("accepted", Flag.HAS_ACCEPTED), ("closed", Flag.CLOSED), ("wiki", Flag.WIKI))
AT_LEAST = (("answers", Counter.ANSWERS), ("views", Counter.VIEWS))


def _tag_terms(api: ApiRequest) -> list[TagTerm]:
    """`tagged` (every one of up to five tags) and `nottagged` (none of them)."""
    terms = [
        TagTerm((name.lower(),))
        for name in string_vector(api.query.get("tagged"), "tagged", MAX_TAGGED)
    ]
    excluded = string_vector(api.query.get("nottagged"), "nottagged", MAX_NOT_TAGGED)
    if excluded:
        terms.append(TagTerm(tuple(name.lower() for name in excluded), negated=True))
    return terms


def _advanced_query(api: ApiRequest, kind: PostKind | None) -> SearchQuery:
    """The parameters of /search/advanced as the search room's query."""
    params = api.query
    raw = (params.get("q") or "").strip()
    try:
        typed = parse(raw)
    except ValidationFailed as error:
        raise BadParameter("q", error.message) from None
    text = list(typed.text)
    for name, field in (("title", Field.TITLE), ("body", Field.BODY)):
        text += [Term(word, field) for word in (params.get(name) or "").split()]
    if params.get("url"):
        text.append(Term(params["url"], Field.URL))
    filters = list(typed.filters)
    for name, flag in FLAGS:
        value = boolean(params, name)
        if value is not None:
            filters.append(FlagFilter(flag, value))
    for name, counter in AT_LEAST:
        low = integer(params, name, low=0)
        if low is not None:
            filters.append(RangeFilter(counter, low, None))
    user = integer(params, "user")
    if user is not None:
        filters.append(UserFilter(user))
    if kind is not None:
        filters.append(KindFilter(kind))
    # Deleted posts are never listed by the API, whatever `q` asks.
    return SearchQuery(raw, tuple(text), (*typed.tags, *_tag_terms(api)), tuple(filters))


def _matching(api: ApiRequest, query: SearchQuery, posts):
    try:
        return matching(query, posts, viewer=api.user)
    except ValidationFailed as error:  # user:me without a user, inquestion:this
        raise BadParameter("q", error.message) from None


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
    text = (Term(intitle, Field.TITLE, phrase=True),) if intitle else ()
    query = SearchQuery(intitle, text, tuple(_tag_terms(api)), (KindFilter(PostKind.QUESTION),))
    return question_page(api, _matching(api, query, live_questions()), SEARCH_SORTS, "activity")


@endpoint(
    "search/advanced",
    "question",
    "Questions matching a query and criteria.",
    sorts=tuple(SEARCH_SORTS),
    params=ADVANCED_PARAMS,
)
def advanced(api: ApiRequest) -> Result:
    query = _advanced_query(api, PostKind.QUESTION)
    return question_page(api, _matching(api, query, live_questions()), SEARCH_SORTS, "activity")


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
    ids = similar_question_ids(title, SIMILAR_CANDIDATES)
    queryset = with_search_rank(tagged(live_questions().filter(id__in=ids), api), ids)
    return question_page(api, queryset, SEARCH_SORTS, "relevance")


@endpoint(
    "search/excerpts",
    "search_excerpt",
    "Questions and answers matching a query, with highlighted excerpts.",
    sorts=tuple(SEARCH_SORTS),
    params=ADVANCED_PARAMS,
)
def excerpts(api: ApiRequest) -> Result:
    query = _advanced_query(api, None)
    rows, has_more, count = page_of(
        _matching(api, query, live_posts()), api, SEARCH_SORTS, "activity"
    )
    related = load_related(api, answers=[p for p in rows if p.post_type == PostType.ANSWER])
    excerpt = excerpter(query, HIGHLIGHT)
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
            "excerpt": str(excerpt(post.body)),
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
