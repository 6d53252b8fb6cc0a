"""Denormalised counters, recomputed from the rows they summarise.

Pages read counters (score, answer_count, ...) from the row itself; these statements rebuild
them set-wise, one UPDATE per counter, on SQLite and PostgreSQL alike. Each returns how many
rows it changed, so a recount after an import reports any disagreement instead of hiding it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from quaestio.core.page_generation import pages_changed
from quaestio.core.site_counts import ensure_rows
from quaestio.posts.models import PostType
from quaestio.votes.models import VoteType

# The SQL below compares type columns with numbers: they come from the enums, once, here.
_QUESTION, _ANSWER = int(PostType.QUESTION), int(PostType.ANSWER)
_POSTS = f"({_QUESTION}, {_ANSWER})"
# A vote's worth in a post's score: up +1, down -1, any other kind (accept, bounty...) 0.
_VOTE_WORTH = (
    f"CASE vote_type WHEN {int(VoteType.UP_MOD)} THEN 1 WHEN {int(VoteType.DOWN_MOD)} THEN -1"
    " ELSE 0 END"
)


def _set_from(table: str, column: str, totals: str, differs: str) -> str:
    """UPDATE `table`.`column` from `totals` (id, n): one pass over the summarised rows.

    `totals` yields one row per row of `table` the counter covers, including those
    with nothing to count (n = 0, through a LEFT JOIN on a pre-aggregated GROUP BY); a row is
    written only where `differs` (a comparison of the stored value with s.n) holds — the same
    rows, values and row counts as the correlated form each counter used to be written in,
    which ran one subquery per row (twice: once for the value, once for the comparison).
    UPDATE … FROM is PostgreSQL's and SQLite's (3.33 and later) syntax alike.
    """
    return (
        f"UPDATE {table} SET {column} = s.n FROM ({totals}) AS s "
        f"WHERE {table}.id = s.id AND {differs}"
    )


def _totals(table: str, where: str, child: str, key: str) -> str:
    """(id, n) for each row of `table` matching `where`: n from the aggregate `child`."""
    return (
        f"SELECT t.id AS id, COALESCE(c.n, 0) AS n FROM {table} t "
        f"LEFT JOIN ({child}) c ON c.{key} = t.id WHERE {where}"
    )


POST_SCORES = "post scores"  # the counter dumps keep as given, and search documents carry

# (name, UPDATE statement) — each sets a counter where it differs from what the rows say.
# Set-based, used on PostgreSQL (about half the server time of the correlated form).
COUNTERS: list[tuple[str, str]] = [
    (
        POST_SCORES,
        _set_from(
            "posts_post",
            "score",
            _totals(
                "posts_post",
                f"t.post_type IN {_POSTS}",
                f"SELECT v.post_id, SUM({_VOTE_WORTH}) AS n FROM votes_vote v GROUP BY v.post_id",
                "post_id",
            ),
            "posts_post.score <> s.n",
        ),
    ),
    (
        "answer counts",
        _set_from(
            "posts_post",
            "answer_count",
            _totals(
                "posts_post",
                f"t.post_type = {_QUESTION}",
                "SELECT a.parent_id, COUNT(*) AS n FROM posts_post a "
                f"WHERE a.post_type = {_ANSWER} AND a.deletion_date IS NULL GROUP BY a.parent_id",
                "parent_id",
            ),
            "COALESCE(posts_post.answer_count, -1) <> s.n",
        ),
    ),
    (
        "comment counts",
        _set_from(
            "posts_post",
            "comment_count",
            _totals(
                "posts_post",
                "1 = 1",
                "SELECT c.post_id, COUNT(*) AS n FROM comments_comment c "
                "WHERE c.deletion_date IS NULL GROUP BY c.post_id",
                "post_id",
            ),
            "posts_post.comment_count <> s.n",
        ),
    ),
    (
        "tag counts",
        _set_from(
            "tags_tag",
            "count",
            _totals(
                "tags_tag",
                "1 = 1",
                "SELECT pt.tag_id, COUNT(*) AS n FROM tags_posttag pt "
                "JOIN posts_post p ON p.id = pt.post_id "
                "WHERE p.deletion_date IS NULL GROUP BY pt.tag_id",
                "tag_id",
            ),
            "tags_tag.count <> s.n",
        ),
    ),
] + [
    (
        f"{name} badge counts",
        _set_from(
            "accounts_user",
            f"{name}_badges",
            _totals(
                "accounts_user",
                "1 = 1",
                f"SELECT b.user_id, COUNT(*) AS n FROM badges_badge b "
                f"WHERE b.badge_class = {cls} GROUP BY b.user_id",
                "user_id",
            ),
            f"accounts_user.{name}_badges <> s.n",
        ),
    )
    for name, cls in (("gold", 1), ("silver", 2), ("bronze", 3))
]


# The same counters as correlated subqueries, one per row: on SQLite each probes an index and
# measured faster than UPDATE … FROM there (SQLite joins the target row by row either way).
CORRELATED_COUNTERS: list[tuple[str, str]] = [
    (
        POST_SCORES,
        f"""UPDATE posts_post SET score = (
               SELECT COALESCE(SUM({_VOTE_WORTH}), 0)
               FROM votes_vote v WHERE v.post_id = posts_post.id)
           WHERE post_type IN {_POSTS} AND score <> (
               SELECT COALESCE(SUM({_VOTE_WORTH}), 0)
               FROM votes_vote v WHERE v.post_id = posts_post.id)""",
    ),
    (
        "answer counts",
        f"""UPDATE posts_post SET answer_count = (
               SELECT COUNT(*) FROM posts_post a
               WHERE a.parent_id = posts_post.id AND a.post_type = {_ANSWER}
               AND a.deletion_date IS NULL)
           WHERE post_type = {_QUESTION} AND COALESCE(answer_count, -1) <> (
               SELECT COUNT(*) FROM posts_post a
               WHERE a.parent_id = posts_post.id AND a.post_type = {_ANSWER}
               AND a.deletion_date IS NULL)""",
    ),
    (
        "comment counts",
        """UPDATE posts_post SET comment_count = (
               SELECT COUNT(*) FROM comments_comment c
               WHERE c.post_id = posts_post.id AND c.deletion_date IS NULL)
           WHERE comment_count <> (
               SELECT COUNT(*) FROM comments_comment c
               WHERE c.post_id = posts_post.id AND c.deletion_date IS NULL)""",
    ),
    (
        "tag counts",
        """UPDATE tags_tag SET count = (
               SELECT COUNT(*) FROM tags_posttag pt JOIN posts_post p ON p.id = pt.post_id
               WHERE pt.tag_id = tags_tag.id AND p.deletion_date IS NULL)
           WHERE count <> (
               SELECT COUNT(*) FROM tags_posttag pt JOIN posts_post p ON p.id = pt.post_id
               WHERE pt.tag_id = tags_tag.id AND p.deletion_date IS NULL)""",
    ),
] + [
    (
        f"{name} badge counts",
        f"""UPDATE accounts_user SET {name}_badges = (
               SELECT COUNT(*) FROM badges_badge b WHERE b.user_id = accounts_user.id AND b.badge_class = {cls})
           WHERE {name}_badges <> (
               SELECT COUNT(*) FROM badges_badge b WHERE b.user_id = accounts_user.id AND b.badge_class = {cls})""",
    )
    for name, cls in (("gold", 1), ("silver", 2), ("bronze", 3))
]


BADGE_COUNTERS = ("gold badge counts", "silver badge counts", "bronze badge counts")

# PostgreSQL: the three badge counters in one UPDATE, each user row rewritten once instead of
# once per counter (on a million-row dump import those rewrites were most of the recount's
# time: 44,000-75,000 users a counter, about 25 µs a row). Each column is set only where its
# own counter differs, as the three statements do, and the rows each of them would have
# changed are counted apart: same values and the same per-counter row counts.
BADGE_COUNTERS_TOGETHER = """
WITH s AS (
    SELECT t.id,
           COALESCE(c.gold, 0) AS gold, COALESCE(c.silver, 0) AS silver,
           COALESCE(c.bronze, 0) AS bronze,
           t.gold_badges <> COALESCE(c.gold, 0) AS gold_differs,
           t.silver_badges <> COALESCE(c.silver, 0) AS silver_differs,
           t.bronze_badges <> COALESCE(c.bronze, 0) AS bronze_differs
    FROM accounts_user t LEFT JOIN (
        SELECT b.user_id,
               COUNT(*) FILTER (WHERE b.badge_class = 1) AS gold,
               COUNT(*) FILTER (WHERE b.badge_class = 2) AS silver,
               COUNT(*) FILTER (WHERE b.badge_class = 3) AS bronze
        FROM badges_badge b GROUP BY b.user_id
    ) c ON c.user_id = t.id
), changed AS (
    UPDATE accounts_user SET
        gold_badges = CASE WHEN s.gold_differs THEN s.gold ELSE accounts_user.gold_badges END,
        silver_badges =
            CASE WHEN s.silver_differs THEN s.silver ELSE accounts_user.silver_badges END,
        bronze_badges =
            CASE WHEN s.bronze_differs THEN s.bronze ELSE accounts_user.bronze_badges END
    FROM s
    WHERE accounts_user.id = s.id AND (s.gold_differs OR s.silver_differs OR s.bronze_differs)
    RETURNING s.gold_differs, s.silver_differs, s.bronze_differs
)
SELECT COUNT(*) FILTER (WHERE gold_differs), COUNT(*) FILTER (WHERE silver_differs),
       COUNT(*) FILTER (WHERE bronze_differs)
