"""Reads for the closed notice, the close and reopen dialogs and the API's `closed_details`.

A closing is read where the dump keeps it, so an imported closed question shows like one closed
here: the post's `closed_date` and `close_reason`, its latest PostHistory type 10 row (the voters
and `OriginalQuestionIds` as JSON) and its PostLinks of type 3 (the originals). Each function
costs a fixed number of queries, whatever the number of questions or votes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.core import links
from quaestio.moderation import policies, rules
from quaestio.moderation.models import CloseVote, CloseVoteKind, CloseVoteState, OffTopicReason
from quaestio.posts.models import (
    DUPLICATE_REASONS,
    CloseReason,
    LinkType,
    Post,
    PostHistory,
    PostHistoryType,
    PostLink,
    PostType,
    title_suffix,
)


@dataclass(frozen=True)
class Closer:
    user_id: int | None
    display_name: str
    is_moderator: bool
    url: str | None


@dataclass(frozen=True)
class OriginalQuestion:
    id: int
    title: str
    url: str
    score: int
    answer_count: int
    accepted_answer_id: int | None

    @classmethod
    def of(cls, row) -> OriginalQuestion:
        """From a Post or a search row with the same columns."""
        url = links.question_url(row.id, row.title)
        return cls(row.id, row.title, url, row.score, row.answer_count or 0, row.accepted_answer_id)


@dataclass
class ClosedNotice:
    """What the notice above a closed question says, and what the API's closed_details holds."""

    question_id: int
    reason_code: int | None
    reason_title: str  # "Duplicate", "Needs details or clarity", a site reason's description
    text: str  # the reason's public text
    owner_guidance: str  # for the asker; "" for other viewers of the page
    closed_date: datetime
    closed_by: list[Closer] = field(default_factory=list)
    originals: list[OriginalQuestion] = field(default_factory=list)
    off_topic_reason_id: int | None = None

    @property
    def is_duplicate(self) -> bool:
        return self.reason_code in DUPLICATE_REASONS


def reason_title(code: int | None, off_topic: OffTopicReason | None = None) -> str:
    if off_topic is not None:
        return off_topic.brief_description
    if code in DUPLICATE_REASONS:
        return rules.DUPLICATE.title
    if code in rules.REASONS_BY_CODE:
        return rules.REASONS_BY_CODE[code].title
    if code in CloseReason.values:
        label = CloseReason(code).label
        return label[:1].upper() + label[1:]
    return "Closed"


