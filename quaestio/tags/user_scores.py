"""Each person's standing per tag (tags.UserTagScore), kept as the rows it summarises change.

A row (user, tag) holds, over the tag's live questions:

* answer_score / answer_count: the score and number of the person's live answers to them;
* post_count: those answers plus the person's own live questions carrying the tag.

Every write that moves one of these goes through a function here, in the writer's transaction:
a vote on an answer (`answer_score_changed`), a question asked or retagged
(`question_tags_changed`), a question deleted or undeleted (`question_standing_changed`), an
answer written, deleted, undeleted or moved by a merge (`answers_standing_changed`), an account
deleted (`forget_user`). `rebuild` recomputes the whole table set-wise for `quaestio recount`
and the dump importer, with the same definition as `_TRUTH`.

Rows change by INSERT … ON CONFLICT DO UPDATE with increments (SQLite and PostgreSQL alike),
so two writers touching the same (user, tag) never lose an update; a row whose post count
reaches 0 is deleted, as the rebuild would have no row for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from quaestio.core.db import add_to_kept_counts
from quaestio.posts.models import Post, PostType
from quaestio.tags.models import PostTag, UserTagScore

_TABLE = UserTagScore._meta.db_table
_Q, _A = int(PostType.QUESTION), int(PostType.ANSWER)

# (score, answers, posts) a user gains in one tag
Contribution = list[int]


def _apply(deltas: dict[tuple[int, int], Contribution]) -> None:
    rows = [(u, t, *d) for (u, t), d in sorted(deltas.items()) if any(d) and u is not None]
    if not rows:
        return
    add_to_kept_counts(
        _TABLE,
        ("user_id", "tag_id"),
        ("answer_score", "answer_count", "post_count"),
        rows,
    )
    emptied: dict[int, list[int]] = defaultdict(list)
    for user_id, tag_id, _s, _a, posts in rows:
        if posts < 0:
            emptied[user_id].append(tag_id)
    for user_id, tag_ids in emptied.items():
        UserTagScore.objects.filter(user_id=user_id, tag_id__in=tag_ids, post_count__lte=0).delete()


def _spread(
    per_user: dict[int, Contribution], tag_ids: Iterable[int], sign: int
) -> dict[tuple[int, int], Contribution]:
    return {
        (user_id, tag_id): [sign * n for n in contribution]
        for user_id, contribution in per_user.items()
        for tag_id in tag_ids
    }


def _live_tag_ids(question_id: int) -> list[int]:
    """The tags of a question if it is live, else none (a deleted question counts for no one)."""
    return list(
        PostTag.objects.filter(post_id=question_id, post__deletion_date__isnull=True).values_list(
            "tag_id", flat=True
        )
    )


def _question_contributions(question_id: int, owner_id: int | None) -> dict[int, Contribution]:
    """What a live question brings to each person in each of its tags: its owner one post,
    each live answer its owner one answer, one post and its score."""
    per_user: dict[int, Contribution] = defaultdict(lambda: [0, 0, 0])
    if owner_id is not None:
        per_user[owner_id][2] += 1
    answers = Post.objects.filter(
        parent_id=question_id,
        post_type=PostType.ANSWER,
        deletion_date__isnull=True,
        owner_id__isnull=False,
    ).values_list("owner_id", "score")
    for owner, score in answers:
        contribution = per_user[owner]
        contribution[0] += score or 0
        contribution[1] += 1
        contribution[2] += 1
    return per_user


def question_tags_changed(question: Post, before: set[int], after: set[int]) -> None:
    """A live question's tags went from `before` to `after` (tag ids; asked: `before` empty):
    its owner's and answerers' standing leaves the removed tags and joins the added ones."""
    removed, added = before - after, after - before
    if not removed and not added:
        return
    per_user = _question_contributions(question.id, question.owner_id)
    deltas = _spread(per_user, added, +1)
    deltas.update(_spread(per_user, removed, -1))
    _apply(deltas)


def question_standing_changed(question: Post, sign: int) -> None:
    """A question deleted (-1) or undeleted (+1): it and its live answers leave or come back.
    Call with the question's tags in place (they are kept while it is deleted)."""
    tag_ids = list(PostTag.objects.filter(post_id=question.id).values_list("tag_id", flat=True))
    _apply(_spread(_question_contributions(question.id, question.owner_id), tag_ids, sign))


