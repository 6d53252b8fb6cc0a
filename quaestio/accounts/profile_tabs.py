"""Reads for the tabs of a profile (/users/<id>/<slug>?tab=...), as Stack Exchange has them.

Every list is one person's rows, read through an index that leads with the person (posts by
owner and type, comments, badges and votes by user, bounties by offerer, the ledger by user),
and paged with a bounded cost:

* answers and questions: page numbers over the person's posts, skipping no deeper than
  core.listing allows, their total a count stopped at that bound (`bounded_count`);
* all actions and votes: keyset pages (`?before=`), each source read newest first from where
  the previous page ended;
* tags: page numbers over the person's kept standing per tag (tags.UserTagScore, changed with
  every vote, post, retag and deletion), so a page costs the same after ten years of posts;
* badges (grouped per badge) and bounties: page numbers over the person's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from quaestio.accounts.models import User
from quaestio.badges.models import Badge
from quaestio.comments.models import Comment
from quaestio.core import listing
from quaestio.posts.models import Post, PostType
from quaestio.tags.models import UserTagScore
from quaestio.votes.models import Bounty, BountyState, Vote, VoteType

POST_SORTS = {
    "votes": ("-score", "-id"),
    "newest": ("-creation_date", "-id"),
    "activity": ("-last_activity_date", "-id"),
}
VOTE_FILTERS = {
    "all": (VoteType.UP_MOD, VoteType.DOWN_MOD, VoteType.ACCEPTED_BY_ORIGINATOR),
    "upvote": (VoteType.UP_MOD,),
    "downvote": (VoteType.DOWN_MOD,),
    "accept": (VoteType.ACCEPTED_BY_ORIGINATOR,),
}
VOTE_LABELS = {VoteType.UP_MOD: "upvote", VoteType.DOWN_MOD: "downvote", 1: "accept"}


def profile_user(user_id: int) -> User | None:
    """The person whose profile it is; None for no such user or a deleted account (whose
    profile is gone, as on Stack Exchange)."""
    return User.objects.filter(id=user_id, deleted_date__isnull=True).first()


# --- answers and questions -----------------------------------------------------------------------


def _live_posts(user_id: int, post_type: int):
    return Post.objects.filter(owner_id=user_id, post_type=post_type, deletion_date__isnull=True)


def post_count(user_id: int, post_type: int) -> int:
    """How many live posts of a type the person has, counted no further than a page can reach."""
    return listing.bounded_count(_live_posts(user_id, post_type))


def user_posts(
    user_id: int, post_type: int, sort: str, page: int, size: int
) -> tuple[list[Post], int]:
    """A page of the person's answers or questions in a Stack Exchange order, and the total."""
    total = post_count(user_id, post_type)
    ordered = _live_posts(user_id, post_type).order_by(*POST_SORTS.get(sort, POST_SORTS["votes"]))
    ids = listing.ids_of_page(ordered, listing.window(page, size, total))
    rows = Post.objects.filter(id__in=ids).select_related("parent")
    rows = rows.only(
        "id",
        "post_type",
        "title",
        "score",
        "tags",
        "answer_count",
        "accepted_answer_id",
        "creation_date",
        "last_activity_date",
        "parent_id",
        "parent__id",
        "parent__title",
        "parent__accepted_answer_id",
    )
    return listing.in_order(rows, ids), total


# --- tags ----------------------------------------------------------------------------------------

TAG_SORTS = {
    # By the index (user, -answer_score, -post_count, tag): a page costs its rows.
    "votes": ("-answer_score", "-post_count", "tag_id"),
    # By name: the person's tag rows joined to the names, sorted (one row per tag they used).
    "name": ("tag__name",),
}


@dataclass
class TagStat:
    name: str
    score: int  # the score of the person's answers in the tag
    posts: int  # the person's questions and answers in the tag
    answers: int = 0


