"""Raw SQL for the question page, the site's hottest path.

Why: building these five queries through the ORM and turning their rows into model instances
cost more than everything else the page does. Measured in-process on the demo thread, one
query of the thread's posts took 1.24 ms through the ORM against 0.09 ms through the cursor
(`python bench/question_page.py` shows the effect on the whole page). The rows become small
slotted objects carrying just what the page shows. Plain SQL that SQLite and PostgreSQL both
accept; parameters are always bound, never formatted in. Each function takes the cursor the
page's queries share: opening a cursor through Django costs about 50,000 instructions, as much as
running one of the smaller queries (callgrind).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import ClassVar

from django.db import connection
from django.utils.dateparse import parse_datetime

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.moderation.models import HELD_COMMENT
from quaestio.posts.models import CloseReason, PostHistoryType, PostType, parse_tags
from quaestio.votes.models import VoteType

# The SQL below compares type columns with numbers: they come from the enums, once, here.
_QUESTION, _ANSWER = int(PostType.QUESTION), int(PostType.ANSWER)
_UP, _DOWN = int(VoteType.UP_MOD), int(VoteType.DOWN_MOD)
_DELETE_VOTE = int(VoteType.DELETION)


@lru_cache(maxsize=16384)
def _utc_from_text(text: str) -> datetime:
    """A stored timestamp as an aware datetime. PostgreSQL hands back aware datetimes; on SQLite
    the date columns are selected as their stored UTC text (see _date) and parsed here. Callers
    test `value.__class__ is str` themselves: it runs for every date of a thread on every view."""
    # Remembered: a thread's few dozen timestamps recur on every view, and a dictionary lookup
    # costs a tenth of the driver's converter and Django's parser together (callgrind).
    moment = datetime.fromisoformat(text) if len(text) in (19, 26) else parse_datetime(text)
    if moment is None:
        raise ValueError(f"not a stored timestamp: {text!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(column: str) -> str:
    """A date column as selected: on SQLite as an expression (`+column`, a no-op), which has no
    declared type, so the driver hands back the stored text instead of running its converter."""
    return f"+{column} AS {column.rsplit('.', 1)[-1]}" if connection.vendor == "sqlite" else column


@dataclass(slots=True)
class PostRow:
    """A post of the thread with what the page shows of it: each column costs on every view
    (sqlite3 converts values one at a time), so columns the page does not show are left out."""

    id: int
    post_type: int
    parent_id: int | None
    accepted_answer_id: int | None
    creation_date: datetime
    deletion_date: datetime | None  # set only on the deleted posts some viewers are shown
    score: int
    view_count: int | None
    body: str
    owner_id: int | None
    owner_display_name: str
    last_editor_id: int | None
    last_editor_display_name: str
    last_edit_date: datetime | None
    last_activity_date: datetime
    title: str
    tags: str
    closed_date: datetime | None
    close_reason: int | None
    locked_date: datetime | None
    protected_date: datetime | None
    community_owned_date: datetime | None
    content_license: str
    imported_from: str
    ai_disclosure: str  # the author's AI-use disclosure (posts/ai_use.py), shown as a notice
    has_links: bool  # a question linking or linked to another (answers: always false)
    has_notice: bool  # a post notice was ever added (ours or a dump's): read only then
    # The post's kept sources (sources.PostSource) as JSON, None when it cites none: parsed
    # only when the thread is rendered (web/thread_render.with_sources), compared every view.
    sources_json: str | None
    has_dead_links: bool  # the link checker found a link of it dead (linkcheck/): read only then
    # A question's open bounty (answers: always None): its amount, who offered it, its end.
    bounty_amount: int | None
    bounty_offerer_id: int | None
    bounty_ends_at: datetime | None
    # The question's thread version (posts/thread_version.py; answers: None), the key of its
    # rendered HTML in each process (web/thread_cache.py).
    thread_version: int | None
    # A community wiki post's "N users": the people who wrote its text (0 for other posts).
    editor_count: int

    @property
    def tag_names(self) -> list[str]:
        # The moderation policies (gold tag badges) read a question's tags as Post gives them.
        return parse_tags(self.tags)

    def get_close_reason_display(self) -> str:
        return (
            CloseReason(self.close_reason).label if self.close_reason in CloseReason.values else ""
        )


_POST_DATES = (
    "creation_date",
    "deletion_date",
    "bounty_ends_at",
    "last_edit_date",
    "last_activity_date",
    "closed_date",
    "locked_date",
    "protected_date",
    "community_owned_date",
)
_POST_DATE_INDEXES = tuple(
    index for index, name in enumerate(PostRow.__dataclass_fields__) if name in _POST_DATES
)


# Whether the page needs its Linked query at all: most questions have no links, and asking
# here (two index probes on the question's row) costs a tenth of running that query (callgrind).
_HAS_LINKS = (
    f"CASE WHEN post_type = {_QUESTION} THEN EXISTS (SELECT 1 FROM posts_postlink l"
    " WHERE l.post_id = posts_post.id OR l.related_post_id = posts_post.id) ELSE FALSE END"
)


# Whether moderation.post_states must read the post's notice: almost no post has ever had one,
# and two index probes per post cost less than the two queries that would find none.
_HAS_NOTICE = (
    "(EXISTS (SELECT 1 FROM moderation_postnotice n WHERE n.post_id = posts_post.id)"
    " OR EXISTS (SELECT 1 FROM posts_posthistory h WHERE h.post_id = posts_post.id"
    f" AND h.post_history_type IN ({int(PostHistoryType.POST_NOTICE_ADDED)},"
    f" {int(PostHistoryType.POST_NOTICE_REMOVED)})))"
)


# The post's sources, read with it: a range of post_source_position_uniq per post (nothing for
# the many posts that cite none) costs less than a query of their own on the render, and keeps
# the page within its query budget.
_SOURCE_FIELDS = "s.position, s.kind, s.value, s.domain, s.title, s.author, s.year"
_SOURCES_JSON = (
    # SQLite: '[]' when there are none; the list's order is restored from `position`.
    "NULLIF((SELECT json_group_array(json_array("
    + _SOURCE_FIELDS
    + ")) FROM sources_postsource s WHERE s.post_id = posts_post.id), '[]')",
    "(SELECT json_agg(json_build_array("
    + _SOURCE_FIELDS
    + ") ORDER BY s.position)::text FROM sources_postsource s WHERE s.post_id = posts_post.id)",
)


# Whether the page must read the post's dead links (linkcheck/): almost no post has one, and a
# probe of the partial index of dead post links costs less than the query that would find none.
_HAS_DEAD_LINKS = (
    "EXISTS (SELECT 1 FROM linkcheck_postlink d WHERE d.post_id = posts_post.id AND d.dead)"
)


# Community wiki posts show how many people wrote them instead of the owner's card: counted on
# the post's own history rows (an index range), only for the few posts that are wiki.
_EDITOR_COUNT = (
    "CASE WHEN community_owned_date IS NULL THEN 0 ELSE (SELECT COUNT(DISTINCT h.user_id)"
    " FROM posts_posthistory h WHERE h.post_id = posts_post.id"
    f" AND h.post_history_type IN ({', '.join(str(t) for t in range(1, 10))})) END"
)


@lru_cache(maxsize=2)
def _post_columns(vendor: str) -> str:
    return ", ".join(_post_column(name) for name in PostRow.__dataclass_fields__)


# The question's open bounty (at most one, bounty_offer checks), read on the question's row:
# an index probe per column costs less than a query of its own.
_BOUNTY_COLUMNS = {
    "bounty_amount": "amount",
    "bounty_offerer_id": "offerer_id",
    "bounty_ends_at": "ends_at",
}


def _bounty_column(name: str) -> str:
    column = _BOUNTY_COLUMNS[name]
    if name == "bounty_ends_at" and connection.vendor == "sqlite":
        column = f"+b.{column}"  # the stored text, as _date does
    else:
        column = f"b.{column}"
    return (
        f"CASE WHEN post_type = {_QUESTION} THEN (SELECT {column} FROM votes_bounty b"
        f" WHERE b.question_id = posts_post.id AND b.state = 'open' ORDER BY b.id LIMIT 1)"
        f" END AS {name}"
    )


# One primary-key probe on the question's row.
_THREAD_VERSION = (
    f"CASE WHEN post_type = {_QUESTION} THEN COALESCE((SELECT v.version FROM posts_threadversion v"
    " WHERE v.question_id = posts_post.id), 0) END AS thread_version"
)


def _post_column(name: str) -> str:
    if name == "thread_version":
        return _THREAD_VERSION
    if name == "has_links":
        return f"{_HAS_LINKS} AS has_links"
    if name == "has_notice":
        return f"{_HAS_NOTICE} AS has_notice"
    if name == "sources_json":
        return f"{_SOURCES_JSON[connection.vendor == 'postgresql']} AS sources_json"
    if name == "has_dead_links":
        return f"{_HAS_DEAD_LINKS} AS has_dead_links"
    if name == "editor_count":
        return f"{_EDITOR_COUNT} AS editor_count"
    if name in _BOUNTY_COLUMNS:
        return _bounty_column(name)
    return _date(name) if name in _POST_DATES else name


@dataclass(slots=True)
class CommentRow:
    id: int
    post_id: int
    score: int
    text_html: str
    creation_date: datetime
    user_id: int | None
    user_display_name: str
    # The page shows live comments only; the comment policies read this as on a Comment.
    deletion_date: ClassVar[None] = None


@dataclass(slots=True)
class UserCardRow:
    id: int
    display_name: str
    reputation: int
    gold_badges: int
    silver_badges: int
    bronze_badges: int
    is_moderator: bool
    suspended_until: datetime | None  # shown reputation is 1 while suspended (accounts.policies)

    @property
    def is_community(self) -> bool:
        return self.id == COMMUNITY_USER_ID


@dataclass(slots=True)
class SidebarRow:
    kind: str  # "linked" or "related"
    id: int
    title: str
    score: int
    answer_count: int | None
    accepted_answer_id: int | None


def _marks(values) -> str:
    """One bound parameter per value, for an IN list."""
    return ", ".join(["%s"] * len(values))


def _rows(cursor, sql: str, params: list) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def thread_posts(cursor, question_id: int, with_deleted: bool = False) -> list[PostRow]:
    """The question and its answers, in one query: the live ones, and with `with_deleted` the
    deleted ones too (the selector keeps those the viewer may see)."""
    live = "" if with_deleted else "deletion_date IS NULL AND "
    rows = _rows(
        cursor,
        f"SELECT {_post_columns(connection.vendor)} FROM posts_post "
        f"WHERE {live}((id = %s AND post_type = {_QUESTION})"
        f" OR (parent_id = %s AND post_type = {_ANSWER}))",
        [question_id, question_id],
    )
    return [PostRow(*_with_aware_dates(row)) for row in rows]


@dataclass(slots=True)
class Deletion:
    post_id: int
    user_id: int | None
    user_display_name: str
    date: datetime
    held: bool = False  # the spam filter's hold (moderation.held), not a deletion of a person's


def last_deletions(cursor, post_ids: list[int]) -> dict[int, Deletion]:
    """Who deleted each post last, and when (post history type 12), for the deleted posts a
    viewer is shown."""
    if not post_ids:
        return {}
    marks = _marks(post_ids)
    rows = _rows(
        cursor,
        f"SELECT post_id, user_id, user_display_name, {_date('creation_date')}, comment"
        f" FROM posts_posthistory WHERE post_history_type = 12 AND post_id IN ({marks})"
        " ORDER BY posts_posthistory.creation_date, id",
        list(post_ids),
    )
    found: dict[int, Deletion] = {}
    for post_id, user_id, name, date, comment in rows:  # the latest wins
        if date.__class__ is str:
            date = _utc_from_text(date)
        held = user_id == COMMUNITY_USER_ID and comment == HELD_COMMENT
        found[post_id] = Deletion(post_id, user_id, name, date, held)
    return found


def _with_aware_dates(row: tuple) -> list:
    values = list(row)
    for index in _POST_DATE_INDEXES:
        value = values[index]
        if value.__class__ is str:
            values[index] = _utc_from_text(value)
    return values


def thread_comments(
    cursor, post_ids: list[int], shown: int | None = None
) -> tuple[list[CommentRow], dict[int, int]]:
    """The live comments of these posts, oldest first, and how many each post has. With `shown`,
    only each post's `shown` highest-voted (ties: oldest), as Stack Exchange shows them until
    "show N more comments" is asked for: a page never reads the comments it leaves out."""
    if not post_ids:
        return [], {}
    marks = _marks(post_ids)
    columns = f"id, post_id, score, text_html, {_date('creation_date')}, user_id, user_display_name"
    if shown is None:
        rows = _rows(
            cursor,
            f"SELECT {columns}, 0 FROM comments_comment"
            f" WHERE post_id IN ({marks}) AND deletion_date IS NULL "
            # The index order, so no sort step; qualified, as the bare name is the selected +column.
            "ORDER BY post_id, comments_comment.creation_date, id",
            list(post_ids),
        )
    else:
        rows = _rows(
            cursor,
            f"SELECT {_RANKED_OUTER} FROM (SELECT {columns},"
            " ROW_NUMBER() OVER (PARTITION BY post_id ORDER BY score DESC,"
            " comments_comment.creation_date, id) AS shown_rank,"
            " COUNT(*) OVER (PARTITION BY post_id) AS total"
            f" FROM comments_comment WHERE post_id IN ({marks}) AND deletion_date IS NULL) ranked"
            " WHERE shown_rank <= %s ORDER BY post_id, ranked.creation_date, id",
            [*post_ids, shown],
        )
    comments = []
    totals: dict[int, int] = {}
    for row in rows:
        comment = CommentRow(*row[:7])
        if comment.creation_date.__class__ is str:
            comment.creation_date = _utc_from_text(comment.creation_date)
        comments.append(comment)
        if shown is None:
            totals[comment.post_id] = totals.get(comment.post_id, 0) + 1
        else:
            totals[comment.post_id] = row[7]
    return comments, totals


_RANKED_OUTER = "id, post_id, score, text_html, creation_date, user_id, user_display_name, total"


def user_cards(cursor, user_ids: set[int]) -> dict[int, UserCardRow]:
    if not user_ids:
        return {}
    ids = sorted(user_ids)
    marks = _marks(ids)
    rows = _rows(
        cursor,
        "SELECT id, display_name, reputation, gold_badges, silver_badges, bronze_badges, is_moderator,"
        f" {_date('suspended_until')} FROM accounts_user WHERE id IN ({marks})",
        ids,
    )
    cards = {row[0]: UserCardRow(*row) for row in rows}
    for card in cards.values():
        if card.suspended_until.__class__ is str:
            card.suspended_until = _utc_from_text(card.suspended_until)
    return cards


def linked_questions(cursor, question_id: int, limit: int) -> list[SidebarRow]:
    """Questions linking to this one or linked from it (duplicates included), best first."""
    rows = _rows(
        cursor,
        "SELECT 'linked' AS kind, p.id, p.title, p.score, p.answer_count, p.accepted_answer_id"
        " FROM posts_post p"
        f" WHERE p.post_type = {_QUESTION} AND p.deletion_date IS NULL AND p.id <> %s AND p.id IN ("
        "   SELECT related_post_id FROM posts_postlink WHERE post_id = %s"
        "   UNION SELECT post_id FROM posts_postlink WHERE related_post_id = %s)"
        " ORDER BY p.score DESC, p.id LIMIT %s",
        [question_id, question_id, question_id, limit],
    )
    return [SidebarRow(*row) for row in rows]


@dataclass(slots=True)
class ViewerVotes:
    posts: dict[int, tuple[int, datetime]]  # post id -> (2 up or 3 down, when cast)
    comments: set[int]  # ids of the comments the viewer upvoted
    open_bounties: int = 0  # bounties the viewer offered that are still open (anywhere)
    upvoted_posts: set[int] = field(default_factory=set)  # of those asked, with an upvote
    # Of the posts asked, the pending delete (10) and undelete (11) votes: (post, kind) -> dates.
    deletion_votes: dict[tuple[int, int], list[datetime]] = field(default_factory=dict)


def viewer_votes(
    cursor,
    post_ids: list[int],
    comment_ids: list[int],
    user_id: int,
    upvoted_among: list[int] = (),
    deletion_votes_among: list[int] = (),
) -> ViewerVotes:
    """The viewer's up (2) or down (3) vote on each post of the thread, their comment upvotes
    (type 0 here), their open bounties (type -1, any question: the bounty policy limits them
    per user) and which of `upvoted_among` have an upvote from anyone (type -2: whether the
    asker may delete their question) and the pending delete and undelete votes on
    `deletion_votes_among` (types -10 and -11: their counts, for users who may see them;
    delete votes cast before the post's last undeletion no longer stand), in one query."""
    votes = ViewerVotes({}, set())
    if not post_ids:
        return votes
    post_marks = _marks(post_ids)
    sql = (
        f"SELECT post_id, vote_type, {_date('creation_date')} FROM votes_vote"
        f" WHERE user_id = %s AND post_id IN ({post_marks}) AND vote_type IN ({_UP}, {_DOWN})"
        " UNION ALL SELECT question_id, -1, NULL FROM votes_bounty"
        " WHERE offerer_id = %s AND state = 'open'"
    )
    params = [user_id, *post_ids, user_id]
    if comment_ids:
        comment_marks = _marks(comment_ids)
        sql += (
            f" UNION ALL SELECT comment_id, 0, {_date('creation_date')} FROM votes_commentvote"
            f" WHERE user_id = %s AND comment_id IN ({comment_marks})"
        )
        params += [user_id, *comment_ids]
    if upvoted_among:
        sql += (
            # A typed date column, not NULL: PostgreSQL types a grouped NULL as text.
            " UNION ALL SELECT post_id, -2, MIN(creation_date) FROM votes_vote"
            f" WHERE vote_type = {_UP} AND post_id IN ({_marks(upvoted_among)}) GROUP BY post_id"
        )
        params += list(upvoted_among)
    if deletion_votes_among:
        sql += (
            f" UNION ALL SELECT d.post_id, -d.kind, {_date('d.creation_date')}"
            " FROM moderation_deletionvote d WHERE d.state = 'pending'"
            f" AND d.post_id IN ({_marks(deletion_votes_among)}) AND (d.kind <> {_DELETE_VOTE}"
            " OR NOT EXISTS (SELECT 1 FROM posts_posthistory h WHERE h.post_id = d.post_id"
            f" AND h.post_history_type = {int(PostHistoryType.POST_UNDELETED)}"
            " AND h.creation_date > d.creation_date))"
        )
        params += list(deletion_votes_among)
    for target, vote_type, date in _rows(cursor, sql, params):
        if vote_type == 0:
            votes.comments.add(target)
            continue
        if vote_type == -1:
            votes.open_bounties += 1
            continue
        if vote_type == -2:
            votes.upvoted_posts.add(target)
            continue
        if date.__class__ is str:
            date = _utc_from_text(date)
        if vote_type < -2:
            votes.deletion_votes.setdefault((target, -vote_type), []).append(date)
            continue
        votes.posts[target] = (vote_type, date)
    return votes
