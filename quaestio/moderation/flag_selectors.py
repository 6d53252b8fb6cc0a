"""Reads for the flag pages: the flag dialogs, a user's flag history and the moderators' flag
dashboard (spec §7.8). Each page is a fixed number of queries whatever the number of flags:
lists are keyset-paged through Flag's indexes and the one count is capped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.moderation import flags as flag_rules
from quaestio.moderation import policies, rules
from quaestio.moderation.flag_handling import DECLINE_REASONS
from quaestio.moderation.models import (
    CloseVote,
    CloseVoteKind,
    CloseVoteState,
    Flag,
    FlaggerRecord,
    FlagState,
)
from quaestio.moderation.selectors import post_link, post_title
from quaestio.posts import ai_use
from quaestio.posts.models import Post, PostType

PAGE_SIZE = 50
DASHBOARD_POSTS = 25
COUNT_CAP = 1000  # the dashboard says "1000+" rather than count a big backlog


# The dialogs


@dataclass
class FlagDialog:
    post: Post
    title: str
    back: str
    is_answer: bool
    kinds: list  # the FlagKinds this post takes
    close_reasons: list  # the standard reasons a close flag may name (not duplicate)
    may_flag: tuple[bool, str]
    may_vote_close: bool  # "needs improvement" is then a close vote, in the close dialog
    close_url: str
    flagged: Flag | None  # the viewer's pending flag on this post
    flags_left: int | None  # today's allowance left (None: moderators, no limit)


def post_flag_dialog(post_id: int, viewer) -> FlagDialog | None:
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        return None
    is_answer = post.post_type == PostType.ANSWER
    kinds = [
        k
        for k in flag_rules.POST_FLAGS
        if not (k.answers_only and not is_answer) and not (k.questions_only and is_answer)
    ]
    signed_in = viewer is not None and viewer.is_authenticated
    mine = None
    left = None
    if signed_in:
        mine = Flag.objects.filter(
            post_id=post.id, comment=None, user_id=viewer.id, state=FlagState.PENDING
        ).first()
        left = flag_rules.flags_left_today(viewer, on_comments=False)
    may_close = not is_answer and signed_in and policies.can_vote_to_close(viewer, post)[0]
    return FlagDialog(
        post=post,
        title=post_title(post),
        back=post_link(post),
        is_answer=is_answer,
        kinds=kinds,
        close_reasons=[r for r in rules.STANDARD_REASONS if r is not rules.DUPLICATE],
        may_flag=policies.can_flag_post(viewer, post),
        may_vote_close=bool(may_close),
        close_url=links.post_action_url(post.id, "close") if not is_answer else "",
        flagged=mine,
        flags_left=left,
    )


@dataclass
class CommentFlagDialog:
    comment: Comment
    title: str
    back: str
    kinds: tuple
    may_flag: tuple[bool, str]
    flagged: Flag | None
    flags_left: int | None


def comment_flag_dialog(comment_id: int, viewer) -> CommentFlagDialog | None:
    comment = Comment.objects.select_related("post", "post__parent").filter(id=comment_id).first()
    if comment is None:
        return None
    post = comment.post
    signed_in = viewer is not None and viewer.is_authenticated
    mine = left = None
    if signed_in:
        mine = Flag.objects.filter(
            comment_id=comment.id, user_id=viewer.id, state=FlagState.PENDING
        ).first()
        left = flag_rules.flags_left_today(viewer, on_comments=True)
    question = post.parent if post.parent_id else post
    return CommentFlagDialog(
        comment=comment,
        title=post_title(post),
        back=links.comment_url(question.id, question.title, comment.id),
        kinds=flag_rules.COMMENT_FLAGS,
        may_flag=policies.can_flag_comment(viewer, comment, post),
        flagged=mine,
        flags_left=left,
    )


# A user's flag history


STATE_LABELS = {
    FlagState.PENDING: "pending",
    FlagState.HELPFUL: "helpful",
    FlagState.DECLINED: "declined",
    FlagState.DISPUTED: "disputed",
    FlagState.AGED: "aged away",
}
CLOSE_FLAG_STATES = {
    CloseVoteState.PENDING: FlagState.PENDING,
    CloseVoteState.APPLIED: FlagState.HELPFUL,  # the question was closed
    CloseVoteState.AGED: FlagState.AGED,
    CloseVoteState.DISMISSED: FlagState.DISPUTED,
    CloseVoteState.RETRACTED: "retracted",
}


@dataclass
class HistoryRow:
    when: datetime
    kind: str  # the flag's title
    on: str  # "question", "answer", "comment"
    title: str
    url: str
    text: str  # the flagger's words
    state: str  # a FlagState value (or "retracted")
    label: str
    note: str  # the moderator's decline reason, or how it was resolved
    resolved: datetime | None
    key: str  # sort key, for the next page


@dataclass
class FlagHistory:
    user: User
    record: dict[str, int]
    allowance: int
    rows: list[HistoryRow]
    next_key: str
    state: str  # the filter ("" for all)


def _key(before: str) -> tuple[datetime, int] | None:
    stamp, _, row_id = (before or "").partition("|")
    try:
        return datetime.fromisoformat(stamp), int(row_id)
    except ValueError:
        return None


def _before(rows, key, date_field: str = "creation_date"):
    if key is None:
        return rows
    return rows.filter(
        Q(**{f"{date_field}__lt": key[0]}) | Q(**{date_field: key[0], "id__lt": key[1]})
    )


def user_flag_history(
    user_id: int, before: str = "", state: str = "", size: int = PAGE_SIZE
) -> FlagHistory | None:
    """The user's flags and close flags, newest first, with outcomes: two keyset reads of at
    most `size` + 1 rows each (merged), the record (one grouped query), the posts (one)."""
    user = User.objects.filter(id=user_id).first()
    if user is None:
        return None
    key = _key(before)
    state = state if state in FlagState.values else ""
    flags = Flag.objects.filter(user_id=user_id).select_related("comment")
    closes = CloseVote.objects.filter(user_id=user_id, is_flag=True, kind=CloseVoteKind.CLOSE)
    if state:
        flags = flags.filter(state=state)
        close_states = [k for k, v in CLOSE_FLAG_STATES.items() if v == state]
        closes = closes.filter(state__in=close_states)
    found = list(_before(flags, key).order_by("-creation_date", "-id")[: size + 1])
    found_closes = list(_before(closes, key).order_by("-creation_date", "-id")[: size + 1])
    post_ids = {f.post_id for f in found} | {c.question_id for c in found_closes}
    posts = {p.id: p for p in Post.objects.select_related("parent").filter(id__in=post_ids)}
    rows = [_flag_row(f, posts.get(f.post_id)) for f in found]
    rows += [_close_row(c, posts.get(c.question_id)) for c in found_closes]
    rows.sort(key=lambda r: r.key, reverse=True)
    more = len(rows) > size
    rows = rows[:size]
    next_key = ""
    if more and rows:
        next_key = f"{rows[-1].when.isoformat()}|{rows[-1].key[1]}"
    record = flag_rules.flag_record(user_id)
    return FlagHistory(
        user, record, flag_rules.daily_allowance(user, record), rows, next_key, state
    )


def _where(post: Post | None, comment_id: int | None = None) -> tuple[str, str, str]:
    if post is None:
        return "", "(post removed)", ""
    url = post_link(post)
    if comment_id:
        question = post.parent if post.parent_id and post.parent else post
        url = links.comment_url(question.id, question.title, comment_id)
        return "comment", post_title(post), url
    on = "answer" if post.post_type == PostType.ANSWER else "question"
    return on, post_title(post), url


def _flag_row(flag: Flag, post: Post | None) -> HistoryRow:
    on, title, url = _where(post, flag.comment_id)
    return HistoryRow(
        when=flag.creation_date,
        kind=flag_rules.kind_title(flag.kind),
        on=on,
        title=title,
        url=url,
        text=flag.text,
        state=flag.state,
        label=STATE_LABELS.get(flag.state, flag.state),
        note=flag.outcome_note,
        resolved=flag.resolved_date,
        key=(flag.creation_date, flag.id),
    )


def _close_row(vote: CloseVote, post: Post | None) -> HistoryRow:
    on, title, url = _where(post)
    state = CLOSE_FLAG_STATES.get(vote.state, vote.state)
    notes = {
        FlagState.HELPFUL: "the question was closed",
        FlagState.AGED: "aged away: no close vote or flag for 14 days",
        FlagState.DISPUTED: "the question changed state another way",
    }
    return HistoryRow(
        when=vote.creation_date,
        kind="Needs improvement (close flag)",
        on=on,
        title=title,
        url=url,
        text="",
        state=state,
        label=STATE_LABELS.get(state, str(state)),
        note=notes.get(state, ""),
        resolved=vote.resolved_date,
        # Close flags share the keyset with flags by date; ids of two tables never compare
        # unless the dates are equal to the microsecond.
        key=(vote.creation_date, vote.id),
    )


# The moderators' dashboard


@dataclass
class Flagger:
    user_id: int
    name: str
    url: str
    helpful: int = 0
    declined: int = 0
    pending: int = 0


@dataclass
class DashboardFlag:
    id: int
    kind: str
    text: str
    when: datetime
    flagger: Flagger
    comment: Comment | None = None
    comment_delete_url: str = ""


@dataclass
class FlaggedPost:
    post: Post
    title: str
    url: str
    is_answer: bool
    owner_name: str
    owner_url: str
    flags: list[DashboardFlag] = field(default_factory=list)
    counts: list[tuple[str, int]] = field(default_factory=list)  # (kind title, how many)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    # With a "generative AI content" flag: the evidence page (moderation/ai_evidence.py).
    ai_evidence_url: str = ""
    ai_disclosure: str = ""  # the post's disclosure, described


@dataclass
class FlagDashboard:
    posts: list[FlaggedPost]
    pending: int  # pending flags, capped at COUNT_CAP
    pending_capped: bool
    next_key: str
    decline_reasons: tuple = DECLINE_REASONS


def flag_dashboard(before: str = "", size: int = DASHBOARD_POSTS) -> FlagDashboard:
    """The posts with pending flags (newest post first, keyset on the post id through the
    (state, post) index), each with its pending flags, their flaggers' records, and the
    moderator's links. Five queries whatever the backlog."""
    pending = Flag.objects.filter(state=FlagState.PENDING)
    count = pending.order_by()[: COUNT_CAP + 1].count()
    ids = pending.order_by("-post_id").values_list("post_id", flat=True).distinct()
    if before.isdigit():
        ids = ids.filter(post_id__lt=int(before))
    ids = list(ids[: size + 1])
    more = len(ids) > size
    ids = ids[:size]
    posts = {p.id: p for p in Post.objects.select_related("parent", "owner").filter(id__in=ids)}
    flags = list(pending.filter(post_id__in=ids).select_related("user", "comment").order_by("id"))
    flaggers = _flaggers({f.user_id for f in flags})
    grouped: dict[int, FlaggedPost] = {}
    for post_id in ids:
        post = posts.get(post_id)
        if post is not None:
            grouped[post_id] = _flagged_post(post)
    for flag in flags:
        entry = grouped.get(flag.post_id)
        if entry is None:
            continue
        if flag.kind == flag_rules.GENERATIVE_AI.key and not entry.ai_evidence_url:
            entry.ai_evidence_url = links.page_url("flag_ai_evidence", flag.post_id)
            entry.ai_disclosure = ai_use.describe(entry.post.ai_disclosure)
        entry.flags.append(
            DashboardFlag(
                id=flag.id,
                kind=flag_rules.kind_title(flag.kind),
                text=flag.text,
                when=flag.creation_date,
                flagger=flaggers.get(flag.user_id) or Flagger(flag.user_id, "", ""),
                comment=flag.comment,
                comment_delete_url=links.comment_action_url(flag.comment_id, "delete")
                if flag.comment_id and flag.comment and not flag.comment.deletion_date
                else "",
            )
        )
    for entry in grouped.values():
        tally: dict[str, int] = {}
        for flag in entry.flags:
            label = flag.kind + (" (comment)" if flag.comment else "")
            tally[label] = tally.get(label, 0) + 1
        entry.counts = sorted(tally.items(), key=lambda kv: -kv[1])
    return FlagDashboard(
        posts=list(grouped.values()),
        pending=min(count, COUNT_CAP),
        pending_capped=count > COUNT_CAP,
        next_key=str(ids[-1]) if more and ids else "",
    )


