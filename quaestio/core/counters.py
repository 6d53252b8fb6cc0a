"""Denormalised counters, recomputed from the rows they summarise.

Pages read counters (score, answer_count, ...) from the row itself; these statements rebuild
them set-wise, one UPDATE per counter, on SQLite and PostgreSQL alike. Each returns how many
rows it changed, so a recount after an import reports any disagreement instead of hiding it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction


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


# (name, UPDATE statement) — each sets a counter where it differs from what the rows say.
# Set-based, used on PostgreSQL (about half the server time of the correlated form).
COUNTERS: list[tuple[str, str]] = [
    (
        "post scores",
        _set_from(
            "posts_post",
            "score",
            _totals(
                "posts_post",
                "t.post_type IN (1, 2)",
                "SELECT v.post_id, SUM(CASE v.vote_type WHEN 2 THEN 1 WHEN 3 THEN -1 ELSE 0 END) AS n "
                "FROM votes_vote v GROUP BY v.post_id",
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
                "t.post_type = 1",
                "SELECT a.parent_id, COUNT(*) AS n FROM posts_post a "
                "WHERE a.post_type = 2 AND a.deletion_date IS NULL GROUP BY a.parent_id",
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
        "post scores",
        """UPDATE posts_post SET score = (
               SELECT COALESCE(SUM(CASE vote_type WHEN 2 THEN 1 WHEN 3 THEN -1 ELSE 0 END), 0)
               FROM votes_vote v WHERE v.post_id = posts_post.id)
           WHERE post_type IN (1, 2) AND score <> (
               SELECT COALESCE(SUM(CASE vote_type WHEN 2 THEN 1 WHEN 3 THEN -1 ELSE 0 END), 0)
               FROM votes_vote v WHERE v.post_id = posts_post.id)""",
    ),
    (
        "answer counts",
        """UPDATE posts_post SET answer_count = (
               SELECT COUNT(*) FROM posts_post a
               WHERE a.parent_id = posts_post.id AND a.post_type = 2 AND a.deletion_date IS NULL)
           WHERE post_type = 1 AND COALESCE(answer_count, -1) <> (
               SELECT COUNT(*) FROM posts_post a
               WHERE a.parent_id = posts_post.id AND a.post_type = 2 AND a.deletion_date IS NULL)""",
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


def statements() -> list[tuple[str, str]]:
    """The counters' statements for this database (same names, rows and row counts)."""
    return COUNTERS if connection.vendor == "postgresql" else CORRELATED_COUNTERS


def recount(
    progress: Callable[[str, int], None] | None = None, only: set[str] | None = None
) -> dict[str, int]:
    """Rebuild every counter in one transaction; returns rows changed per counter."""
    changed: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for name, statement in statements():
            if only and name not in only:
                continue
            cursor.execute(statement)
            changed[name] = cursor.rowcount
            if progress:
                progress(name, cursor.rowcount)
    return changed