def _details(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:  # an old dump's free text
        return {}
    return value if isinstance(value, dict) else {}


def _ints(values) -> list[int]:
    out = []
    for value in values if isinstance(values, list) else []:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def closed_notices(questions: list[Post], viewer_id: int | None = None) -> dict[int, ClosedNotice]:
    """The notice of each closed question among these, in at most four queries for any number:
    closing rows, originals, closers, site reasons."""
    closed = [q for q in questions if q.closed_date is not None]
    if not closed:
        return {}
    ids = [q.id for q in closed]
    latest: dict[int, PostHistory] = {}
    for row in PostHistory.objects.filter(
        post_id__in=ids, post_history_type=PostHistoryType.POST_CLOSED
    ).order_by("creation_date", "id"):
        latest[row.post_id] = row
    details = {qid: _details(row.text) for qid, row in latest.items()}

    duplicates = [q.id for q in closed if q.close_reason in DUPLICATE_REASONS]
    originals = _originals(duplicates, details) if duplicates else {}
    closers = _closers(latest, details)
    site_reason_ids = {
        d.get("OffTopicReasonId") for d in details.values() if d.get("OffTopicReasonId")
    }
    site_reasons = OffTopicReason.objects.in_bulk(_ints(list(site_reason_ids)))

    notices = {}
    for question in closed:
        detail = details.get(question.id, {})
        site_reason = site_reasons.get(detail.get("OffTopicReasonId"))
        if site_reason is not None:
            text, guidance = site_reason.post_notice, site_reason.owner_guidance
        else:
            text, guidance = rules.notice_for_code(question.close_reason)
        is_owner = viewer_id is not None and viewer_id == question.owner_id
        notices[question.id] = ClosedNotice(
            question_id=question.id,
            reason_code=question.close_reason,
            reason_title=reason_title(question.close_reason, site_reason),
            text=text,
            owner_guidance=guidance if is_owner else "",
            closed_date=question.closed_date,
            closed_by=closers.get(question.id, []),
            originals=originals.get(question.id, []),
            off_topic_reason_id=site_reason.id if site_reason else None,
        )
    return notices


def _originals(question_ids: list[int], details: dict) -> dict[int, list[OriginalQuestion]]:
    """Originals from PostLinks type 3 and, for a closing whose links are missing, the history
    row's OriginalQuestionIds; live questions only, in the order the closing named them."""
    named = {qid: _ints(details.get(qid, {}).get("OriginalQuestionIds")) for qid in question_ids}
    link_rows = list(
        PostLink.objects.filter(post_id__in=question_ids, link_type=LinkType.DUPLICATE)
        .order_by("id")
        .values_list("post_id", "related_post_id")
    )
    for qid, original in link_rows:
        if original not in named[qid]:
            named[qid].append(original)
    wanted = {i for ids in named.values() for i in ids}
    posts = (
        Post.objects.filter(id__in=wanted, post_type=PostType.QUESTION, deletion_date__isnull=True)
        .only("id", "title", "score", "answer_count", "accepted_answer_id")
        .in_bulk()
        if wanted
        else {}
    )
    return {
        qid: [OriginalQuestion.of(p) for p in (posts.get(i) for i in ids) if p is not None]
        for qid, ids in named.items()
    }


def _closers(latest: dict[int, PostHistory], details: dict) -> dict[int, list[Closer]]:
    voters_by_question: dict[int, list[tuple[int | None, str]]] = {}
    for qid, row in latest.items():
        voters = [
            (v.get("Id"), str(v.get("DisplayName") or ""))
            for v in details[qid].get("Voters", [])
            if isinstance(v, dict)
        ]
        if not voters and (row.user_id or row.user_display_name):
            voters = [(row.user_id, row.user_display_name)]
        voters_by_question[qid] = voters
    user_ids = _ints([uid for voters in voters_by_question.values() for uid, _ in voters])
    users = (
        User.objects.only("id", "display_name", "is_moderator").in_bulk(user_ids)
        if user_ids
        else {}
    )
    out = {}
    for qid, voters in voters_by_question.items():
        closers = []
        for uid, name in voters:
            user = users.get(uid) if isinstance(uid, int) else None
            if user is not None:
                closers.append(
                    Closer(
                        user.id,
                        user.display_name,
                        user.is_moderator,
                        links.user_url(user.id, user.display_name),
                    )
                )
            else:
                closers.append(Closer(None, name or "deleted user", False, None))
        out[qid] = closers
    return out


@dataclass
class CloseState:
    """Everything the question page and the dialogs need about closing, for one viewer."""

    question: Post
    notice: ClosedNotice | None
    votes_needed: int
    close_votes: int  # standing votes (aging applied); shown from 250 reputation
    reopen_votes: int
    close_flags: int  # users below the privilege asking for a closing (the close queue)
    reopen_requests: int  # the asker's edit said it resolves the closing (the reopen queue)
    viewer_voted_close: bool
    viewer_voted_reopen: bool
    viewer_flagged: bool
    can_see_votes: bool
    may_vote_close: tuple[bool, str]
    may_flag_close: tuple[bool, str]
    may_vote_reopen: tuple[bool, str]
    # The edit form asks the asker "does this edit resolve the closing?" when this allows it.
    may_request_reopen_review: tuple[bool, str]
    title_suffix: str
    close_url: str
    reopen_url: str

    @property
    def is_closed(self) -> bool:
        return self.question.closed_date is not None

    @property
    def may_close_or_flag(self) -> bool:
        return self.may_vote_close[0] or self.may_flag_close[0]


def close_state(
    question_id: int, viewer=None, question: Post | None = None, now: datetime | None = None
) -> CloseState | None:
    """The close state of a question for this viewer, in at most eight queries whatever the
    votes: the question (unless given), the closing's history row, links, originals, closers and
    site reason (closed questions only), the standing votes and the viewer's gold tag badges
    (signed-in viewers only). An anonymous view of an open question given costs none."""
    if question is None:
        question = Post.objects.filter(id=question_id, post_type=PostType.QUESTION).first()
        if question is None:
            return None
    now = now or timezone.now()
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    viewer_id = viewer.id if signed_in else None
    notice = closed_notices([question], viewer_id).get(question.id)
    # Anonymous viewers (most page views) neither see the votes nor vote: no query for them.
    counts = _standing_counts(question.id, viewer_id, now) if signed_in else _NO_COUNTS
    # Gold tag badges count only where the viewer may not vote without them (the duplicate
    # hammer of a user below the privilege), and only for a holder of some gold badge.
    gold_tags = (
        policies.gold_badge_tags(viewer, question)
        if signed_in
        and not viewer.is_moderator
        and getattr(viewer, "gold_badges", 1)
        and not policies.can_vote_to_close(viewer, question, None, set())[0]
        and not policies.can_vote_to_reopen(viewer, question, set())[0]
        else set()
    )
    return CloseState(
        question=question,
        notice=notice,
        votes_needed=rules.votes_needed(),
        close_votes=counts["close"],
        reopen_votes=counts["reopen"],
        close_flags=counts["flags"],
        reopen_requests=counts["reopen_requests"],
        viewer_voted_close=counts["mine_close"],
        viewer_voted_reopen=counts["mine_reopen"],
        viewer_flagged=counts["mine_flag"],
        can_see_votes=policies.can_see_close_votes(viewer, question),
        may_vote_close=policies.can_vote_to_close(viewer, question, None, gold_tags),
        may_flag_close=policies.can_flag_to_close(viewer, question),
        may_vote_reopen=policies.can_vote_to_reopen(viewer, question, gold_tags),
        may_request_reopen_review=policies.can_request_reopen_review(viewer, question, now),
        title_suffix=title_suffix(question.closed_date, question.close_reason),
        close_url=links.page_url("question_close", question.id),
        reopen_url=links.page_url("question_reopen", question.id),
    )


_NO_COUNTS = dict.fromkeys(("close", "reopen", "flags", "reopen_requests"), 0) | dict.fromkeys(
    ("mine_close", "mine_reopen", "mine_flag"), False
)


def _standing_counts(question_id: int, viewer_id: int | None, now: datetime) -> dict:
    """Standing votes and flags by kind in one query; a kind whose last vote is older than the
    aging window counts none (the rows are marked aged by the next write or the daily job)."""
    mine = Q(user_id=viewer_id) if viewer_id is not None else Q(pk__in=[])
    rows = (
        CloseVote.objects.filter(question_id=question_id, state=CloseVoteState.PENDING)
        .values("kind", "is_flag")
        .annotate(n=Count("id"), last=Max("creation_date"), mine=Count("id", filter=mine))
        .order_by()
    )
    last = {}
    for row in rows:
        last[row["kind"]] = max(last.get(row["kind"], row["last"]), row["last"])
    counts = dict(_NO_COUNTS)
    cutoff = now - rules.VOTE_AGING
    for row in rows:
        if last[row["kind"]] < cutoff:
            continue
        if row["kind"] == CloseVoteKind.REOPEN and row["is_flag"]:
            counts["reopen_requests"] += row["n"]
        elif row["kind"] == CloseVoteKind.REOPEN:
            counts["reopen"] += row["n"]
            counts["mine_reopen"] |= bool(row["mine"])
        elif row["is_flag"]:
            counts["flags"] += row["n"]
            counts["mine_flag"] |= bool(row["mine"])
        else:
            counts["close"] += row["n"]
            counts["mine_close"] |= bool(row["mine"])
    return counts


def close_dialog_reasons() -> list[dict]:
    """The close dialog's choices in Stack Exchange's order, the site's reasons last."""
    standard = [
        {"key": r.key, "code": int(r.code), "title": r.title, "usage": r.usage, "id": None}
        for r in rules.STANDARD_REASONS
    ]
    site = [
        {
            "key": rules.OFF_TOPIC_KEY,
            "code": int(CloseReason.OFF_TOPIC),
            "title": reason.brief_description,
            "usage": reason.usage_guidance,
            "privileged_guidance": reason.privileged_guidance,
            "id": reason.id,
        }
        for reason in OffTopicReason.objects.filter(active=True)
    ]
    return standard + site


def off_topic_reasons() -> list[OffTopicReason]:
    """Every site reason, retired ones too, for the moderators' page."""
    return list(OffTopicReason.objects.all())


def find_originals(text: str, exclude_id: int, limit: int = 8) -> list[OriginalQuestion]:
    """The duplicate search box: an id, a question URL, or words of a title."""
    from quaestio.search.selectors import similar_questions

    ids = original_ids_in(text)
    if ids:
        rows = Post.objects.filter(
            id__in=ids, post_type=PostType.QUESTION, deletion_date__isnull=True
        ).exclude(id=exclude_id)
        found = {p.id: OriginalQuestion.of(p) for p in rows}
        return [found[i] for i in ids if i in found]
    if not text.strip():
        return []
    found = similar_questions(text, limit + 1)
    return [OriginalQuestion.of(r) for r in found if r.id != exclude_id][:limit]


def original_ids_in(text: str) -> list[int]:
    """Question ids written as numbers or as links (/questions/<id>/..., /q/<id>) in the text;
    [] when the text holds words, which the caller then searches as a title."""
    import re

    tokens = [t for t in re.split(r"[\s,;]+", text or "") if t]
    ids = []
    for token in tokens:
        match = re.fullmatch(r"\d{1,18}", token) or re.search(
            r"/(?:questions|q)/(\d{1,18})(?:[/?#]|$)", token
        )
        if match is None:
            return []
        ids.append(int(match.group(match.lastindex or 0)))
    return list(dict.fromkeys(ids))


@dataclass(frozen=True)
class CloseOption:
    """A close dialog choice with its standing votes, for the API's close/options."""

    option_id: int
    key: str
    title: str
    description: str
    requires_question_id: bool
    count: int
    viewer_voted: bool
    sub_options: tuple[CloseOption, ...] = ()


def close_options(question_id: int, viewer=None, now: datetime | None = None) -> list[CloseOption]:
    """The reasons a question may be closed for, each with its standing votes (three queries)."""
    now = now or timezone.now()
    viewer_id = (
        viewer.id if viewer is not None and getattr(viewer, "is_authenticated", False) else None
    )
    mine = Q(user_id=viewer_id) if viewer_id is not None else Q(pk__in=[])
    rows = list(
        CloseVote.objects.filter(
            question_id=question_id, kind=CloseVoteKind.CLOSE, state=CloseVoteState.PENDING
        )
        .values("reason", "off_topic_reason_id")
        .annotate(n=Count("id"), last=Max("creation_date"), mine=Count("id", filter=mine))
        .order_by()
    )
    if rows and max(r["last"] for r in rows) < now - rules.VOTE_AGING:
        rows = []
    tally = {(r["reason"], r["off_topic_reason_id"]): (r["n"], bool(r["mine"])) for r in rows}
    options = [
        CloseOption(
            int(reason.code),
            reason.key,
            reason.title,
            reason.usage,
            reason.code == CloseReason.DUPLICATE,
            *tally.get((int(reason.code), None), (0, False)),
        )
        for reason in rules.STANDARD_REASONS
    ]
    site = tuple(
        CloseOption(
            reason.id,
            rules.OFF_TOPIC_KEY,
            reason.brief_description,
            reason.usage_guidance,
            False,
            *tally.get((int(CloseReason.OFF_TOPIC), reason.id), (0, False)),
        )
        for reason in OffTopicReason.objects.filter(active=True)
    )
    if site:
        options.append(
            CloseOption(
                int(CloseReason.OFF_TOPIC),
                rules.OFF_TOPIC_KEY,
                "A community-specific reason",
                "This question doesn't meet a guideline of this site.",
                False,
                sum(o.count for o in site),
                any(o.viewer_voted for o in site),
                site,
            )
        )
    return options


def standing_vote_counts(question_ids: list[int], now: datetime | None = None) -> dict:
    """{question id: (close votes, reopen votes)} standing now, for a page of questions (one
    query); a kind whose last vote or flag is past the aging window counts none."""
    now = now or timezone.now()
    rows = (
        CloseVote.objects.filter(question_id__in=question_ids, state=CloseVoteState.PENDING)
        .values("question_id", "kind")
        .annotate(n=Count("id", filter=Q(is_flag=False)), last=Max("creation_date"))
        .order_by()
    )
    counts: dict[int, list[int]] = {}
    for row in rows:
        if row["last"] < now - rules.VOTE_AGING:
            continue
        pair = counts.setdefault(row["question_id"], [0, 0])
        pair[0 if row["kind"] == CloseVoteKind.CLOSE else 1] += row["n"]
    return {qid: (pair[0], pair[1]) for qid, pair in counts.items()}


# Deletion state of posts, and the moderator tools (spec §7.6)


@dataclass
class DeletionState:
    """What a page shows about a post's deletion and what the viewer may do about it."""

    post_id: int
    deleted: bool
    deleted_by: Closer | None  # who deleted it (the last PostHistory 12), when deleted
    deletion_date: datetime | None
    delete_votes: int  # standing votes, shown only when can_see_votes
    undelete_votes: int
    votes_needed: int  # for the vote the post takes now (delete when live, undelete deleted)
    can_see_votes: bool
    viewer_voted: bool  # the viewer's vote of the kind the post takes now stands
    may_vote_delete: tuple[bool, str]
    may_vote_undelete: tuple[bool, str]
    vote_delete_url: str
    vote_undelete_url: str


def deletion_state(post_ids, viewer, now: datetime | None = None) -> dict[int, DeletionState]:
    """Per post: standing delete/undelete votes, the viewer's vote, what the viewer may do.
    At most four queries whatever the number of posts or votes."""
    from quaestio.moderation.deletion import standing_since
    from quaestio.moderation.models import DeletionVote, DeletionVoteKind, DeletionVoteState

    now = now or timezone.now()
    posts = {p.id: p for p in Post.objects.select_related("parent").filter(id__in=list(post_ids))}
    if not posts:
        return {}
    since = {
        kind: standing_since(posts, kind)
        for kind in (DeletionVoteKind.DELETE, DeletionVoteKind.UNDELETE)
    }
    counts: dict[tuple[int, int], int] = {}
    mine: set[tuple[int, int]] = set()
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    for post_id, kind, user_id, created in DeletionVote.objects.filter(
        post_id__in=list(posts), state=DeletionVoteState.PENDING
    ).values_list("post_id", "kind", "user_id", "creation_date"):
        start = since[kind].get(post_id)
        if start is not None and created < start:
            continue  # cast before the post last changed state: no longer standing
        counts[post_id, kind] = counts.get((post_id, kind), 0) + 1
        if user_id == viewer_id:
            mine.add((post_id, kind))
    deleters = _last_deleters([i for i, p in posts.items() if p.deletion_date is not None])
    tools = policies.can_use_moderator_tools(viewer)[0]
    states = {}
    for post_id, post in posts.items():
        deleted = post.deletion_date is not None
        kind = DeletionVoteKind.UNDELETE if deleted else DeletionVoteKind.DELETE
        may_delete = policies.can_vote_to_delete(viewer, post, now)
        may_undelete = policies.can_vote_to_undelete(viewer, post)
        states[post_id] = DeletionState(
            post_id=post_id,
            deleted=deleted,
            deleted_by=deleters.get(post_id),
            deletion_date=post.deletion_date,
            delete_votes=counts.get((post_id, DeletionVoteKind.DELETE), 0),
            undelete_votes=counts.get((post_id, DeletionVoteKind.UNDELETE), 0),
            votes_needed=(
                rules.undelete_votes_needed(post) if deleted else rules.delete_votes_needed(post)
            ),
            can_see_votes=tools or may_delete[0] or may_undelete[0],
            viewer_voted=(post_id, kind) in mine,
            may_vote_delete=may_delete,
            may_vote_undelete=may_undelete,
            vote_delete_url=links.post_action_url(post_id, "vote_delete"),
            vote_undelete_url=links.post_action_url(post_id, "vote_undelete"),
        )
    return states


def _last_deleters(post_ids: list[int]) -> dict[int, Closer]:
    """Who deleted each post last, from its PostHistory type 12 rows (one query)."""
    if not post_ids:
        return {}
    rows = (
        PostHistory.objects.filter(
            post_id__in=post_ids, post_history_type=PostHistoryType.POST_DELETED
        )
        .select_related("user")
        .order_by("post_id", "creation_date", "id")
    )
    found: dict[int, Closer] = {}
    for row in rows:
        found[row.post_id] = _person(row.user, row.user_display_name)
    return found


def _person(user, fallback_name: str = "") -> Closer:
    if user is None:
        return Closer(None, fallback_name or "deleted user", False, None)
    return Closer(
        user.id, user.display_name, user.is_moderator, links.user_url(user.id, user.display_name)
    )


TOOLS_PAGE_SIZE = 50
TOOLS_SECTIONS = ("deletions", "close", "delete")


@dataclass
class ToolsRow:
    post_id: int
    title: str  # the question's title (an answer's question)
    url: str
    when: datetime
    who: Closer | None
    detail: str  # the close reason, "answer", or the deleter's comment
    votes: int = 0  # pending votes of this kind on the post


@dataclass
class ToolsPage:
    section: str
    rows: list[ToolsRow]
    next_key: str  # the "before" of the next page, "" on the last


def tools_page(section: str, before: str = "", size: int = TOOLS_PAGE_SIZE) -> ToolsPage:
    """/tools: recent deletions, pending close votes or pending delete votes, newest first,
    keyset-paged on (date, id): each page reads at most `size` + 1 rows through an index, and
    a fixed number of queries besides."""
    from quaestio.moderation.models import DeletionVote, DeletionVoteKind, DeletionVoteState

    section = section if section in TOOLS_SECTIONS else "deletions"
    key = _tools_key(before)
    if section == "deletions":
        posts = Post.objects.filter(deletion_date__isnull=False).select_related("parent")
        if key:
            posts = posts.filter(
                Q(deletion_date__lt=key[0]) | Q(deletion_date=key[0], id__lt=key[1])
            )
        found = list(posts.order_by("-deletion_date", "-id")[: size + 1])
        deleters = _last_deleters([p.id for p in found[:size]])
        rows = [
            ToolsRow(
                p.id,
                post_title(p),
                post_link(p),
                p.deletion_date,
                deleters.get(p.id),
                "answer" if p.post_type == PostType.ANSWER else "question",
            )
            for p in found[:size]
        ]
        keys = [(p.deletion_date, p.id) for p in found]
    else:
        if section == "close":
            votes = CloseVote.objects.filter(
                state=CloseVoteState.PENDING, kind=CloseVoteKind.CLOSE, is_flag=False
            )
        else:
            votes = DeletionVote.objects.filter(
                state=DeletionVoteState.PENDING, kind=DeletionVoteKind.DELETE
            )
        if key:
            votes = votes.filter(
                Q(creation_date__lt=key[0]) | Q(creation_date=key[0], id__lt=key[1])
            )
        post_field = "question" if section == "close" else "post"
        found = list(
            votes.select_related(post_field, f"{post_field}__parent", "user").order_by(
                "-creation_date", "-id"
            )[: size + 1]
        )
        rows = []
        for vote in found[:size]:
            post = getattr(vote, post_field)
            detail = (
                CloseReason(vote.reason).label
                if section == "close" and vote.reason in CloseReason.values
                else ("answer" if post.post_type == PostType.ANSWER else "question")
            )
            rows.append(
                ToolsRow(
                    post.id,
                    post_title(post),
                    post_link(post),
                    vote.creation_date,
                    _person(vote.user),
                    detail,
                )
            )
        keys = [(v.creation_date, v.id) for v in found]
    more = len(found) > size
    next_key = f"{keys[size - 1][0].isoformat()}|{keys[size - 1][1]}" if more else ""
    return ToolsPage(section, rows, next_key)


def _tools_key(before: str):
    stamp, _, row_id = (before or "").partition("|")
    try:
        return datetime.fromisoformat(stamp), int(row_id)
    except ValueError:
        return None


def post_title(post: Post) -> str:
    if post.post_type == PostType.ANSWER and post.parent is not None:
        return post.parent.title
    return post.title


def post_link(post: Post) -> str:
    if post.post_type == PostType.ANSWER and post.parent is not None:
        return links.answer_in_thread_url(post.parent_id, post.parent.title, post.id)
    return links.question_url(post.id, post.title)
