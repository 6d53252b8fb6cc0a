"""What the importer derives after loading: Markdown sources, post state, sequences, counters.

All set-wise SQL that runs unchanged on SQLite and PostgreSQL, scoped to the imported site.
"""

from __future__ import annotations

from typing import TextIO

from django.core.management.color import no_style
from django.db import connection

from quaestio.core.counters import COUNTERS, POST_SCORES, recount
from quaestio.dumps.progress import say
from quaestio.posts.models import BODY_HISTORY_TYPES, PostHistoryType, PostType
from quaestio.votes.models import VoteType

_BODY_TYPES = ", ".join(str(t) for t in BODY_HISTORY_TYPES)


def markdown_from_history(site: str) -> int:
    """Each post's Markdown source is the text of its latest body revision (types 2, 5, 8).

    Posts with no body revision get ''. Returns the number of imported posts.
    On PostgreSQL this runs before the indexes are rebuilt (see importer), set-wise: one sort
    of the body revisions (DISTINCT ON) joined to the posts by hash, so each post row is
    rewritten once with only its primary key to maintain. On SQLite the correlated form, run
    after the indexes are back, probes posts_posthistory's post_id index per post and measured
    as fast.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, posts LEFT JOIN latest revisions (posts without one get ''): a
            # separate NOT EXISTS for those was planned as a nested loop over the history.
            cursor.execute(
                f"""UPDATE posts_post SET body_markdown = source.text FROM (
                        SELECT p.id, COALESCE(latest.text, '') AS text FROM posts_post p
                        LEFT JOIN (
                            SELECT DISTINCT ON (h.post_id) h.post_id, h.text
                            FROM posts_posthistory h
                            WHERE h.post_history_type IN ({_BODY_TYPES})
                            ORDER BY h.post_id, h.creation_date DESC, h.id DESC
                        ) AS latest ON latest.post_id = p.id
                        WHERE p.imported_from = %s) AS source
                    WHERE posts_post.id = source.id
                    AND posts_post.body_markdown IS DISTINCT FROM source.text""",
                [site],
            )
            cursor.execute("SELECT COUNT(*) FROM posts_post WHERE imported_from = %s", [site])
            return cursor.fetchone()[0]
        cursor.execute(
            f"""UPDATE posts_post SET body_markdown = COALESCE((
                    SELECT h.text FROM posts_posthistory h
                    WHERE h.post_id = posts_post.id AND h.post_history_type IN ({_BODY_TYPES})
                    ORDER BY h.creation_date DESC, h.id DESC LIMIT 1), '')
                WHERE imported_from = %s""",
            [site],
        )
        return cursor.rowcount


# history type -> (the post's column it sets, the type that clears it)
_STATE_EVENTS = {
    PostHistoryType.POST_CLOSED: "closed",
    PostHistoryType.POST_REOPENED: "closed",
    PostHistoryType.POST_LOCKED: "locked",
    PostHistoryType.POST_UNLOCKED: "locked",
    PostHistoryType.QUESTION_PROTECTED: "protected",
    PostHistoryType.QUESTION_UNPROTECTED: "protected",
}
_SETTING = {
    PostHistoryType.POST_CLOSED,
    PostHistoryType.POST_LOCKED,
    PostHistoryType.QUESTION_PROTECTED,
}


def states_from_history(site: str) -> int:
    """Close reason, lock and protection as the latest close/lock/protect events leave them.

    The dump's ClosedDate is authoritative for whether a post is closed; the history gives the
    reason (the Comment of the latest type-10 row). Locks and protection exist only in history.
    """
    types = ", ".join(str(int(t)) for t in _STATE_EVENTS)
    updated = 0
    with connection.cursor() as reader, connection.cursor() as writer:
        reader.execute(
            f"""SELECT h.post_id, h.post_history_type, h.creation_date, h.comment
                FROM posts_posthistory h JOIN posts_post p ON p.id = h.post_id
                WHERE p.imported_from = %s AND h.post_history_type IN ({types})
                ORDER BY h.post_id, h.creation_date, h.id""",
            [site],
        )
        updates: list[tuple] = []
        current, state = None, {}
        # Streamed a chunk at a time: a big site has millions of close/lock events.
        while chunk := reader.fetchmany(10_000):
            for post_id, history_type, created, comment in chunk:
                if post_id != current:
                    if current is not None:
                        updates.append(_state_row(current, state))
                    current, state = post_id, {}
                kind = _STATE_EVENTS[history_type]
                if history_type in _SETTING:
                    state[kind] = (created, comment)
                else:
                    state.pop(kind, None)
            updated += _write_states(writer, updates)
            updates = []
        if current is not None:
            updated += _write_states(writer, [_state_row(current, state)])
        # A reason only means something while the post is closed (the dump's ClosedDate).
        writer.execute(
            "UPDATE posts_post SET close_reason = NULL WHERE imported_from = %s "
            "AND closed_date IS NULL AND close_reason IS NOT NULL",
            [site],
        )
    return updated


def _write_states(cursor, updates: list[tuple]) -> int:
    if updates:
        cursor.executemany(
            "UPDATE posts_post SET close_reason = %s, locked_date = %s, protected_date = %s "
            "WHERE id = %s",
            updates,
        )
    return len(updates)


def _state_row(post_id: int, state: dict) -> tuple:
    closed = state.get("closed")
    reason = int(closed[1]) if closed and (closed[1] or "").strip().isdigit() else None
    locked = state.get("locked")
    protected = state.get("protected")
    return (reason, locked[0] if locked else None, protected[0] if protected else None, post_id)


def reset_sequences() -> None:
    """After inserting explicit ids, new rows must get ids above them (PostgreSQL sequences;
    SQLite's AUTOINCREMENT already follows the largest id)."""
    from quaestio.dumps.rows import model_for_table
    from quaestio.dumps.schema import IMPORT_ORDER

    models = [model_for_table(spec.table) for spec in IMPORT_ORDER]
    models.append(model_for_table("tags_posttag"))
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def recount_except_scores(
    out: TextIO, only: set[str] | None = None, exclude: set[str] = frozenset()
) -> dict[str, int]:
    """The live site's recount (core.counters), every counter but the dump-kept scores (and
    but those excluded; or only those named)."""

    def progress(name: str, changed: int) -> None:
        say(f"  {name}: {changed:,} corrected", out)

    names = {name for name, _ in COUNTERS if name != POST_SCORES and name not in exclude}
    return recount(progress=progress, only=names & only if only else names)


def user_tag_scores(out: TextIO) -> dict[str, int]:
    """Each person's standing per tag (tags.UserTagScore) from the loaded posts, tags and
    users: the live site's rebuild, set-wise, once the posts' indexes are built."""
    from quaestio.tags.user_scores import USER_TAG_SCORES, rebuild

    with connection.cursor() as cursor:
        changed = rebuild(cursor)
    say(f"  {USER_TAG_SCORES}: {changed:,} written", out)
    return {USER_TAG_SCORES: changed}


def tag_pairs(out: TextIO) -> dict[str, int]:
    """How many questions carry each two tags together (tags.TagPair: the API's related
    tags) from the loaded posts and tags: the live site's rebuild, set-wise."""
    from quaestio.tags.related import TAG_PAIRS, rebuild

    with connection.cursor() as cursor:
        changed = rebuild(cursor)
    say(f"  {TAG_PAIRS}: {changed:,} written", out)
    return {TAG_PAIRS: changed}


# The type numbers of the SQL below come from the enums, once, here.
_POSTS = f"({int(PostType.QUESTION)}, {int(PostType.ANSWER)})"
_SCORE = (
    f"SUM(CASE v.vote_type WHEN {int(VoteType.UP_MOD)} THEN 1"
    f" WHEN {int(VoteType.DOWN_MOD)} THEN -1 ELSE 0 END)"
)


def scores_differing_from_votes(site: str) -> int:
    score = _SCORE
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one pass over the votes, grouped
            cursor.execute(
                f"""SELECT COUNT(*) FROM posts_post p LEFT JOIN (
                       SELECT v.post_id, {score} AS n FROM votes_vote v GROUP BY v.post_id) s
                       ON s.post_id = p.id
                   WHERE p.imported_from = %s AND p.post_type IN {_POSTS}
                   AND p.score <> COALESCE(s.n, 0)""",
                [site],
            )
        else:  # SQLite: one probe of the votes' post_id index per post
            cursor.execute(
                f"""SELECT COUNT(*) FROM posts_post p
                   WHERE p.imported_from = %s AND p.post_type IN {_POSTS} AND p.score <> (
                       SELECT COALESCE({score}, 0) FROM votes_vote v WHERE v.post_id = p.id)""",
                [site],
            )
        return cursor.fetchone()[0]
