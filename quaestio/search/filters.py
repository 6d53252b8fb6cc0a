"""The structured half of a query as ORM conditions on the posts table.

Each filter becomes a Q; a -negated one is its negation. Who may see deleted posts is decided
here too, so no search path can forget it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from quaestio.accounts.models import User
from quaestio.moderation.models import PostNotice
from quaestio.posts.models import DUPLICATE_REASONS, Post, PostType
from quaestio.search.policies import can_see_deleted_posts
from quaestio.search.query import (
    Counter,
    DateField,
    DateFilter,
    DeletedMode,
    Filter,
    Flag,
    FlagFilter,
    InQuestionFilter,
    KindFilter,
    PostKind,
    RangeFilter,
    SearchQuery,
    SearchSyntaxError,
    SourceFilter,
    TagTerm,
    UserFilter,
)
from quaestio.sources.models import PostSource
from quaestio.tags.models import PostTag, Tag

SEARCHABLE_TYPES = (PostType.QUESTION, PostType.ANSWER)
COUNTER_COLUMNS = {
    Counter.SCORE: "score",
    Counter.ANSWERS: "answer_count",
    Counter.VIEWS: "view_count",
}
DATE_COLUMNS = {DateField.CREATED: "creation_date", DateField.LAST_ACTIVE: "last_activity_date"}


def _range(f: RangeFilter) -> Q:
    column = COUNTER_COLUMNS[f.counter]
    condition = Q(**{f"{column}__isnull": False})
    if f.low is not None:
        condition &= Q(**{f"{column}__gte": f.low})
    if f.high is not None:
        condition &= Q(**{f"{column}__lte": f.high})
    return condition


def _dates(f: DateFilter) -> Q:
    column = DATE_COLUMNS[f.date_field]
    condition = Q()
    if f.start is not None:
        condition &= Q(**{f"{column}__gte": f.start})
    if f.end is not None:
        condition &= Q(**{f"{column}__lt": f.end})
    return condition


def _flag(f: FlagFilter) -> Q:
    question = Q(post_type=PostType.QUESTION)
    answer = Q(post_type=PostType.ANSWER)
    if f.flag == Flag.CLOSED:
        condition = Q(closed_date__isnull=False)
    elif f.flag == Flag.DUPLICATE:
        condition = Q(closed_date__isnull=False, close_reason__in=DUPLICATE_REASONS)
    elif f.flag == Flag.LOCKED:
        condition = Q(locked_date__isnull=False)
    elif f.flag == Flag.WIKI:
        condition = Q(community_owned_date__isnull=False)
    elif f.flag == Flag.HAS_CODE:
        condition = Q(body__contains="<code")
    elif f.flag == Flag.HAS_NOTICE:  # a moderator's standing post notice (spec §7.10)
        condition = Q(Exists(PostNotice.objects.filter(post_id=OuterRef("id"), removed_date=None)))
    elif f.flag == Flag.HAS_SOURCE:  # a probe of post_source_position_uniq per post
        condition = Q(Exists(PostSource.objects.filter(post_id=OuterRef("id"))))
    elif f.flag == Flag.HAS_ACCEPTED:
        # Questions only, whichever the answer: "hasaccepted:no" lists unresolved questions.
        return question & Q(accepted_answer__isnull=not f.value)
    elif f.flag == Flag.IS_ACCEPTED:
        accepted = Post.objects.filter(accepted_answer_id__isnull=False).values(
            "accepted_answer_id"
        )
        return answer & (Q(id__in=accepted) if f.value else ~Q(id__in=accepted))
    else:  # IS_ANSWERED: an accepted answer, or an answer scored above zero
        good_answer = Post.objects.filter(
            parent_id=OuterRef("id"),
            post_type=PostType.ANSWER,
            score__gt=0,
            deletion_date__isnull=True,
        )
        answered = Q(accepted_answer__isnull=False) | Q(Exists(good_answer))
        return question & (answered if f.value else ~answered)
    return condition if f.value else ~condition


def _tag_names(names: tuple[str, ...], prefix: str = "tag__") -> Q:
    condition = Q()
    for name in names:
        if "*" in name:
            pattern = "^" + ".*".join(re.escape(part) for part in name.split("*")) + "$"
            condition |= Q(**{f"{prefix}name__regex": pattern})
        else:
            condition |= Q(**{f"{prefix}name": name})
    return condition


# A tag filter is answered one of two ways, chosen by how many questions carry the tags (their
# recomputable Tag.count; a stale count changes only the speed, never the results):
# - a small tag: the set of its questions and their answers, built from the tag's index, and
#   the search checks membership (cost grows with the tag);
# - a big tag: each candidate post asks the post-tag index whether its question has the tag,
#   one probe per post, stopping as soon as the page or pool is full (cost shrinks as the tag
#   grows). Measured at 1,000,000 posts on SQLite, `[tag] is:question answers:0`: 18,000
#   questions 33 ms as a set, 307 probed; 138,000 questions 133 ms as a set, 37 probed.
SMALL_TAG_QUESTIONS = 20_000


def _name_matcher(names: tuple[str, ...]):
    """The Python twin of _tag_names: does a tag name match one of these (exact or wildcard)?"""
    exact = {name for name in names if "*" not in name}
    patterns = [
        re.compile("^" + ".*".join(re.escape(part) for part in name.split("*")) + "$")
        for name in names
        if "*" in name
    ]
    return lambda tag: tag in exact or any(p.search(tag) for p in patterns)


def _tag_counts(terms: tuple[TagTerm, ...]) -> list[list[tuple[int, int]]]:
    """(id, count) of the tags each term names, from one query for all of them."""
    if not terms:
        return []
    every = tuple(name for term in terms for name in term.names)
    found = list(
        Tag.objects.filter(_tag_names(every, prefix="")).values_list("id", "name", "count")
    )
    per_term = []
    for term in terms:
        matches = _name_matcher(term.names)
        per_term.append([(tag_id, count) for tag_id, name, count in found if matches(name)])
    return per_term


def _tags(
    term: TagTerm,
    found: list[tuple[int, int]],
    kind: PostKind | None = None,
    probe: bool = False,
) -> tuple[Q, QuerySet | None]:
    """A question with the tag, or an answer to one: answers search under their question's tags.

    `found` holds the (id, count) of the tags the term names; `kind` is the post kind the
    query's other filters already insist on (is:question or is:answer), which spares building
    the other half of the set. Returns the condition, and for a small tag that is required
    (not -[tag]) the set of post ids as a query (see StructuredFilter.id_sets). With `probe`
    (the engine filters by tag itself, see StructuredFilter.tag_groups) a tag of any size is
    probed per post: the engine's matches are then few, and building the set costs far more.
    """
    tag_ids = [tag_id for tag_id, _count in found]
    id_set = None
    if not probe and sum(count for _id, count in found) <= SMALL_TAG_QUESTIONS:
        tagged = PostTag.objects.filter(tag_id__in=tag_ids).values("post_id")
        # One IN over "the questions UNION ALL their answers" (rather than `id IN … OR
        # parent_id IN …`, which PostgreSQL can only check row by row) lets the planner start
        # from the tag's few posts instead of scanning every post.
        answers = Post.objects.filter(parent_id__in=tagged).values("id")
        if kind == PostKind.QUESTION:
            id_set = tagged
        elif kind == PostKind.ANSWER:
            id_set = answers
        else:
            id_set = tagged.union(answers, all=True)
        condition = Q(id__in=id_set)
    else:
        # The question of a post: itself, or the one it answers.
        question_id = Coalesce(OuterRef("parent_id"), OuterRef("id"))
        condition = Q(Exists(PostTag.objects.filter(post_id=question_id, tag_id__in=tag_ids)))
    if term.negated:
        return ~condition, None
    return condition, id_set if tag_ids else None  # no such tag: the condition matches nothing


def filter_condition(f: Filter, viewer: User | None, context_question_id: int | None) -> Q:
    if isinstance(f, UserFilter):
        user_id = f.user_id
        if f.me:
            if viewer is None or not viewer.is_authenticated:
                raise SearchSyntaxError("Log in to search your own posts with user:me.")
            user_id = viewer.id
        condition = Q(owner_id=user_id)
    elif isinstance(f, RangeFilter):
        condition = _range(f)
    elif isinstance(f, KindFilter):
        kind = PostType.QUESTION if f.kind == PostKind.QUESTION else PostType.ANSWER
        condition = Q(post_type=kind)
    elif isinstance(f, FlagFilter):
        condition = _flag(f)
    elif isinstance(f, InQuestionFilter):
        question_id = f.question_id
        if f.this:
            if context_question_id is None:
                raise SearchSyntaxError(
                    "inquestion:this works from a question's page; elsewhere give its id, "
                    "as in inquestion:1234."
                )
            question_id = context_question_id
        condition = Q(id=question_id) | Q(parent_id=question_id)
    elif isinstance(f, SourceFilter):
        # post_source_domain_idx (domain, post): the probe and the domain's posts, index only.
        cites = PostSource.objects.filter(domain=f.domain, post_id=OuterRef("id"))
        condition = Q(Exists(cites))
    else:
        condition = _dates(f)
    return ~condition if f.negated else condition


def visibility(mode: DeletedMode, viewer: User | None) -> Q:
    """Searchable posts the viewer may see: deleted ones only on request, and only to the
    privileged (spec §7.6) or, for their own posts, to their owners."""
    live = Q(deletion_date__isnull=True) & ~Q(parent__deletion_date__isnull=False)
    condition = Q(post_type__in=SEARCHABLE_TYPES)
    if mode == DeletedMode.NO:
        return condition & live
    signed_in = viewer is not None and viewer.is_authenticated
    if signed_in and can_see_deleted_posts(viewer):
        # (An empty Q would vanish from `live | Q()`, so the privileged case is spelt out.)
        return condition & ~live if mode == DeletedMode.YES else condition
    if signed_in:
        own = Q(owner_id=viewer.id)
    else:
        own = Q(pk__isnull=True)  # no row: anonymous readers see no deleted post
    if mode == DeletedMode.YES:
        return condition & ~live & own
    return condition & (live | own)


@dataclass(frozen=True)
class StructuredFilter:
    condition: Q  # every post the query's filters let through (and the viewer may see)
    # Queries of post ids every result is among (a small required tag's posts): an engine can
    # test its matches against them before reading any post row. Implied by `condition`, so
    # using them or not never changes results.
    id_sets: tuple[QuerySet, ...] = ()
    # With engine_tags: for each required [tag] term, the ids of the tags it names; every result
    # (or its question) carries one of each group. Implied by `condition`, like id_sets.
    tag_groups: tuple[tuple[int, ...], ...] = ()
    # With engine_tags: the [start, end) intervals of required created: filters (None is open),
    # for an engine that keeps each post's creation date. Implied by `condition` too.
    created: tuple[tuple[object, object], ...] = ()
    # With engine_tags: the [low, high] ranges of required score: filters (None is open), for
    # an engine that keeps each post's score. Implied by `condition` too.
    scores: tuple[tuple[int | None, int | None], ...] = ()


def structured_filter(
    query: SearchQuery,
    viewer: User | None,
    context_question_id: int | None = None,
    engine_tags: bool = False,
) -> StructuredFilter:
    """`engine_tags`: the search engine will filter its matches by tag (tag_groups), so tags
    are checked per post here rather than built into id sets."""
    condition = visibility(query.deleted, viewer)
    kinds = {f.kind for f in query.filters if isinstance(f, KindFilter) and not f.negated}
    kind = next(iter(kinds)) if len(kinds) == 1 else None
    id_sets = []
    tag_groups = []
    for term, found in zip(query.tags, _tag_counts(query.tags), strict=True):
        tag_condition, id_set = _tags(term, found, kind, probe=engine_tags)
        condition &= tag_condition
        if id_set is not None:
            id_sets.append(id_set)
        if engine_tags and found and not term.negated:
            tag_groups.append(tuple(sorted(tag_id for tag_id, _count in found)))
    created = []
    scores = []
    for f in query.filters:
        condition &= filter_condition(f, viewer, context_question_id)
        if not engine_tags or f.negated:
            continue
        if isinstance(f, DateFilter) and f.date_field == DateField.CREATED:
            created.append((f.start, f.end))
        elif isinstance(f, RangeFilter) and f.counter == Counter.SCORE:
            scores.append((f.low, f.high))
    return StructuredFilter(
        condition, tuple(id_sets), tuple(tag_groups), tuple(created), tuple(scores)
    )