def _flagged_post(post: Post) -> FlaggedPost:
    owner = post.owner
    actions = [("edit", links.post_action_url(post.id, "edit"))]
    if post.deletion_date is None:
        actions.append(("delete", links.post_action_url(post.id, "delete")))
    else:
        actions.append(("undelete", links.post_action_url(post.id, "undelete")))
    actions.append(
        ("unlock", links.post_action_url(post.id, "unlock"))
        if post.locked_date
        else ("lock", links.post_action_url(post.id, "lock"))
    )
    actions.append(("timeline", links.post_action_url(post.id, "timeline")))
    actions.append(("history", links.post_action_url(post.id, "revisions")))
    return FlaggedPost(
        post=post,
        title=post_title(post),
        url=post_link(post),
        is_answer=post.post_type == PostType.ANSWER,
        owner_name=owner.display_name if owner else (post.owner_display_name or "deleted user"),
        owner_url=links.user_url(owner.id, owner.display_name) if owner else "",
        actions=actions,
    )


def _flaggers(user_ids: set[int]) -> dict[int, Flagger]:
    """The flaggers on the page with their records (their counters: two queries by key)."""
    if not user_ids:
        return {}
    names = dict(User.objects.filter(id__in=user_ids).values_list("id", "display_name"))
    found = {
        uid: Flagger(uid, names.get(uid, ""), links.user_url(uid, names.get(uid, "")))
        for uid in user_ids
    }
    for uid, helpful, declined, pending in FlaggerRecord.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "helpful", "declined", "pending"):
        flagger = found[uid]
        flagger.helpful, flagger.declined, flagger.pending = helpful, declined, pending
    return found