def user_tags(user_id: int, sort: str, page: int, size: int) -> tuple[list[TagStat], int]:
    """A page of the tags the person posted in, by answer score (then posts) or by name, and
    how many there are: read from the kept standings (tags.UserTagScore), so the cost is the
    page's, whatever the number of the person's posts."""
    mine = UserTagScore.objects.filter(user_id=user_id, post_count__gt=0)
    total = listing.bounded_count(mine)
    ordered = mine.order_by(*TAG_SORTS.get(sort, TAG_SORTS["votes"]))
    ids = listing.ids_of_page(ordered, listing.window(page, size, total, exact=False))
    rows = UserTagScore.objects.filter(id__in=ids).select_related("tag")
    return [
        TagStat(r.tag.name, r.answer_score, r.post_count, r.answer_count)
        for r in listing.in_order(rows, ids)
    ], total


# --- badges --------------------------------------------------------------------------------------


@dataclass
class BadgeRow:
    name: str
    badge_class: int
    times: int
    last_awarded: datetime


BADGE_ORDERS = {
    "recent": ("-last", "name", "badge_class"),
    "class": ("badge_class", "name"),
    "name": ("name", "badge_class"),
}


def user_badges(user_id: int, sort: str, page: int, size: int) -> tuple[list[BadgeRow], int]:
    """A page of the badges the person holds, each once with how many times and when last,
    and how many different badges they hold: grouped from the (user, class) index, so bounded
    by the person's awards."""
    mine = Badge.objects.filter(user_id=user_id).values("name", "badge_class")
    total = listing.bounded_count(mine.distinct())
    win = listing.window(page, size, total, exact=False)
    grouped = mine.annotate(times=Count("id"), last=Max("date")).order_by(
        *BADGE_ORDERS.get(sort, BADGE_ORDERS["recent"])
    )
    return [
        BadgeRow(r["name"], r["badge_class"], r["times"], r["last"])
        for r in grouped[win.offset : win.offset + win.limit]
    ], total


def recent_badges_by_class(user_id: int, per_class: int) -> dict[int, list[BadgeRow]]:
    """The Profile tab's badges: the latest few of each class (gold 1, silver 2, bronze 3),
    one grouped read per class from the (user, class) index."""
    return {
        cls: [
            BadgeRow(r["name"], cls, r["times"], r["last"])
            for r in Badge.objects.filter(user_id=user_id, badge_class=cls)
            .values("name")
            .annotate(times=Count("id"), last=Max("date"))
            .order_by("-last", "name")[:per_class]
        ]
        for cls in (1, 2, 3)
    }


# --- bounties ------------------------------------------------------------------------------------

BOUNTY_FILTERS = ("active", "offered", "earned")


def _bounties(user_id: int, which: str):
    if which == "earned":
        return Bounty.objects.filter(awarded_answer__owner_id=user_id)
    if which == "active":
        return Bounty.objects.filter(offerer_id=user_id, state=BountyState.OPEN)
    return Bounty.objects.filter(offerer_id=user_id)


def user_bounties(user_id: int, which: str, page: int, size: int) -> tuple[list[Bounty], int]:
    """A page of the bounties the person offered ("offered"), still open ("active"), or won
    ("earned"), newest first, and how many (a count stopped where paging stops)."""
    rows = _bounties(user_id, which)
    total = listing.bounded_count(rows)
    ordered = rows.order_by("-started_at", "-id")
    ids = listing.ids_of_page(ordered, listing.window(page, size, total, exact=False))
    fetched = Bounty.objects.filter(id__in=ids).select_related("question")
    fetched = fetched.only(
        "id",
        "amount",
        "awarded_amount",
        "state",
        "started_at",
        "ends_at",
        "closed_at",
        "question__id",
        "question__title",
    )
    return listing.in_order(fetched, ids), total


# --- all actions ---------------------------------------------------------------------------------


@dataclass
class Action:
    when: datetime
    kind: str  # "question", "answer", "comment", "badge"
    title: str
    post_id: int | None
    question_id: int | None
    text: str = ""


ACTION_FILTERS = ("all", "posts", "comments", "badges")


