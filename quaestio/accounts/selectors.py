"""Reads for user pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.badges.models import Badge
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
    questions: list[Post]
    answers: list[Post]
    question_count: int
    answer_count: int

    @property
    def website_link(self) -> str | None:
        """The website as an href, or None when it is not a link to show (only as text)."""
        return safe_link(self.user.website_url)


def user_profile(user_id: int, posts_shown: int = 10) -> Profile | None:
    user = User.objects.filter(id=user_id).first()
    if user is None:
        return None
    badges: dict[int, list[BadgeSummary]] = {1: [], 2: [], 3: []}
    for row in (
        Badge.objects.filter(user_id=user_id)
        .values("name", "badge_class")
        .annotate(times=Count("id"), last=Max("date"))
        .order_by("badge_class", "-last")
    ):
        badges.setdefault(row["badge_class"], []).append(
            BadgeSummary(row["name"], row["badge_class"], row["times"], row["last"])
        )
    live = Post.objects.filter(owner_id=user_id, deletion_date__isnull=True).defer("body_markdown")
    questions = live.filter(post_type=PostType.QUESTION)
    answers = (
        live.filter(post_type=PostType.ANSWER)
        .select_related("parent")
        .only("id", "score", "creation_date", "parent__id", "parent__title", "parent_id")
    )
    return Profile(
        user=user,
        badges=badges,
        questions=list(questions.order_by("-score", "-creation_date")[:posts_shown]),
        answers=list(answers.order_by("-score", "-creation_date")[:posts_shown]),
        question_count=questions.count(),
        answer_count=answers.count(),
    )


def user_list(page: int, page_size: int = 36) -> tuple[list[User], int]:
    """A page of users by reputation, and how many there are (a counter, core.site_counts):
    the ids from the reputation index, no deeper than core.listing allows, then the rows."""
    from quaestio.core import listing
    from quaestio.core.site_counts import USERS, site_count

    total = site_count(USERS)
    ordered = User.objects.exclude(id=COMMUNITY_USER_ID).order_by("-reputation", "id")
    ids = listing.ids_of_page(ordered, listing.window(page, page_size, total))
    return listing.in_order(User.objects.filter(id__in=ids), ids), total
