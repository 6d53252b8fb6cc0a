"""What a moderator sees beside a "generative AI content" flag (issue 19 point 4): facts about the
post and its author, laid out to be read, never a verdict, a score or a probability.

- the author's posting bursts: their questions and answers in the last hour and the last day;
- their latest answers, with the time since the answer before and each one's length (a new
  account's long answers in quick succession are what moderators of sites with an AI ban look
  at);
- how much the post's text changed from one revision to the next (core/diff.change_ratio), with
  each revision's AI-use disclosure;
- the disclosure the post carries now.

Every read is bounded by an index and a LIMIT, so the page costs the same on a site with
millions of posts: the author's posts come from post_owner_type_created_idx (owner, type,
newest first), the revisions from history_post_date_idx. Five queries in all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models.functions import Length
from django.utils import timezone

from quaestio.core import links
from quaestio.core.diff import change_ratio
from quaestio.moderation.selectors import post_link
from quaestio.posts import ai_use
from quaestio.posts.models import BODY_HISTORY_TYPES, Post, PostHistory, PostType

BURST_CAP = 200  # posts counted in the last day at most ("200+" beyond)
RECENT_ANSWERS = 10
REVISIONS_SHOWN = 20
NEW_ACCOUNT_AGE = timedelta(days=30)
QUICK_GAP = timedelta(minutes=10)  # an answer this soon after the previous one is marked so
LONG_ANSWER = 1500  # characters of Markdown from which an answer is marked long


@dataclass
class Bursts:
    last_hour: int
    last_day: int
    capped: bool  # the day has more than BURST_CAP posts


@dataclass
class AnswerRow:
    id: int
    url: str
    created: datetime
    length: int  # characters of Markdown
    gap: timedelta | None  # since the author's previous answer (None: the oldest shown)
    quick: bool  # gap under QUICK_GAP
    long: bool  # length at least LONG_ANSWER
    is_flagged_post: bool


@dataclass
class RevisionRow:
    number: int  # among the body revisions shown, 1 the oldest
    date: datetime
    user_name: str
    length: int
    changed: float | None  # 0.0 - 1.0 of the text changed since the previous one (None: first)
    disclosure: str  # ai_use.describe() of the revision's disclosure


@dataclass
class AiEvidence:
    post: Post
    url: str
    author_name: str
    author_url: str
    account_age: timedelta | None
    is_new_account: bool
    reputation: int | None
    disclosure: str  # the post's, described
    notice: str  # what the post shows ("" for none or undeclared)
    bursts: Bursts | None
    answers: list[AnswerRow] = field(default_factory=list)
    revisions: list[RevisionRow] = field(default_factory=list)
    revisions_capped: bool = False


def ai_flag_evidence(post_id: int, now: datetime | None = None) -> AiEvidence | None:
    post = Post.objects.select_related("owner", "parent").filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        return None
    now = now or timezone.now()
    owner = post.owner
    evidence = AiEvidence(
        post=post,
        url=post_link(post),
        author_name=owner.display_name if owner else (post.owner_display_name or "deleted user"),
        author_url=links.user_url(owner.id, owner.display_name) if owner else "",
        account_age=(now - owner.creation_date) if owner else None,
        is_new_account=bool(owner and now - owner.creation_date < NEW_ACCOUNT_AGE),
        reputation=owner.reputation if owner else None,
        disclosure=ai_use.describe(post.ai_disclosure),
        notice=ai_use.notice_text(post.ai_disclosure),
        bursts=_bursts(owner.id, now) if owner else None,
    )
    if owner:
        evidence.answers = _recent_answers(owner.id, post.id)
    evidence.revisions, evidence.revisions_capped = _revisions(post.id)
    return evidence


def _bursts(owner_id: int, now: datetime) -> Bursts:
    """The author's questions and answers of the last day, newest first, at most BURST_CAP + 1
    dates read from the index (one range per post type)."""
    day_ago, hour_ago = now - timedelta(days=1), now - timedelta(hours=1)
    dates = list(
        Post.objects.filter(
            owner_id=owner_id,
            post_type__in=(PostType.QUESTION, PostType.ANSWER),
            creation_date__gte=day_ago,
        )
        .order_by("-creation_date")
        .values_list("creation_date", flat=True)[: BURST_CAP + 1]
    )
    capped = len(dates) > BURST_CAP
    dates = dates[:BURST_CAP]
    return Bursts(
        last_hour=sum(1 for when in dates if when >= hour_ago), last_day=len(dates), capped=capped
    )


def _recent_answers(owner_id: int, flagged_id: int) -> list[AnswerRow]:
    """The author's latest answers (deleted ones too: moderators see them), oldest of them
    first, with the time between each and the one before."""
    rows = list(
        Post.objects.filter(owner_id=owner_id, post_type=PostType.ANSWER)
        .order_by("-creation_date")
        .annotate(length=Length("body_markdown"))
        .values("id", "creation_date", "length")[: RECENT_ANSWERS + 1]
    )
    rows.reverse()  # oldest first; the extra (oldest) row only gives the first one's gap
    found: list[AnswerRow] = []
    for index, row in enumerate(rows):
        if len(rows) > RECENT_ANSWERS and index == 0:
            continue
        gap = row["creation_date"] - rows[index - 1]["creation_date"] if index else None
        found.append(
            AnswerRow(
                id=row["id"],
                url=links.answer_url(row["id"]),
                created=row["creation_date"],
                length=row["length"] or 0,
                gap=gap,
                quick=gap is not None and gap < QUICK_GAP,
                long=(row["length"] or 0) >= LONG_ANSWER,
                is_flagged_post=row["id"] == flagged_id,
            )
        )
    return found


def _revisions(post_id: int) -> tuple[list[RevisionRow], bool]:
    """The post's latest body revisions (REVISIONS_SHOWN, and one more to compare the oldest
    shown with), with how much of the text each changed."""
    rows = list(
        PostHistory.objects.filter(post_id=post_id, post_history_type__in=BODY_HISTORY_TYPES)
        .order_by("-creation_date", "-id")
        .values(
            "creation_date", "user_display_name", "user__display_name", "text", "ai_disclosure"
        )[: REVISIONS_SHOWN + 1]
    )
    rows.reverse()
    capped = len(rows) > REVISIONS_SHOWN
    shown: list[RevisionRow] = []
    for index, row in enumerate(rows):
        previous = rows[index - 1]["text"] if index else None
        if capped and index == 0:
            continue
        shown.append(
            RevisionRow(
                number=len(shown) + 1,
                date=row["creation_date"],
                user_name=row["user__display_name"] or row["user_display_name"] or "deleted user",
                length=len(row["text"] or ""),
                changed=change_ratio(previous, row["text"]) if previous is not None else None,
                disclosure=ai_use.describe(row["ai_disclosure"]),
            )
        )
    return shown, capped