def answers_standing_changed(question_id: int, answer_ids: list[int], sign: int) -> None:
    """Answers written or undeleted (+1), deleted (-1), or moved to or from the question by a
    merge: their owners gain or lose them in the question's tags, if the question is live."""
    tag_ids = _live_tag_ids(question_id)
    if not tag_ids or not answer_ids:
        return
    per_user: dict[int, Contribution] = defaultdict(lambda: [0, 0, 0])
    for owner, score in Post.objects.filter(
        id__in=answer_ids, post_type=PostType.ANSWER, owner_id__isnull=False
    ).values_list("owner_id", "score"):
        per_user[owner][0] += score or 0
        per_user[owner][1] += 1
        per_user[owner][2] += 1
    _apply(_spread(per_user, tag_ids, sign))


def answer_score_changed(post: Post, delta: int) -> None:
    """A vote moved a post's score by `delta`: for a live answer, its owner's score in the
    question's tags moves with it (question scores are not a tag score, spec §3.6)."""
    if (
        not delta
        or post.post_type != PostType.ANSWER
        or post.owner_id is None
        or post.deletion_date is not None
    ):
        return
    _apply({(post.owner_id, t): [delta, 0, 0] for t in _live_tag_ids(post.parent_id)})


def forget_user(user_id: int) -> None:
    """An account deleted: its posts are no longer its (posts.services.posts_credit_to_name)."""
    UserTagScore.objects.filter(user_id=user_id).delete()


# --- the rebuild ---------------------------------------------------------------------------------

USER_TAG_SCORES = "user tag scores"  # its name among the recount's counters

_TRUTH = f"""
SELECT x.user_id AS user_id, x.tag_id AS tag_id, SUM(x.s) AS answer_score,
       SUM(x.a) AS answer_count, SUM(x.p) AS post_count
FROM (
    SELECT q.owner_id AS user_id, pt.tag_id AS tag_id, 0 AS s, 0 AS a, 1 AS p
    FROM posts_post q JOIN tags_posttag pt ON pt.post_id = q.id
    WHERE q.post_type = {_Q} AND q.deletion_date IS NULL AND q.owner_id IS NOT NULL
    UNION ALL
    SELECT a.owner_id, pt.tag_id, a.score, 1, 1
    FROM posts_post a JOIN posts_post q ON q.id = a.parent_id
    JOIN tags_posttag pt ON pt.post_id = q.id
    WHERE a.post_type = {_A} AND a.deletion_date IS NULL AND a.owner_id IS NOT NULL
    AND q.deletion_date IS NULL
) x
JOIN accounts_user u ON u.id = x.user_id
GROUP BY x.user_id, x.tag_id
"""
_SAME_KEY = "t.user_id = {s}.user_id AND t.tag_id = {s}.tag_id"


def rebuild(cursor) -> int:
    """Make the table what the posts say, in three set-wise statements over the computed
    standings (a temporary table with their key): rows that differ are corrected, rows that
    should not exist deleted, missing rows inserted. Returns how many rows changed."""
    cursor.execute("DROP TABLE IF EXISTS user_tag_truth")
    cursor.execute(f"CREATE TEMPORARY TABLE user_tag_truth AS {_TRUTH}")
    cursor.execute("CREATE INDEX user_tag_truth_key ON user_tag_truth (user_id, tag_id)")
    cursor.execute(
        f"UPDATE {_TABLE} SET answer_score = t.answer_score, answer_count = t.answer_count,"
        f" post_count = t.post_count FROM user_tag_truth t WHERE {_SAME_KEY.format(s=_TABLE)}"
        f" AND ({_TABLE}.answer_score <> t.answer_score OR {_TABLE}.answer_count <> t.answer_count"
        f" OR {_TABLE}.post_count <> t.post_count)"
    )
    changed = cursor.rowcount
    cursor.execute(
        f"DELETE FROM {_TABLE} WHERE NOT EXISTS (SELECT 1 FROM user_tag_truth t"
        f" WHERE {_SAME_KEY.format(s=_TABLE)})"
    )
    changed += cursor.rowcount
    cursor.execute(
        f"INSERT INTO {_TABLE} (user_id, tag_id, answer_score, answer_count, post_count)"
        " SELECT t.user_id, t.tag_id, t.answer_score, t.answer_count, t.post_count"
        f" FROM user_tag_truth t WHERE NOT EXISTS (SELECT 1 FROM {_TABLE} s"
        f" WHERE {_SAME_KEY.format(s='s')})"
    )
    changed += cursor.rowcount
    cursor.execute("DROP TABLE user_tag_truth")
    return changed