def user_actions(
    user_id: int, what: str, before: datetime | None, size: int
) -> tuple[list[Action], datetime | None]:
    """A keyset page of what the person did, newest first: posts, comments, badges merged by
    date. Returns the page and the `before` of the next page (None on the last)."""
    found: list[Action] = []
    if what in ("all", "posts"):
        found += _post_actions(user_id, before, size + 1)
    if what in ("all", "comments"):
        found += _comment_actions(user_id, before, size + 1)
    if what in ("all", "badges"):
        found += _badge_actions(user_id, before, size + 1)
    found.sort(key=lambda a: a.when, reverse=True)
    more = len(found) > size
    page = found[:size]
    return page, (page[-1].when if more and page else None)


def _since(rows, field: str, before: datetime | None):
    return rows.filter(**{f"{field}__lt": before}) if before is not None else rows


def _post_actions(user_id: int, before, limit: int) -> list[Action]:
    rows = _since(
        Post.objects.filter(
            owner_id=user_id,
            post_type__in=(PostType.QUESTION, PostType.ANSWER),
            deletion_date__isnull=True,
        ),
        "creation_date",
        before,
    )
    rows = rows.select_related("parent").only(
        "id", "post_type", "title", "creation_date", "parent_id", "parent__id", "parent__title"
    )
    return [
        Action(
            p.creation_date,
            "question" if p.post_type == PostType.QUESTION else "answer",
            p.title if p.post_type == PostType.QUESTION else (p.parent.title if p.parent else ""),
            p.id,
            p.parent_id or p.id,
        )
        for p in rows.order_by("-creation_date", "-id")[:limit]
    ]


def _comment_actions(user_id: int, before, limit: int) -> list[Action]:
    rows = _since(
        Comment.objects.filter(user_id=user_id, deletion_date__isnull=True), "creation_date", before
    )
    rows = rows.select_related("post", "post__parent").only(
        "id",
        "text",
        "creation_date",
        "post_id",
        "post__id",
        "post__title",
        "post__parent_id",
        "post__parent__id",
        "post__parent__title",
    )
    return [
        Action(
            c.creation_date,
            "comment",
            c.post.title or (c.post.parent.title if c.post.parent_id and c.post.parent else ""),
            c.post_id,
            c.post.parent_id or c.post_id,
            c.text,
        )
        for c in rows.order_by("-creation_date", "-id")[:limit]
    ]


def _badge_actions(user_id: int, before, limit: int) -> list[Action]:
    rows = _since(Badge.objects.filter(user_id=user_id), "date", before)
    return [
        Action(b.date, "badge", b.name, None, None)
        for b in rows.only("id", "name", "date").order_by("-date", "-id")[:limit]
    ]


# --- votes cast (the person alone sees them) -----------------------------------------------------


@dataclass
class VoteRow:
    id: int
    kind: str
    when: datetime
    post_id: int
    question_id: int
    title: str


def user_votes(
    user_id: int, what: str, before_id: int | None, size: int
) -> tuple[list[VoteRow], int | None]:
    """A keyset page of the votes the person cast, newest first (by vote id), and the
    `before` of the next page. Read from the (user, post) index, sorted among the person's
    own votes."""
    rows = Vote.objects.filter(user_id=user_id, vote_type__in=VOTE_FILTERS.get(what, ()))
    if before_id is not None:
        rows = rows.filter(id__lt=before_id)
    rows = list(
        rows.select_related("post", "post__parent")
        .only(
            "id",
            "vote_type",
            "creation_date",
            "post_id",
            "post__id",
            "post__title",
            "post__parent_id",
            "post__parent__id",
            "post__parent__title",
        )
        .order_by("-id")[: size + 1]
    )
    page = [
        VoteRow(
            v.id,
            VOTE_LABELS.get(v.vote_type, "vote"),
            v.creation_date,
            v.post_id,
            v.post.parent_id or v.post_id,
            v.post.title or (v.post.parent.title if v.post.parent_id and v.post.parent else ""),
        )
        for v in rows[:size]
    ]
    return page, (page[-1].id if len(rows) > size and page else None)
