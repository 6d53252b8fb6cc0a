"""Reads: the search results page, similar questions while asking, the Related sidebar."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from markupsafe import Markup

from quaestio.accounts.models import User
from quaestio.accounts.selectors import Card, person_card
from quaestio.posts.models import Post, PostType, parse_tags
from quaestio.search import meaning
from quaestio.search.backends import get_backend
from quaestio.search.backends.base import PoolRow, SearchBackend
from quaestio.search.filters import structured_filter
from quaestio.search.highlight import MARKS, Highlighter
from quaestio.search.models import SearchWord
from quaestio.search.parser import parse
from quaestio.search.plan import (
    MAX_EXPANSION,
    Excluding,
    TextPlan,
    all_of,
    any_of,
    highlight_terms,
    plan_text,
    similar_title_tokens,
)
from quaestio.search.query import SearchQuery
from quaestio.search.text import STOP_WORDS, plain_text, stem, words

SORTS = {"relevance": "Relevance", "newest": "Newest", "active": "Active", "votes": "Score"}
DEFAULT_SORT = "relevance"
PAGE_SIZE = 15
# Stack Exchange shows anonymous searchers at most 500 results (spec §8.2).
ANONYMOUS_RESULT_CAP = 500
SIGNED_IN_RESULT_CAP = 5000
# Ranking or sorting every match of a common word costs time in proportion to its matches
# (bm25 or ts_rank per post, a posts-row read per post). A search with more matching posts than
# this (after its filters) ranks and sorts only the newest this many of them (see pool_rows).
MATCH_POOL = 500  # also the most results Stack Exchange shows an anonymous reader
# Orders of pool rows, all descending; ties go to the newer post as in ORM_ORDERS.
POOL_ORDERS = {
    "relevance": lambda row: (row.rank, row.id),
    "newest": lambda row: (row.creation_date, row.id),
    "active": lambda row: (row.last_activity_date, row.id),
    "votes": lambda row: (row.score, row.id),
}
ORM_ORDERS = {
    "newest": ("-creation_date", "-id"),
    "active": ("-last_activity_date", "-id"),
    "votes": ("-score", "-id"),
    # Without words to rank by, "relevance" lists the newest first.
    "relevance": ("-creation_date", "-id"),
}
SIMILAR_COLUMNS = (
    "id",
    "title",
    "score",
    "answer_count",
    "accepted_answer_id",
    "closed_date",
    "creation_date",
    "tags",
    "close_reason",
)
# The Related sidebar shows less than Similar, and each column costs on every question page view.
RELATED_COLUMNS = ("id", "title", "score", "accepted_answer_id")


def expand_wildcard(pattern: str) -> list[str]:
    """Vocabulary words matching a pattern with * anywhere (`ex*nge`, `*graphy`)."""
    parts = pattern.split("*")
    words = SearchWord.objects.all()
    if parts[0]:
        words = words.filter(word__startswith=parts[0])
    if parts[-1]:
        words = words.filter(word__endswith=parts[-1])
    matcher = re.compile("^" + ".*".join(re.escape(part) for part in parts) + "$")
    found: list[str] = []
    # Matched in Python so SQLite and PostgreSQL agree on what the pattern means.
    for word in words.order_by("word").values_list("word", flat=True).iterator():
        if matcher.match(word):
            found.append(word)
            if len(found) >= MAX_EXPANSION:
                break
    return found


@dataclass
class Hit:
    post: Post
    question: Post  # the post itself for a question; the question it answers for an answer
    owner: Card
    title: Markup
    excerpt: Markup

    @property
    def is_answer(self) -> bool:
        return self.post.post_type == PostType.ANSWER


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int
    capped: bool  # the count stopped at the cap: there may be more
    sort: str
    page: int
    page_size: int


@dataclass
class _Prepared:
    backend: SearchBackend
    plan: TextPlan
    condition: Q  # the posts the filters let through (less those with excluded words)
    posts: QuerySet  # the same posts
    id_sets: list[tuple[str, list]]  # see StructuredFilter.id_sets
    tag_groups: tuple[tuple[int, ...], ...]  # see StructuredFilter.tag_groups
    created: tuple[tuple[object, object], ...]  # see StructuredFilter.created
    scores: tuple[tuple[int | None, int | None], ...]  # see StructuredFilter.scores


def _prepare(query: SearchQuery, viewer: User | None, context_question_id: int | None) -> _Prepared:
    backend = get_backend()
    plan = plan_text(query, expand_wildcard)
    # An engine that filters by tag does so only for a text search (the pool); a search
    # without words is the ORM's alone.
    engine_tags = backend.filters_tags and bool(plan.required)
    structured = structured_filter(query, viewer, context_question_id, engine_tags=engine_tags)
    condition = structured.condition
    if plan.excluded and not plan.required:
        # Nothing to match, only words to avoid: the engine lists those posts to leave out.
        sql, params = backend.match_ids_sql(any_of(plan.excluded))
        condition &= ~Q(id__in=RawSQL(sql, params))
    id_sets = []
    for id_set in structured.id_sets:
        sql, params = id_set.query.sql_with_params()
        id_sets.append((sql, list(params)))
    return _Prepared(
        backend,
        plan,
        condition,
        Post.objects.filter(condition),
        id_sets,
        structured.tag_groups,
        structured.created,
        structured.scores,
    )


def _text_node(plan: TextPlan):
    """What the engine must match: the required words, less the excluded ones."""
    node = all_of(plan.required)
    return Excluding(node, any_of(plan.excluded)) if plan.excluded else node


def _base_sql(posts: QuerySet) -> tuple[str, list]:
    sql, params = (
        posts.values("id", "creation_date", "last_activity_date", "score")
        .order_by()
        .query.sql_with_params()
    )
    return sql, list(params)


def search_ids(
    query: SearchQuery | str,
    *,
    viewer: User | None = None,
    sort: str = DEFAULT_SORT,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    cap: int = SIGNED_IN_RESULT_CAP,
    context_question_id: int | None = None,
) -> tuple[list[int], int]:
    """Ids of one page of results in order, and the total (counted up to cap)."""
    if isinstance(query, str):
        query = parse(query)
    sort = sort if sort in SORTS else DEFAULT_SORT
    prepared = _prepare(query, viewer, context_question_id)
    if prepared.plan.matches_nothing or query.is_empty:
        return [], 0
    if query.text and prepared.plan.is_empty and not (query.tags or query.filters):
        return [], 0  # only punctuation was typed: no words to look for
    limit = max(0, min(limit, cap - offset))
    if prepared.plan.required:
        rows = _pool(prepared, ranked=sort == "relevance")
        if rows is None:
            return [], 0
        rows.sort(key=POOL_ORDERS[sort], reverse=True)
        return [row.id for row in rows[offset : offset + limit]], min(len(rows), cap)
    # One query for the count and the page: the ids in order, up to the cap. (A count and a
    # page apart would each find every matching post, twice the work for a tag's posts.)
    ordered = prepared.posts.order_by(*ORM_ORDERS[sort]).values_list("id", flat=True)
    ids = list(ordered[:cap])
    return ids[offset : offset + limit], len(ids)


def _pool(prepared: _Prepared, ranked: bool) -> list[PoolRow] | None:
    """The engine's newest MATCH_POOL matches that pass the filters; None when the filters
    alone rule every post out."""
    try:
        base = _base_sql(prepared.posts)
    except EmptyResultSet:
        return None
    return prepared.backend.pool_rows(
        _text_node(prepared.plan),
        base,
        MATCH_POOL,
        prepared.id_sets,
        tag_groups=prepared.tag_groups,
        created=prepared.created,
        ranked=ranked,
        scores=prepared.scores,
    )


def matching(query: SearchQuery, posts: QuerySet[Post], viewer: User | None = None) -> QuerySet:
    """`posts` narrowed to those the query finds, annotated with `search_rank` (higher is
    better), for a reader that sorts and pages them itself (the API).

    The filters are the search page's. A query with words is answered as the search page
    answers it, from the engine's newest MATCH_POOL matches (so at most that many posts), and
    search_rank keeps the engine's relevance order; without words every post's search_rank
    is 0 and the filters alone decide, with no cap.
    """
    prepared = _prepare(query, viewer, None)
    if prepared.plan.matches_nothing:
        return with_search_rank(posts.none(), [])
    if not prepared.plan.required:
        return with_search_rank(posts.filter(prepared.condition), [])
    rows = _pool(prepared, ranked=True) or []
    rows.sort(key=POOL_ORDERS["relevance"], reverse=True)
    ids = [row.id for row in rows]
    return with_search_rank(posts.filter(id__in=ids), ids)


def with_search_rank(posts: QuerySet, ids: list[int]) -> QuerySet:
    """`search_rank` annotated on posts: the first of `ids` highest, posts not among them 0."""
    if not ids:
        return posts.annotate(search_rank=Value(0, output_field=IntegerField()))
    ranks = [When(id=post_id, then=Value(len(ids) - n)) for n, post_id in enumerate(ids)]
    return posts.annotate(search_rank=Case(*ranks, default=Value(0), output_field=IntegerField()))


def excerpter(query: SearchQuery, marks: tuple[str, str] = MARKS) -> Callable[[str], Markup]:
    """A post body's HTML -> the search page's excerpt of it, the query's words marked with
    `marks` (an opening and a closing tag)."""
    highlighter = Highlighter(*highlight_terms(plan_text(query, expand_wildcard)), marks=marks)
    return lambda body_html: highlighter.excerpt(plain_text(body_html))


def search(
    query: SearchQuery | str,
    *,
    viewer: User | None = None,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    context_question_id: int | None = None,
) -> SearchResults:
    """One page of results with highlighted titles and excerpts, in five queries at most."""
    if isinstance(query, str):
        query = parse(query)
    sort = sort if sort in SORTS else DEFAULT_SORT
    signed_in = viewer is not None and viewer.is_authenticated
    cap = SIGNED_IN_RESULT_CAP if signed_in else ANONYMOUS_RESULT_CAP
    page = max(1, page)
    ids, total = search_ids(
        query,
        viewer=viewer,
        sort=sort,
        limit=page_size,
        offset=(page - 1) * page_size,
        cap=cap,
        context_question_id=context_question_id,
    )
    plan = plan_text(query, expand_wildcard)
    return SearchResults(
        query=query,
        hits=_hits(ids, plan),
        total=total,
        # Text searches stop counting at the pool (see pool_rows), filter-only ones at the cap.
        capped=total >= cap or bool(plan.required and total >= MATCH_POOL),
        sort=sort,
        page=page,
        page_size=page_size,
    )


def _hits(ids: list[int], plan: TextPlan) -> list[Hit]:
    if not ids:
        return []
    # Posts and the questions answers belong to, in one query.
    parent_fields = (
        "title",
        "tags",
        "closed_date",
        "close_reason",
        "accepted_answer_id",
        "answer_count",
        "score",
    )
    posts = {
        p.id: p
        for p in Post.objects.filter(id__in=ids)
        .select_related("parent")
        .only(
            *(f.attname for f in Post._meta.concrete_fields if f.name != "body_markdown"),
            "parent__id",
            *(f"parent__{name}" for name in parent_fields),
        )
    }
    parents = {p.parent_id: p.parent for p in posts.values() if p.parent_id}
    owner_ids = {p.owner_id for p in posts.values() if p.owner_id is not None}
    owners = {u.id: u for u in User.objects.filter(id__in=owner_ids)}
    highlighter = Highlighter(*highlight_terms(plan))
    hits = []
    for post_id in ids:
        post = posts.get(post_id)
        if post is None:  # deleted between the two queries
            continue
        question = parents.get(post.parent_id, post) if post.parent_id else post
        owner = owners.get(post.owner_id)
        hits.append(
            Hit(
                post=post,
                question=question,
                owner=person_card(owner, post.owner_display_name),
                title=highlighter.mark(question.title),
                excerpt=highlighter.excerpt(plain_text(post.body)),
            )
        )
    return hits


@dataclass(slots=True)
class SimilarRow:
    """A question as Similar lists it (the columns of SIMILAR_COLUMNS)."""

    id: int
    title: str
    score: int
    answer_count: int | None
    accepted_answer_id: int | None
    closed_date: object  # only tested for presence
    creation_date: object
    tags: str
    close_reason: int | None  # with closed_date, what posts.models.title_suffix reads


@dataclass(slots=True)
class RelatedRow:
    """A question as the Related sidebar lists it (the columns of RELATED_COLUMNS)."""

    id: int
    title: str
    score: int
    accepted_answer_id: int | None


def similar_questions(title: str, limit: int = 5) -> list[SimilarRow]:
    """Live questions whose titles share the most meaningful words with `title`, the rarer
    words weighing more (a fixed few queries, see _similar_rows), and, with QUAESTIO_MEANING
    on, those whose titles mean the same (search/meaning.py)."""
    return [SimilarRow(*row) for row in _similar_rows(title, limit)]


def similar_question_ids(title: str, limit: int) -> list[int]:
    """The ids of similar_questions, best first: for a reader that filters, sorts and pages
    them itself (the API's /similar)."""
    return [row[0] for row in _similar_rows(title, limit)]


# Similar's candidates: the newest SIMILAR_PER_WORD titles holding each of the title's words
# (at most 12 words), read by the engine without reading all the posts of a common word.
SIMILAR_PER_WORD = 100
SIMILAR_RESCORED = 60


def _word_weight(titles_holding: int) -> float:
    """A word shared by few titles says more (an inverse document frequency; the counts of
    common words are capped by the engine's read, which only flattens their low weight)."""
    return math.log(1 + 1_000_000 / (1 + titles_holding))


def _similar_rows(title: str, limit: int) -> list[tuple]:
    """SIMILAR_COLUMNS of the live questions most like `title`: by words (_word_ranked), fused
    with the nearest by meaning when QUAESTIO_MEANING is on (search/meaning.py)."""
    if limit <= 0:
        return []
    if meaning.enabled():
        chosen = meaning.fused(title, _word_ranked(title, meaning.FUSION_DEPTH), limit)
    else:
        chosen = _word_ranked(title, limit)
    # Only the chosen few rows whole: parsing every candidate's dates cost more CPU than a
    # second lookup by primary key.
    rows = {row[0]: row for row in Post.objects.filter(id__in=chosen).values_list(*SIMILAR_COLUMNS)}
    return [rows[post_id] for post_id in chosen if post_id in rows]


def _word_ranked(title: str, limit: int) -> list[int]:
    """The ids of the live questions whose titles share the most weighty words with `title`,
    best first: candidates from the engine's bounded read per word (backends'
    title_probes_sql), scored on their titles. Its cost does not grow with the site: an OR of
    the title's words over the whole index read every post holding any of them."""
    tokens = similar_title_tokens(title)
    if not tokens:
        return []
    counts, probes, params = get_backend().title_probes_sql(tokens, SIMILAR_PER_WORD)
    if not probes:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_candidates_sql(probes), params)
        found = cursor.fetchall()  # (k, id, title) per word a candidate was found for
    if counts is None:  # what the engine read of each word is its count (capped)
        counts = Counter(tokens[k] for k, _, _ in found)
    weights = {token: _word_weight(counts.get(token, 0)) for token in tokens}
    titles, first_pass = {}, {}
    for k, post_id, title in found:
        titles[post_id] = title
        first_pass[post_id] = first_pass.get(post_id, 0.0) + weights[tokens[k]]
    # A common word's read may stop before an older candidate holding it: the best by the
    # words they were found for are scored again on every word of their titles (stemming
    # every candidate's title cost more than the database's reads).
    best = sorted(first_pass, key=lambda i: (first_pass[i], i), reverse=True)[:SIMILAR_RESCORED]
    scored = []
    for post_id in best:
        shared = set(tokens) & _title_stems(titles[post_id])
        if shared:
            scored.append((sum(weights[t] for t in shared), post_id))
    return [post_id for _, post_id in sorted(scored, reverse=True)[:limit]]


