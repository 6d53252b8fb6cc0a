"""Reads shaped for the API: filter, sort and page a queryset, then load everything the page's
items name (owners, nested answers and comments, vote counts, parent questions) in one query
each, so a list costs the same number of queries whatever its page size."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import BooleanField, Count, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.api.errors import BadParameter
from quaestio.api.http import ApiRequest
from quaestio.api.params import MAX_TAGGED, Sort, epoch, ordering, string_vector
from quaestio.api.types import Out, Related
from quaestio.comments.models import Comment
from quaestio.posts.models import Post, PostType
from quaestio.tags.models import PostTag
from quaestio.votes.models import Vote, VoteType

POST_SORTS = {
    "activity": Sort("last_activity_date", "date"),
    "creation": Sort("creation_date", "date"),
    "votes": Sort("score", "int"),
}
COMMENT_SORTS = {"creation": Sort("creation_date", "date"), "votes": Sort("score", "int")}


# What a shallow_user shows: owners and editors need no more of the user row.
SHALLOW_USER_COLUMNS = (
    "id",
    "display_name",
    "reputation",
    "is_moderator",
    "profile_image_url",
    "account_id",
    "gold_badges",
    "silver_badges",
    "bronze_badges",
    "suspended_until",  # a suspended user's reputation shows as 1, as on the site's pages
)


# "Has an upvoted live answer", per question row. Written out rather than as Exists(): given
# EXISTS, PostgreSQL may plan it as a hash of every upvoted answer on the site, built before the
# LIMIT is applied (it estimates rows as if the whole list were read): 96 ms at 42,000 posts,
# growing with the site, against 0.5 ms probing the parent index for the page's rows. An
# OFFSET in the subquery keeps PostgreSQL from turning the EXISTS into that hashed IN.
POSITIVE_ANSWER_SQL = (
    "EXISTS (SELECT 1 FROM posts_post u WHERE u.parent_id = posts_post.id "
    f"AND u.post_type = {int(PostType.ANSWER)} AND u.score > 0 AND u.deletion_date IS NULL "
    "LIMIT 1 OFFSET 0)"
)


def live_questions() -> QuerySet[Post]:
    """Questions with `has_positive_answer` annotated, for `is_answered` (no extra query)."""
    return Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True).annotate(
        has_positive_answer=RawSQL(POSITIVE_ANSWER_SQL, (), output_field=BooleanField())
    )


def live_answers() -> QuerySet[Post]:
    return Post.objects.filter(post_type=PostType.ANSWER, deletion_date__isnull=True)


def answers_to(question_ids: list[int]) -> QuerySet[Post]:
    """Live answers to these questions. Only answers have a parent, so the query filters on the
    parent alone: with post_type in it too, SQLite picks the post-type index and reads every
    answer on the site (measured: 150 ms against 15 ms for 300 answers among 15,000)."""
    return Post.objects.filter(parent_id__in=question_ids, deletion_date__isnull=True)


def live_posts() -> QuerySet[Post]:
    return Post.objects.filter(
        post_type__in=(PostType.QUESTION, PostType.ANSWER), deletion_date__isnull=True
    )


# A comment's post, read per comment rather than joined: given the join, SQLite builds a Bloom
# filter over every post before the LIMIT (170-380 ms for /2.3/comments at 400,000 posts),
# where a probe of the page's own posts by primary key costs 0.2 ms. OFFSET 0 keeps PostgreSQL
# from turning the EXISTS into a hashed semi-join of every post (POSITIVE_ANSWER_SQL).
COMMENT_POST_TYPE_SQL = (
    "SELECT p.post_type FROM posts_post p WHERE p.id = comments_comment.post_id LIMIT 1"
)
COMMENT_ON_LIVE_POST_SQL = (
    "EXISTS (SELECT 1 FROM posts_post p WHERE p.id = comments_comment.post_id "
    "AND p.deletion_date IS NULL LIMIT 1 OFFSET 0)"
)


def live_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(deletion_date__isnull=True).annotate(
        post_type_value=Coalesce(RawSQL(COMMENT_POST_TYPE_SQL, (), output_field=IntegerField()), 0)
    )


def live_comments_on_live_posts() -> QuerySet[Comment]:
    return (
        live_comments()
        .annotate(on_live_post=RawSQL(COMMENT_ON_LIVE_POST_SQL, (), output_field=BooleanField()))
        .filter(on_live_post=True)
    )


def without_unwanted_bodies(queryset: QuerySet, out: Out, type_: str) -> QuerySet:
    deferred = [name for name in ("body", "body_markdown") if not out.wants(type_, name)]
    return queryset.defer(*deferred) if deferred else queryset


def tagged(queryset: QuerySet[Post], api: ApiRequest, field: str = "id") -> QuerySet[Post]:
    """`tagged` (AND of up to five tags) and `nottagged` on questions (or answers' parents)."""
    for name in string_vector(api.query.get("tagged"), "tagged", MAX_TAGGED):
        queryset = queryset.filter(
            **{f"{field}__in": PostTag.objects.filter(tag__name=name.lower()).values("post_id")}
        )
    excluded = string_vector(api.query.get("nottagged"), "nottagged", 100)
    if excluded:
        queryset = queryset.exclude(
            **{
                f"{field}__in": PostTag.objects.filter(
                    tag__name__in=[n.lower() for n in excluded]
                ).values("post_id")
            }
        )
    return queryset


def date_window(queryset: QuerySet, api: ApiRequest, field: str = "creation_date") -> QuerySet:
    start, end = epoch(api.query, "fromdate"), epoch(api.query, "todate")
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lte": end})
    return queryset


def page_of(
    queryset: QuerySet,
    api: ApiRequest,
    sorts: dict[str, Sort],
    default_sort: str,
    *,
    date_field: str = "creation_date",
    max_page_size: int = 100,
):
    """(rows, has_more, count) for the requested sort, bounds, window and page."""
    order = ordering(api.query, sorts, default_sort)
    queryset = date_window(queryset, api, date_field)
    if order.spec is not None:
        if order.low is not None:
            queryset = queryset.filter(**{f"{order.spec.field}__gte": order.low})
        if order.high is not None:
            queryset = queryset.filter(**{f"{order.spec.field}__lte": order.high})
        sign = "-" if order.descending else ""
        queryset = queryset.order_by(f"{sign}{order.spec.field}", f"{sign}pk")
    page = api.paging(max_page_size)
    # One row more than asked says whether there is a next page, without counting.
    rows = list(queryset[page.offset : page.offset + page.page_size + 1])
    has_more = len(rows) > page.page_size
    return rows[: page.page_size], has_more, queryset.count


def load_related(
    api: ApiRequest,
    *,
    questions: list[Post] = (),
    answers: list[Post] = (),
    posts: list[Post] = (),
    comments: list[Comment] = (),
) -> Related:
    """Everything the items' serialisers name, one query per kind of row."""
    out = api.out
    related = Related()
    questions, answers, posts, comments = (
        list(questions),
        list(answers),
        list(posts),
        list(comments),
    )
    nested_answers: list[Post] = []
    if questions and out.wants("question", "answers"):
        nested_answers = list(
            without_unwanted_bodies(answers_to([q.id for q in questions]), out, "answer").order_by(
                "-score", "creation_date", "id"
            )
        )
        related.answers_by_question = {q.id: [] for q in questions}
        for row in nested_answers:
            related.answers_by_question[row.parent_id].append(row)
    all_answers = answers + nested_answers + [p for p in posts if p.post_type == PostType.ANSWER]
    all_posts = questions + all_answers + [p for p in posts if p.post_type == PostType.QUESTION]

    commented = (
        ([q.id for q in questions] if out.wants("question", "comments") else [])
        + ([a.id for a in all_answers] if out.wants("answer", "comments") else [])
        + ([p.id for p in posts] if out.wants("post", "comments") else [])
    )
    if commented:
        nested_comments = list(
            live_comments().filter(post_id__in=commented).order_by("creation_date", "id")
        )
        for row in nested_comments:
            related.comments_by_post.setdefault(row.post_id, []).append(row)
        comments = comments + nested_comments

    if (
        all_posts
        and out.wants_any(("question", "answer", "post"), "up_vote_count")
        or (all_posts and out.wants_any(("question", "answer", "post"), "down_vote_count"))
    ):
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for post_id, vote_type, n in (
            Vote.objects.filter(
                post_id__in=[p.id for p in all_posts],
                vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD),
            )
            .values_list("post_id", "vote_type")
            .annotate(n=Count("id"))
        ):
            counts[post_id][0 if vote_type == VoteType.UP_MOD else 1] = n
        related.votes_by_post = {k: (v[0], v[1]) for k, v in counts.items()}

    if api.user is not None and all_posts:
        related.viewer_votes = dict(
            Vote.objects.filter(
                post_id__in=[p.id for p in all_posts],
                user_id=api.user.id,
                vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD),
            ).values_list("post_id", "vote_type")
        )

    # Parents of answers: for is_accepted, and title/tags when asked.
    parent_ids = {
        a.parent_id for a in answers + [p for p in posts if p.post_type == PostType.ANSWER]
    }
    parent_ids |= {a.parent_id for a in nested_answers}
    known = {q.id: q for q in questions}
    missing = parent_ids - set(known)
    if missing:
        known.update(
            Post.objects.filter(id__in=missing)
            .only("id", "title", "tags", "accepted_answer_id")
            .in_bulk()
        )
    related.questions = known

    if questions and out.wants("question", "closed_details"):
        from quaestio.moderation.selectors import closed_notices

        related.closings = closed_notices(questions)
    if questions and (
        out.wants("question", "close_vote_count") or out.wants("question", "reopen_vote_count")
    ):
        from quaestio.moderation.selectors import standing_vote_counts

        related.close_votes = standing_vote_counts([q.id for q in questions])
    if questions and api.user is not None and out.wants("question", "can_close"):
        from quaestio.moderation.close_limits import can_close_questions

        related.can_close = can_close_questions(api.user, questions, timezone.now())
    if all_posts and out.wants_any(("question", "answer"), "notice"):
        from quaestio.moderation.post_states import notice_views

        related.notices = notice_views(all_posts)
    if all_posts and out.wants_any(("question", "answer", "post"), "sources"):
        from quaestio.sources.selectors import sources_by_post

        related.sources = sources_by_post(p.id for p in all_posts)
    user_ids = {p.owner_id for p in all_posts} | {c.user_id for c in comments}
    user_ids |= {c.user_id for n in related.closings.values() for c in n.closed_by}
    if out.wants_any(("question", "answer", "post"), "last_editor"):
        user_ids |= {p.last_editor_id for p in all_posts}
    user_ids.discard(None)
    if user_ids:
        related.users = User.objects.only(*SHALLOW_USER_COLUMNS).in_bulk(user_ids)
    return related


def post_counts(user_ids: list[int]) -> dict[int, dict]:
    counts = {uid: {"question_count": 0, "answer_count": 0} for uid in user_ids}
    for owner_id, post_type, n in (
        live_posts()
        .filter(owner_id__in=user_ids)
        .values_list("owner_id", "post_type")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[owner_id]["question_count" if post_type == PostType.QUESTION else "answer_count"] = n
    return counts


def require(value, name: str):
    if value in (None, ""):
        raise BadParameter(name, f"{name} is required")
    return value
