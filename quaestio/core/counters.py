"""Denormalised counters, recomputed from the rows they summarise.

Pages read counters (score, answer_count, ...) from the row itself; these statements rebuild
them set-wise, one UPDATE per counter, on SQLite and PostgreSQL alike. Each returns how many
rows it changed, so a recount after an import reports any disagreement instead of hiding it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

# (name, UPDATE statement) — each sets a counter where it differs from what the rows say.
COUNTERS: list[tuple[str, str]] = [
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


def recount(
    progress: Callable[[str, int], None] | None = None, only: set[str] | None = None
) -> dict[str, int]:
    """Rebuild every counter in one transaction; returns rows changed per counter."""
    changed: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for name, statement in COUNTERS:
            if only and name not in only:
                continue
            cursor.execute(statement)
            changed[name] = cursor.rowcount
            if progress:
                progress(name, cursor.rowcount)
    return changed
