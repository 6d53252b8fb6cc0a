"""Reads for the voting room's pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostType
from quaestio.votes import policies
from quaestio.votes.models import Bounty, BountyState


@dataclass
class FeaturedRow:
    question: Post
    bounty: Bounty


def featured_questions(page: int, page_size: int) -> tuple[list[FeaturedRow], int]:
    """Questions with an open bounty, ending soonest first (spec §5.8). Two queries."""
    open_bounties = Bounty.objects.filter(
        state=BountyState.OPEN, question__deletion_date__isnull=True
    )
    total = open_bounties.count()
    start = (max(page, 1) - 1) * page_size
    bounties = list(
        open_bounties.select_related("question")
        .defer("question__body", "question__body_markdown")
        .order_by("ends_at", "id")[start : start + page_size]
    )
    return [FeaturedRow(b.question, b) for b in bounties], total


def open_bounty_for(question_id: int) -> Bounty | None:
    return Bounty.objects.filter(question_id=question_id, state=BountyState.OPEN).first()


@dataclass
class BountyPage:
    question: Post
    bounty: Bounty | None
    answers: list[tuple[Post, str]]  # (answer, owner name), highest score first
    may_award: bool = False  # the viewer may award the open bounty now
    awardable: frozenset[int] = frozenset()  # ids of the answers the viewer may award it to


def bounty_page(question_id: int, viewer=None, now=None) -> BountyPage | None:
    """The bounty form's data: the question, its open bounty, its answers (three queries), and
    what the viewer may award, decided by the bounty policies."""
    question = (
        Post.objects.filter(id=question_id, post_type=PostType.QUESTION, deletion_date__isnull=True)
        .defer("body", "body_markdown")
        .first()
    )
    if question is None:
        return None
    answers = list(
        Post.objects.filter(
            parent_id=question.id, post_type=PostType.ANSWER, deletion_date__isnull=True
        )
        .only(
            "id",
            "score",
            "creation_date",
            "owner_id",
            "owner_display_name",
            "post_type",
            "parent_id",
            "deletion_date",
        )
        .order_by("-score", "creation_date")
    )
    names = dict(
        User.objects.filter(id__in={a.owner_id for a in answers} - {None}).values_list(
            "id", "display_name"
        )
    )
    bounty = open_bounty_for(question.id)
    now = now or timezone.now()
    may_award = bounty is not None and not policies.bounty_awarder_refusal(viewer, bounty, now)
    awardable = frozenset(
        a.id for a in answers if may_award and not policies.can_award_bounty(viewer, bounty, a, now)
    )
    return BountyPage(
        question,
        bounty,
        [(a, names.get(a.owner_id, a.owner_display_name or "deleted user")) for a in answers],
        may_award,
        awardable,
    )
