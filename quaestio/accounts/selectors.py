"""Reads for user pages."""

from __future__ import annotations

from dataclasses import dataclass

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.core.safe_urls import safe_link
from quaestio.posts.models import Post, PostType


@dataclass
class Card:
    """Who stands behind a signature or comment: a live user, or a deleted one's name."""

    user: User | None  # or any row carrying the card fields (id, display_name, reputation, badges)
    name: str

    @property
    def is_deleted(self) -> bool:
        return self.user is None


def person_card(user, fallback_name: str) -> Card:
    """A Card for a live user (a User or any row with its card fields), or a deleted one's name."""
    if user is not None:
        return Card(user, user.display_name)
    return Card(None, fallback_name or "deleted user")


@dataclass
class BadgeSummary:
    name: str
    badge_class: int
    times: int
    last_awarded: object


@dataclass
class Profile:
    user: User
    badges: dict[int, list[BadgeSummary]]
    top_posts: list[Post]
    question_count: int
    answer_count: int
    top_tags: list

    @property
    def website_link(self) -> str | None:
        """The website as an href, or None when it is not a link to show (only as text)."""
        return safe_link(self.user.website_url)


PROFILE_TOP_TAGS = 6
PROFILE_BADGES_PER_CLASS = 3  # as many as the Profile tab shows of each class
TOP_POST_SORTS = {"votes": ("-score", "-id"), "newest": ("-creation_date", "-id")}
TOP_POST_TYPES = {
    "all": (PostType.QUESTION, PostType.ANSWER),
    "questions": (PostType.QUESTION,),
    "answers": (PostType.ANSWER,),
}


def user_profile(
    user_id: int, posts_shown: int = 10, what: str = "all", sort: str = "votes"
) -> Profile | None:
    """The Profile tab: stats, badges, top tags and top posts (all, questions or answers, by
    votes or newest, as Stack Exchange's "Top posts"). None for no user or a deleted one."""
    from quaestio.accounts.profile_tabs import (
        post_count,
        profile_user,
        recent_badges_by_class,
        user_tags,
    )

    user = profile_user(user_id)
    if user is None:
        return None
    badges: dict[int, list[BadgeSummary]] = {
        cls: [BadgeSummary(r.name, r.badge_class, r.times, r.last_awarded) for r in rows]
        for cls, rows in recent_badges_by_class(user_id, PROFILE_BADGES_PER_CLASS).items()
    }
    top = (
        Post.objects.filter(
            owner_id=user_id,
            post_type__in=TOP_POST_TYPES.get(what, TOP_POST_TYPES["all"]),
            deletion_date__isnull=True,
        )
        .select_related("parent")
        .only(
            "id",
            "post_type",
            "title",
            "score",
            "creation_date",
            "accepted_answer_id",
            "parent_id",
            "parent__id",
            "parent__title",
            "parent__accepted_answer_id",
        )
        .order_by(*TOP_POST_SORTS.get(sort, TOP_POST_SORTS["votes"]))
    )
    return Profile(
        user=user,
        badges=badges,
        top_posts=list(top[:posts_shown]),
        question_count=post_count(user_id, PostType.QUESTION),
        answer_count=post_count(user_id, PostType.ANSWER),
        top_tags=user_tags(user_id, "votes", 1, PROFILE_TOP_TAGS)[0],
    )


def user_list(page: int, page_size: int = 36) -> tuple[list[User], int]:
    """A page of users by reputation, and how many there are (a counter, core.site_counts):
    the ids from the reputation index, no deeper than core.listing allows, then the rows."""
    from quaestio.core import listing
    from quaestio.core.site_counts import USERS, site_count

    total = site_count(USERS)
    ordered = (
        User.objects.exclude(id=COMMUNITY_USER_ID)
        .filter(deleted_date__isnull=True)
        .order_by("-reputation", "id")
    )
    ids = listing.ids_of_page(ordered, listing.window(page, page_size, total))
    return listing.in_order(User.objects.filter(id__in=ids), ids), total