FROM changed
"""


def statements() -> list[tuple[str, str | Callable]]:
    """The counters' statements for this database (same names, rows and row counts), the
    people's standing per tag and the tags questions carry together (functions of a cursor:
    three statements each), then the
    site-wide counts (core.site_counts: questions, users, tags, badge awards), last because
    the unanswered count reads the answer counts; then what the search engine keeps (its
    title word counts)."""
    from quaestio.core.site_counts import SITE_COUNTERS
    from quaestio.notifications.counters import counter_statements
    from quaestio.search.backends import get_backend
    from quaestio.tags import related
    from quaestio.tags.user_scores import USER_TAG_SCORES, rebuild

    per_row = COUNTERS if connection.vendor == "postgresql" else CORRELATED_COUNTERS
    # The people's standing per tag reads the post scores: after them.
    return (
        per_row
        + [(USER_TAG_SCORES, rebuild), (related.TAG_PAIRS, related.rebuild)]
        + counter_statements()
        + SITE_COUNTERS
        + get_backend().recount_statements()
    )


def recount(
    progress: Callable[[str, int], None] | None = None, only: set[str] | None = None
) -> dict[str, int]:
    """Rebuild every counter in one transaction; returns rows changed per counter."""
    changed: dict[str, int] = {}
    wanted = [(n, st) for n, st in statements() if not only or n in only]
    together = connection.vendor == "postgresql" and all(
        name in dict(wanted) for name in BADGE_COUNTERS
    )
    with transaction.atomic(), connection.cursor() as cursor:
        ensure_rows(cursor)
        for name, statement in wanted:
            if together and name in BADGE_COUNTERS:
                if name != BADGE_COUNTERS[0]:
                    continue
                cursor.execute(BADGE_COUNTERS_TOGETHER)
                counts = zip(BADGE_COUNTERS, cursor.fetchone(), strict=True)
            elif callable(statement):
                counts = [(name, statement(cursor))]
            else:
                cursor.execute(statement)
                counts = [(name, cursor.rowcount)]
            for counter, rows in counts:
                changed[counter] = rows
                if progress:
                    progress(counter, rows)
        if any(changed.values()):
            pages_changed()  # corrected counts show on the pages
    return changed
