"""Reads for the voting room's pages."""

from __future__ import annotations

from dataclasses import dataclass

from quaestio.accounts.models import User
from quaestio.posts.models import Post, PostType
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


def bounty_page(question_id: int) -> BountyPage | None:
    """The bounty form's data: the question, its open bounty, its answers (three queries)."""
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
        .only("id", "score", "creation_date", "owner_id", "owner_display_name")
        .order_by("-score", "creation_date")
    )
    names = dict(
        User.objects.filter(id__in={a.owner_id for a in answers} - {None}).values_list(
            "id", "display_name"
        )
    )
    return BountyPage(
        question,
        open_bounty_for(question.id),
        [(a, names.get(a.owner_id, a.owner_display_name or "deleted user")) for a in answers],
    )
