"""Related tags: which tags live questions carry together (tags.TagPair), and the reads of
/2.3/tags/{tags}/related.

Counting a tag's companions over its questions costs what the tag's size does (a GROUP BY
over every question of `python`, millions at Stack Overflow's size). So the counts are kept,
as a tag's own count is, by the same writes and in the same transaction: a question asked or
retagged (`question_tags_changed`), deleted or undeleted (`question_standing_changed`), both
called from posts.tagging next to the tags' counts. `rebuild` recomputes the table set-wise
for `quaestio recount` and the dump importer. A question carries at most 5 tags, so a write
touches at most 20 rows (10 pairs, both ways).

Reading one tag's related tags is then one range of the rank index, the commonest first, and
exact. Several tags mean their AND (Stack Exchange's documentation of the method: "tags
related to tag #1 and tag #2", each count the questions carrying that tag and all of
{tags}); the pairs cannot answer a triple, so the count is taken over a bounded sample: the
newest RELATED_SAMPLE live questions of the rarest named tag that carry all the others. The
counts are exact whenever that tag has no more questions than the sample (most tag sets:
a rare tag decides), and otherwise those of the newest questions, the ones the sidebar-style
answer is about.
"""

from __future__ import annotations

from collections import Counter
from itertools import permutations

from django.db import connection

from quaestio.core.db import add_to_kept_counts
from quaestio.posts.models import PostType
from quaestio.tags.models import PostTag, Tag, TagPair

_TABLE = TagPair._meta.db_table
_Q = int(PostType.QUESTION)
RELATED_SAMPLE = 1000  # questions read for the related tags of several tags at once


def _pairs(tag_ids) -> Counter:
    """Each ordered pair of distinct tags among `tag_ids`, once."""
    return Counter(permutations(sorted(set(tag_ids)), 2))


def _apply(deltas: Counter) -> None:
    rows = [(t, o, n) for (t, o), n in sorted(deltas.items()) if n]
    if not rows:
        return
    add_to_kept_counts(_TABLE, ("tag_id", "other_id"), ("count",), rows)
    lowered = sorted({tag_id for t, o, n in rows if n < 0 for tag_id in (t, o)})
    if lowered:
        # The pairs among the few tags whose counts went down (a question's tags: at most 10).
        marks = ", ".join(["%s"] * len(lowered))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_TABLE} WHERE tag_id IN ({marks}) AND other_id IN ({marks})"
                " AND count <= 0",
                [*lowered, *lowered],
            )


def question_tags_changed(before: set[int], after: set[int]) -> None:
    """A live question's tags went from `before` to `after` (tag ids; asked: `before` empty)."""
    deltas = _pairs(after)
    deltas.subtract(_pairs(before))
    _apply(deltas)


def question_standing_changed(question_id: int, sign: int) -> None:
    """A question deleted (-1) or undeleted (+1), its tags in place: its pairs go or come."""
    tag_ids = PostTag.objects.filter(post_id=question_id).values_list("tag_id", flat=True)
    deltas = Counter({pair: sign for pair in _pairs(tag_ids)})
    _apply(deltas)


# --- reads -----------------------------------------------------------------------------------


def related_page(tags: list[Tag], offset: int, limit: int) -> list[tuple[int, int]]:
    """(tag id, questions shared) of the tags related to all of `tags`, the commonest first
    (ties by tag id), rows offset..offset+limit."""
    if len(tags) == 1:
        rows = (
            TagPair.objects.filter(tag_id=tags[0].id)
            .order_by("-count", "other_id")
            .values_list("other_id", "count")
        )
        return list(rows[offset : offset + limit])
    ranked = sorted(_sampled_counts(tags).items(), key=lambda item: (-item[1], item[0]))
    return ranked[offset : offset + limit]


def related_total(tags: list[Tag]) -> int:
    if len(tags) == 1:
        return TagPair.objects.filter(tag_id=tags[0].id).count()
    return len(_sampled_counts(tags))


def _sampled_counts(tags: list[Tag]) -> Counter:
    """Companions of the named tags counted over the newest RELATED_SAMPLE live questions of
    the rarest of them that carry all of them (three bounded reads)."""
    rarest = min(tags, key=lambda t: (t.count, t.id))
    named = {t.id for t in tags}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pt.post_id FROM tags_posttag pt JOIN posts_post p ON p.id = pt.post_id"
            " WHERE pt.tag_id = %s AND p.deletion_date IS NULL"
            " ORDER BY pt.post_id DESC LIMIT %s",
            [rarest.id, RELATED_SAMPLE],
        )
        sample = [row[0] for row in cursor.fetchall()]
    if not sample:
        return Counter()
    carried: dict[int, set[int]] = {}
    for post_id, tag_id in PostTag.objects.filter(post_id__in=sample).values_list(
        "post_id", "tag_id"
    ):
        carried.setdefault(post_id, set()).add(tag_id)
    counts: Counter = Counter()
    for tag_ids in carried.values():
        if named <= tag_ids:
            counts.update(tag_ids - named)
    return counts


# --- the rebuild ---------------------------------------------------------------------------------

TAG_PAIRS = "related tag counts"  # its name among the recount's counters

_TRUTH = f"""
SELECT a.tag_id AS tag_id, b.tag_id AS other_id, COUNT(*) AS count
FROM tags_posttag a
JOIN tags_posttag b ON b.post_id = a.post_id AND b.tag_id <> a.tag_id
JOIN posts_post p ON p.id = a.post_id
JOIN tags_tag t ON t.id = a.tag_id
JOIN tags_tag o ON o.id = b.tag_id
WHERE p.deletion_date IS NULL AND p.post_type = {_Q}
GROUP BY a.tag_id, b.tag_id
"""
_SAME_KEY = "t.tag_id = {s}.tag_id AND t.other_id = {s}.other_id"


def rebuild(cursor) -> int:
    """Make the table what the questions say (as tags.user_scores.rebuild: a temporary table
    of the true counts; rows that differ corrected, rows that should not exist deleted,
    missing rows inserted). Returns how many rows changed."""
    cursor.execute("DROP TABLE IF EXISTS tag_pair_truth")
    cursor.execute(f"CREATE TEMPORARY TABLE tag_pair_truth AS {_TRUTH}")
    cursor.execute("CREATE INDEX tag_pair_truth_key ON tag_pair_truth (tag_id, other_id)")
    cursor.execute(
        f"UPDATE {_TABLE} SET count = t.count FROM tag_pair_truth t"
        f" WHERE {_SAME_KEY.format(s=_TABLE)} AND {_TABLE}.count <> t.count"
    )
    changed = cursor.rowcount
    cursor.execute(
        f"DELETE FROM {_TABLE} WHERE NOT EXISTS (SELECT 1 FROM tag_pair_truth t"
        f" WHERE {_SAME_KEY.format(s=_TABLE)})"
    )
    changed += cursor.rowcount
    cursor.execute(
        f"INSERT INTO {_TABLE} (tag_id, other_id, count)"
        " SELECT t.tag_id, t.other_id, t.count"
        f" FROM tag_pair_truth t WHERE NOT EXISTS (SELECT 1 FROM {_TABLE} s"
        f" WHERE {_SAME_KEY.format(s='s')})"
    )
    changed += cursor.rowcount
    cursor.execute("DROP TABLE tag_pair_truth")
    return changed
