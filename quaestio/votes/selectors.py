"""Reads for the voting room's pages."""

from __future__ import annotations

from dataclasses import dataclass

from quaestio.posts.models import Post
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
