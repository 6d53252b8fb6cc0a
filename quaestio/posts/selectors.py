"""Reads shaped for pages: each fetches what a page shows in a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.accounts.policies import moderator_refusal
from quaestio.accounts.selectors import Card, person_card
from quaestio.comments.policies import upvoted_deletion_post_ids_today
from quaestio.core import listing
from quaestio.core.site_counts import QUESTIONS, UNANSWERED, site_count
from quaestio.moderation import policies as moderation_policies
from quaestio.moderation.citations import can_vote_citation_needed
from quaestio.moderation.notices import CITATION_NEEDED
from quaestio.moderation.post_states import PostState, post_states
from quaestio.moderation.selectors import (
    ClosedNotice,
    close_state,
    closed_notices,
)
from quaestio.posts import sql
from quaestio.posts.actions import (
    NO,
    YES,
    CommentActions,
    PostActions,
    ThreadFacts,
    Verdict,
    bounty_verdict,
    comment_actions,
    from_decision,
    post_actions,
)
from quaestio.posts.models import Post, PostHistory, PostHistoryType, PostType
from quaestio.posts.policies import can_view_deleted, may_answer
from quaestio.posts.sql import CommentRow, Deletion, PostRow, SidebarRow, ViewerVotes
from quaestio.reputation.privileges import has_privilege
from quaestio.search.selectors import related_questions
from quaestio.tags.models import Tag
from quaestio.votes.models import Bounty, BountyState, Vote, VoteType

ANSWER_SORTS = {
    "score": "Highest score (default)",
    "trending": "Trending (recent votes count more)",
    "modified": "Date modified (newest first)",
    "created": "Date created (oldest first)",
}
DEFAULT_ANSWER_SORT = "score"
ANSWERS_PER_PAGE = 30  # as Stack Exchange pages a question's answers
SIDEBAR_LIMIT = 10  # linked and related questions shown beside a question


@dataclass(slots=True)
class PostBlock:
    post: PostRow
    owner: Card
    editor: Card | None  # shown only when the last editor is not the owner
    comments: list[CommentView] = field(default_factory=list)
    hidden_comment_count: int = 0  # comments not shown, behind "show N more comments"
    actions: PostActions = field(default_factory=PostActions)  # what the viewer may do
    deleted_by: Card | None = None  # for a deleted post shown to its owner or a moderator
    deletion: Deletion | None = None
    state: PostState | None = None  # its lock, protection and post notice (moderation)
    # Community wiki (spec §5.3): shown as "Community wiki" and its editors, not the owner.
    community_wiki: bool = False
    editor_count: int = 0
    # sources.selectors.ShownSource in order: read when the thread is rendered, not every view
    # (web/thread_render.with_sources), since the kept HTML shows them.
    sources: list = field(default_factory=list)


@dataclass(slots=True)
class CommentView:
    comment: CommentRow
    author: Card
    actions: CommentActions = field(default_factory=CommentActions)


@dataclass(slots=True)
class OpenBounty:
    amount: int
    offerer: Card
    ends_at: datetime


@dataclass(slots=True)
class QuestionPage:
    question: PostBlock
    answers: list[PostBlock]
    sort: str
    accepted_answer_id: int | None
    number: int  # the page of answers shown (ANSWERS_PER_PAGE a page)
    linked: list[SidebarRow]
    related: (
        list  # rows from the search engine with id, title, score, answer_count, accepted_answer_id
    )
    can_answer: Verdict = NO  # the answer form (rate limits are told when it is sent)
    bounty: OpenBounty | None = None
    closed_notice: ClosedNotice | None = None  # a closed question's notice (moderation)
    answer_total: int = 0  # the live answers of every page


@dataclass(slots=True)
class Thread:
    """The question and the answers this viewer may see: the page's first query, enough to
    redirect a wrong slug before doing the rest."""

    question: PostRow
    answers: list[PostRow]


def answer_page_count(answers: list) -> int:
    return max(1, -(-len(answers) // ANSWERS_PER_PAGE))


def answers_on_page(ordered: list[PostRow], number: int) -> tuple[list[PostRow], int]:
    """The answers of page `number` of the ordered answers, and the page served: one past the
    end serves the last page."""
    number = min(max(1, number), answer_page_count(ordered))
    start = (number - 1) * ANSWERS_PER_PAGE
    return ordered[start : start + ANSWERS_PER_PAGE], number


def page_holding(ordered: list[PostRow], answer_id: int) -> int:
    """The page of the ordered answers that holds this answer (1 when it is not among them)."""
    for index, answer in enumerate(ordered):
        if answer.id == answer_id:
            return index // ANSWERS_PER_PAGE + 1
    return 1


def _trending_weight(votes: list[Vote], now: datetime) -> float:
    """Σ vote weight × 0.5^(age in days / 365): recent votes count more (spec §5.5)."""
    total = 0.0
    for vote in votes:
        sign = 1 if vote.vote_type == VoteType.UP_MOD else -1
        age_days = max(0.0, (now - vote.creation_date).total_seconds() / 86400)
        total += sign * math.pow(0.5, age_days / 365)
    return total


def sort_answers(
    answers: list[PostRow], sort: str, votes: list[Vote] | None = None
) -> list[PostRow]:
    if sort == "created":
        return sorted(answers, key=lambda a: (a.creation_date, a.id))
    if sort == "modified":
        return sorted(answers, key=lambda a: (a.last_edit_date or a.creation_date), reverse=True)
    if sort == "trending":
        now = timezone.now()
        by_post: dict[int, list[Vote]] = {}
        for vote in votes or []:
            by_post.setdefault(vote.post_id, []).append(vote)
        return sorted(
            answers,
            key=lambda a: (
                -_trending_weight(by_post.get(a.id, []), now),
                -a.score,
                a.creation_date,
                a.id,
            ),
        )
    # Highest score; the accepted answer is marked, not pinned. Ties: oldest first.
    return sorted(answers, key=lambda a: (-a.score, a.creation_date, a.id))


def question_page(
    question_id: int, viewer: User | None = None, sort: str = DEFAULT_ANSWER_SORT
) -> QuestionPage | None:
    """Everything the question page shows, in a fixed number of queries whatever its size."""
    thread = question_thread(question_id, viewer)
    return None if thread is None else thread_page(thread, viewer, sort)


def _signed_in(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated


def question_thread(question_id: int, viewer: User | None = None) -> Thread | None:
    """The question and its answers (one query), with the deleted ones the viewer may see
    (posts.policies.can_view_deleted); None when there is no question the viewer may see."""
    signed_in = _signed_in(viewer)
    with connection.cursor() as cursor:
        posts = sql.thread_posts(cursor, question_id, with_deleted=signed_in)
    if signed_in:
        posts = [p for p in posts if not p.deletion_date or can_view_deleted(viewer, p)[0]]
    question = next((p for p in posts if p.post_type == PostType.QUESTION), None)
    if question is None:
        return None
    return Thread(question, [p for p in posts if p.post_type == PostType.ANSWER])


def thread_page(
    thread: Thread,
    viewer: User | None,
    sort: str = DEFAULT_ANSWER_SORT,
    number: int = 1,
    all_comments: bool = False,
    ordered: list[PostRow] | None = None,
) -> QuestionPage:
    """The rest of the page: the question and page `number` of the answers in the `sort` order,
    their comments (each post's top few, or `all_comments`), people, sidebar, and for a
    signed-in viewer their votes and what they may do with every post and comment shown (see
    posts/sql.py, posts/actions.py). Nothing is read of the answers on other pages. `ordered`:
    the thread's answers already in the `sort` order, when the caller has them."""
    sort = sort if sort in ANSWER_SORTS else DEFAULT_ANSWER_SORT
    with connection.cursor() as cursor:
        if ordered is None:
            ordered = answers_in_order(thread.answers, sort)
        return _thread_page(
            cursor,
            thread,
            viewer if _signed_in(viewer) else None,
            sort,
            number,
            all_comments,
            ordered,
        )


def _thread_page(
    cursor,
    thread: Thread,
    viewer: User | None,
    sort: str,
    number: int,
    all_comments: bool,
    ordered: list[PostRow],
) -> QuestionPage:
    question = thread.question
    answers, number = answers_on_page(ordered, number)
    posts = [question, *answers]
    post_ids = [p.id for p in posts]
    deletions = sql.last_deletions(cursor, [p.id for p in posts if p.deletion_date])
    shown = settings.QUAESTIO_COMMENTS_SHOWN
    comments, comment_totals = sql.thread_comments(
        cursor, post_ids, None if all_comments else shown
    )
    user_ids = {c.user_id for c in comments}
    for post in posts:
        user_ids.add(post.owner_id)
        user_ids.add(post.last_editor_id)
    user_ids.update(d.user_id for d in deletions.values())
    user_ids.add(question.bounty_offerer_id)
    user_ids.discard(None)
    users = sql.user_cards(cursor, user_ids)

    # One Card per person, shared by every appearance, so pages format each person once; a
    # deleted user (no row) is known by the name the post or comment kept.
    cards = {user_id: Card(row, row.display_name) for user_id, row in users.items()}
    deleted: dict[str, Card] = {}

    def card(user_id: int | None, fallback_name: str) -> Card:
        found = cards.get(user_id)
        if found is None:
            found = deleted.get(fallback_name)
            if found is None:
                found = deleted[fallback_name] = person_card(None, fallback_name)
        return found

    decide = _Decider(viewer, question, answers, comments, cursor, thread.answers)
    comments_by_post: dict[int, list[CommentView]] = {}
    # A reader's actions on comments, when the same for every comment (see _Decider).
    shared = decide.comment(comments[0]) if comments and viewer is None else None
    for comment in comments:
        author = card(comment.user_id, comment.user_display_name)
        comments_by_post.setdefault(comment.post_id, []).append(
            CommentView(comment, author, actions=shared or decide.comment(comment))
        )

    def block(post) -> PostBlock:
        views = comments_by_post.get(post.id, [])
        editor = None
        if post.last_edit_date and post.last_editor_id != post.owner_id:
            editor = card(post.last_editor_id, post.last_editor_display_name)
        deletion = deletions.get(post.id)
        return PostBlock(
            post,
            card(post.owner_id, post.owner_display_name),
            editor,
            views,
            comment_totals.get(post.id, 0) - len(views),
            decide.post(post, deletion),
            card(deletion.user_id, deletion.user_display_name) if deletion else None,
            deletion,
            community_wiki=post.community_owned_date is not None,
            editor_count=post.editor_count,
        )

    question_block = block(question)
    if viewer is not None:
        question_block.actions.offer_bounty = bounty_verdict(
            viewer, question, thread.answers, decide.votes.open_bounties, decide.now
        )
    answer_blocks = [block(a) for a in answers]
    curation = _curation(
        viewer, question_block, answer_blocks, decide.now, decide.votes.deletion_votes
    )
    linked, related = sidebar(cursor, question)
    return QuestionPage(
        question=question_block,
        answers=answer_blocks,
        sort=sort,
        accepted_answer_id=question.accepted_answer_id,
        number=number,
        linked=linked,
        related=related,
        can_answer=from_decision(may_answer(viewer, question)),
        bounty=OpenBounty(
            question.bounty_amount,
            card(question.bounty_offerer_id, ""),
            question.bounty_ends_at,
        )
        if question.bounty_amount is not None
        else None,
        closed_notice=curation,
        answer_total=sum(1 for answer in thread.answers if not answer.deletion_date),
    )


def answers_in_order(answers: list[PostRow], sort: str) -> list[PostRow]:
    """The answers in the page's order (`sort` one of ANSWER_SORTS); "trending" reads their
    votes (one query)."""
    votes: list[Vote] = []
    if sort == "trending" and answers:
        votes = list(
            Vote.objects.filter(
                post_id__in=[a.id for a in answers],
                vote_type__in=[VoteType.UP_MOD, VoteType.DOWN_MOD],
            ).only("post_id", "vote_type", "creation_date")
        )
    return sort_answers(answers, sort, votes)


def sidebar(cursor, question: PostRow) -> tuple[list[SidebarRow], list]:
    """The Linked questions (only when the question has links) and the Related ones."""
    linked = sql.linked_questions(cursor, question.id, SIDEBAR_LIMIT) if question.has_links else []
    return linked, related_questions(question, SIDEBAR_LIMIT, cursor)


def anonymous_actions(thread: Thread) -> dict[int, PostActions]:
    """What an anonymous reader is offered on each post (see _Decider: decided from the rows
    alone, no query), for the thread HTML kept for every anonymous view."""
    decide = _Decider(None, thread.question, thread.answers, [], None)
    return {post.id: decide.post(post, None) for post in [thread.question, *thread.answers]}


def _curation(
    viewer: User | None,
    question: PostBlock,
    answers: list[PostBlock],
    now: datetime,
    deletion_votes: dict[tuple[int, int], list[datetime]],
) -> ClosedNotice | None:
    """The closed notice, each post's lock, protection and notice, and for a signed-in viewer
    the curation actions on each post (close, reopen, lock, protect, notice, delete votes), from
    moderation's selectors. An anonymous reader may do none of them: only what they see is read
    (the notice of a closed question, the post states)."""
    blocks = [question, *answers]
    posts = [b.post for b in blocks]
    states = post_states(posts, viewer, now)
    for block in blocks:
        block.state = states[block.post.id]
    _post_state_actions(blocks)
    if viewer is not None:
        _deletion_vote_actions(viewer, blocks, now, deletion_votes)
        _citation_actions(viewer, blocks)
        # Merge, convert, purge, move comments: moderation.post_tools asks the same (no query).
        if not moderator_refusal(viewer, "use the moderator tools on posts"):
            for block in blocks:
                block.actions.moderator_tools = YES
    # Closing starts at the flag privilege (15): below it the viewer may neither flag, vote nor
    # see the votes, and reads only the notice.
    if viewer is None or not (viewer.is_moderator or has_privilege(viewer, "flag_posts")[0]):
        viewer_id = viewer.id if viewer is not None else None
        return closed_notices([question.post], viewer_id).get(question.post.id)
    closing = close_state(question.post.id, viewer, question=question.post, now=now)
    actions = question.actions
    closed = closing.is_closed
    if closed:
        actions.reopen = from_decision(closing.may_vote_reopen)
    elif closing.may_close_or_flag:
        actions.close = YES
    if closing.can_see_votes:
        actions.close_votes = closing.reopen_votes if closed else closing.close_votes
    return closing.notice


def _post_state_actions(blocks: list[PostBlock]) -> None:
    """Lock or unlock, protect or unprotect, add a notice: as moderation.post_states decided."""
    for block in blocks:
        state = block.state
        block.actions.lock = YES if (state.can_unlock if state.lock else state.can_lock) else NO
        block.actions.protect = (
            YES if (state.can_unprotect if state.protection else state.can_protect) else NO
        )
        block.actions.notice = YES if state.can_add_notice else NO


def _citation_actions(viewer: User, blocks: list[PostBlock]) -> None:
    """ "Citation needed" on answers not already showing that notice, as
    moderation.citations decides (no query: the rows and notices the page loaded)."""
    for block in blocks[1:]:
        notice = block.state.notice
        if notice is None or notice.kind != CITATION_NEEDED:
            block.actions.citation_needed = from_decision(
                can_vote_citation_needed(viewer, block.post)
            )


def _votes_deletion(viewer: User) -> bool:
    """Delete votes start at the moderator tools privilege (10k: closed questions); moderators
    delete and undelete outright (Delete, Undelete) and cast none."""
    return not viewer.is_moderator and has_privilege(viewer, "moderator_tools")[0]


def _deletion_vote_actions(
    viewer: User,
    blocks: list[PostBlock],
    now: datetime,
    deletion_votes: dict[tuple[int, int], list[datetime]],
) -> None:
    """Vote to delete or undelete, from moderation.policies (the rules deletion_state and the
    vote services apply), asked with the rows the page loaded: no query. With each, the
    standing votes of its kind, read with the viewer's votes (posts.sql.viewer_votes): undelete
    votes count from the post's deletion, delete votes from its last undeletion, as
    moderation.deletion counts them."""
    if not _votes_deletion(viewer):
        return
    question = blocks[0].post
    for block in blocks:
        row = block.post
        post = _InThread(row, question)
        actions = block.actions
        if row.deletion_date:
            actions.vote_undelete = from_decision(
                moderation_policies.can_vote_to_undelete(viewer, post)
            )
            dates = deletion_votes.get((row.id, VoteType.UNDELETION), ())
            actions.undelete_votes = sum(1 for d in dates if d >= row.deletion_date)
        else:
            actions.vote_delete = from_decision(
                moderation_policies.can_vote_to_delete(viewer, post, now)
            )
            actions.delete_votes = len(deletion_votes.get((row.id, VoteType.DELETION), ()))


class _InThread:
    """A page row with its question as `parent`, as the moderation policies read a Post."""

    __slots__ = ("_row", "parent")

    def __init__(self, row: PostRow, question: PostRow) -> None:
        self._row = row
        self.parent = question if row.post_type == PostType.ANSWER else None

    def __getattr__(self, name: str):
        return getattr(self._row, name)


class _Decider:
    """The viewer's actions on the thread's posts and comments, from the policies, with the
    rows loaded once: the viewer's votes (one query), and the rest only when a rule asks.

    An anonymous reader is refused everything at each policy's first check (log in), so what
    differs between two posts for them is only what comes before that check (votes.policies
    .frozen_reason: deleted, locked) and the accepted mark: their actions are decided once per
    such kind of post and shared (and on comments, once for all), which keeps the page
    everyone reads nearly as cheap as before."""

    def __init__(
        self, viewer: User | None, question: PostRow, answers, comments, cursor, all_answers=None
    ) -> None:
        self.viewer = viewer
        self.question = question
        self.now = timezone.now()
        # Of every answer, not only the page's: the question's own rules read them all.
        self.live_answer_ids = [
            a.id for a in (answers if all_answers is None else all_answers) if not a.deletion_date
        ]
        self.votes = ViewerVotes({}, set())
        if viewer is not None:
            asker = viewer.id == question.owner_id
            post_ids = [question.id, *(a.id for a in answers)]
            self.votes = sql.viewer_votes(
                cursor,
                post_ids,
                [c.id for c in comments],
                viewer.id,
                upvoted_among=self.live_answer_ids if asker else (),
                # Read with the viewer's votes, no query of their own (see _deletion_vote_actions).
                deletion_votes_among=post_ids if _votes_deletion(viewer) else (),
            )
        self._upvoted_deletions: set[int] | None = None
        self._anonymous: dict[tuple, PostActions] = {}

    def post(self, post: PostRow, deletion: Deletion | None) -> PostActions:
        if self.viewer is None:
            kind = (
                post.post_type,
                post.id == self.question.accepted_answer_id,
                post.locked_date is None,
                post.deletion_date is None,
            )
            shared = self._anonymous.get(kind)
            if shared is None:
                shared = self._anonymous[kind] = self._post(post, deletion)
            return shared
        return self._post(post, deletion)

    def _post(self, post: PostRow, deletion: Deletion | None) -> PostActions:
        return post_actions(
            self.viewer,
            post,
            self.question,
            facts=ThreadFacts(post, self.question, self.live_answer_ids, self.votes.upvoted_posts),
            standing=self.votes.posts.get(post.id),
            deleted_by_id=deletion.user_id if deletion else None,
            now=self.now,
        )

    def comment(self, comment: CommentRow) -> CommentActions:
        return comment_actions(
            self.viewer,
            comment,
            comment.id in self.votes.comments,
            self._upvoted_deletion_posts,
            self.now,
        )

    def _upvoted_deletion_posts(self) -> set[int]:
        if self._upvoted_deletions is None:
            self._upvoted_deletions = upvoted_deletion_post_ids_today(self.viewer)
        return self._upvoted_deletions


def last_deleter_id(post_id: int) -> int | None:
    """Who deleted the post last (its latest deletion history row), for can_undelete."""
    return (
        PostHistory.objects.filter(post_id=post_id, post_history_type=PostHistoryType.POST_DELETED)
        .order_by("-creation_date", "-id")
        .values_list("user_id", flat=True)
        .first()
    )


QUESTION_LIST_SORTS = {
    "active": ("-last_activity_date", "Active"),
    "newest": ("-creation_date", "Newest"),
    "bounties": ("-started_at", "Bountied"),  # orders bounties: the newest open bounty first
    "score": ("-score", "Score"),
    "unanswered": ("-creation_date", "Unanswered"),
}


@dataclass
class QuestionSummary:
    post: Post
    owner: Card
    activity_user: Card
    bounty_amount: int = 0  # the open bounties on the question, shown as +N; 0 for none


def question_list(
    *,
    sort: str = "active",
    tag: str | None = None,
    owner_id: int | None = None,
    page: int = 1,
    page_size: int = 30,
) -> tuple[list[QuestionSummary], int]:
    """A page of question summaries, each with its open bounty amount, and the total count
    (four queries: the total from a counter, the page's ids from an index, the rows, their
    owners). The page is read from the nearer end of the list and no deeper than
    core.listing allows, so it costs the same on any page of any size of site."""
    order, _label = QUESTION_LIST_SORTS.get(sort, QUESTION_LIST_SORTS["active"])
    queryset = Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
    if tag:
        queryset = queryset.filter(post_tags__tag__name=tag)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    if sort == "unanswered":
        queryset = queryset.filter(answer_count=0)
    open_bounties = Bounty.objects.filter(question=OuterRef("pk"), state=BountyState.OPEN)
    amount = open_bounties.values("question").annotate(total=Sum("amount")).values("total")
    if sort == "bounties":
        # Driven from the open bounties (an index on their state: few, whatever the site's
        # size), not by testing every question for one.
        queryset = queryset.filter(
            id__in=Bounty.objects.filter(state=BountyState.OPEN).values("question_id")
        )
        newest = open_bounties.order_by(order, "-id").values("started_at")[:1]
        queryset = queryset.annotate(bounty_started=Subquery(newest))
        order = "-bounty_started"
    total, exact = _question_total(queryset, sort, tag, owner_id)
    ids = listing.ids_of_page(
        queryset.order_by(order, "-id"), listing.window(page, page_size, total, exact)
    )
    posts = listing.in_order(
        Post.objects.filter(id__in=ids)
        .annotate(bounty_amount=Subquery(amount))
        .defer("body", "body_markdown"),
        ids,
    )
    user_ids = {p.owner_id for p in posts} | {p.last_editor_id for p in posts}
    user_ids.discard(None)
    users = {u.id: u for u in User.objects.filter(id__in=user_ids)}
    summaries = []
    for post in posts:
        owner = person_card(users.get(post.owner_id), post.owner_display_name)
        summaries.append(QuestionSummary(post, owner, owner, post.bounty_amount or 0))
    return summaries, total


def _question_total(queryset, sort: str, tag: str | None, owner_id: int | None) -> tuple[int, bool]:
    """How many questions the list holds, from a counter where one keeps it: the site's
    questions or unanswered questions (core.site_counts), a tag's questions (its count). The
    open bounties are few whatever the site's size (an index on their state); a user's own
    questions are theirs. A tag's unanswered questions have no counter: counted up to the
    deepest row a page may reach, which is all the pager needs (False: not exact)."""
    if owner_id is None and sort != "bounties":
        if tag is None:
            return site_count(UNANSWERED if sort == "unanswered" else QUESTIONS), True
        if sort != "unanswered":
            count = Tag.objects.filter(name=tag).values_list("count", flat=True).first()
            return count or 0, True
        count = listing.bounded_count(queryset)
        return count, count <= listing.max_offset()
    return queryset.count(), True