def _candidates_sql(probes: str) -> str:
    """The live questions among the engine's candidates and their titles, in the same
    statement as the engine's reads."""
    return (
        f"SELECT c.k, p.id, p.title FROM ({probes}) c JOIN posts_post p ON p.id = c.id "
        f"WHERE p.post_type = {int(PostType.QUESTION)} AND p.deletion_date IS NULL"
    )


RELATED_PER_TAG = 40  # candidates per tag of the question: its newest questions


def related_questions(question, limit: int, cursor=None) -> list[RelatedRow]:
    """The question page's Related sidebar: among the newest RELATED_PER_TAG questions of each
    of the question's tags (at most five tags, so at most 200 candidates, read from the post
    tags' (tag, post) index), those sharing most meaningful title words with it, then the
    newest. One query, whose cost does not grow with the site: an OR of the title's words over
    the whole search index read every post carrying any of them (81 ms at 400,000 posts).
    On the given cursor when the caller's page shares one."""
    if cursor is None:
        with connection.cursor() as cursor:
            return related_questions(question, limit, cursor)
    wanted = _title_stems(question.title)
    names = parse_tags(question.tags or "")[:5]
    if limit <= 0 or not wanted or not names:
        return []
    cursor.execute(_related_sql(len(names)), [*names, question.id])
    scored = []
    for row in {row[0]: row for row in cursor.fetchall()}.values():
        shared = len(wanted & _title_stems(row[1]))
        if shared:
            scored.append((shared, row[0], row))
    scored.sort(reverse=True)
    return [RelatedRow(*row) for _, _, row in scored[:limit]]


def _title_stems(title: str) -> set[str]:
    return {stem(w) for w in words(title or "") if w not in STOP_WORDS}


@lru_cache(maxsize=8)
def _related_sql(tags: int) -> str:
    per_tag = (
        "SELECT c{n}.post_id FROM (SELECT pt.post_id FROM tags_posttag pt "
        "WHERE pt.tag_id = (SELECT t.id FROM tags_tag t WHERE t.name = %s) "
        f"ORDER BY pt.post_id DESC LIMIT {RELATED_PER_TAG}) c{{n}}"
    )
    candidates = " UNION ALL ".join(per_tag.format(n=n) for n in range(tags))
    columns = ", ".join(f"p.{c}" for c in RELATED_COLUMNS)
    return (
        f"SELECT {columns} FROM posts_post p WHERE p.id IN ({candidates}) "
        f"AND p.post_type = {int(PostType.QUESTION)} AND p.deletion_date IS NULL AND p.id <> %s"
    )
