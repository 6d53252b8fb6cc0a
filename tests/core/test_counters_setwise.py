"""The recount's two statement lists (set-based, correlated) and the set-based opening balances.

The counters are checked against values counted here in Python from the rows themselves, on data
whose counters are deliberately wrong (including NULLs, deleted answers and comments, posts with
nothing to count); both lists must also correct the same number of rows. The opening balances
are checked against the correlated statement record_opening_balances ran before.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.db import connection, transaction

from quaestio.core.counters import CORRELATED_COUNTERS, COUNTERS, recount
from quaestio.reputation import services
from quaestio.reputation.models import BASE_REPUTATION, Reason
from quaestio.tags.user_scores import USER_TAG_SCORES

pytestmark = pytest.mark.django_db

REFERENCE_OPENING = (
    "INSERT INTO reputation_reputationchange (user_id, amount, nominal, reason, created_at) "
    "SELECT u.id, {d}, {d}, %s, COALESCE(%s, u.creation_date) FROM accounts_user u "
    "WHERE u.id <> %s AND {d} <> 0{only}"
)
DIFFERENCE = (
    f"u.reputation - {BASE_REPUTATION} - COALESCE((SELECT SUM(r.amount) "
    "FROM reputation_reputationchange r WHERE r.user_id = u.id), 0)"
)

SNAPSHOT = [
    "SELECT id, score, answer_count, comment_count FROM posts_post ORDER BY id",
    "SELECT id, count FROM tags_tag ORDER BY id",
    "SELECT id, gold_badges, silver_badges, bronze_badges FROM accounts_user ORDER BY id",
]


def snapshot() -> list:
    with connection.cursor() as cursor:
        result = []
        for query in SNAPSHOT:
            cursor.execute(query)
            result.append(cursor.fetchall())
        return result


def ledger() -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id, amount, nominal, reason, created_at "
            # the reference statement's insertion order was the heap's on PostgreSQL
            "FROM reputation_reputationchange ORDER BY user_id, id"
        )
        return cursor.fetchall()


class Rollback(Exception):
    pass


def run_then_undo(work):
    """Run `work` in a savepoint, return what it returned and the state it left; undo it."""
    outcome = {}
    try:
        with transaction.atomic():
            outcome["result"] = work()
            outcome["state"] = snapshot()
            outcome["ledger"] = ledger()
            raise Rollback
    except Rollback:
        pass
    return outcome


def scramble(seed: int) -> None:
    """Wrong counters everywhere, some NULL; a few answers and comments deleted."""
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM posts_post ORDER BY id")
        for (post_id,) in cursor.fetchall():
            cursor.execute(
                "UPDATE posts_post SET score = %s, answer_count = %s, comment_count = %s "
                "WHERE id = %s",
                [
                    rng.choice([0, rng.randrange(-5, 20)]),
                    rng.choice([None, 0, 0, rng.randrange(5)]),
                    rng.choice([0, 0, rng.randrange(5)]),
                    post_id,
                ],
            )
        cursor.execute(
            "UPDATE posts_post SET deletion_date = creation_date WHERE post_type = 2 AND id % 7 = 0"
        )
        cursor.execute("UPDATE comments_comment SET deletion_date = creation_date WHERE id % 5 = 0")
        cursor.execute("UPDATE tags_tag SET count = id % 4")
        cursor.execute(
            "UPDATE accounts_user SET gold_badges = id % 2, silver_badges = id % 3, "
            "bronze_badges = 0, reputation = reputation + (id % 3) * 10"
        )


def running(statements):
    def run():
        changed = {}
        with connection.cursor() as cursor:
            for name, statement in statements:
                cursor.execute(statement)
                changed[name] = cursor.rowcount
        return changed

    return run


def counted_in_python() -> list:
    """What every counter should hold, in SNAPSHOT's shape, counted from the rows in Python."""
    with connection.cursor() as cursor:

        def rows(query: str) -> list:
            cursor.execute(query)
            return cursor.fetchall()

        posts = rows(
            "SELECT id, post_type, parent_id, deletion_date, score, answer_count, comment_count "
            "FROM posts_post ORDER BY id"
        )
        votes = rows("SELECT post_id, vote_type FROM votes_vote")
        live_comments = rows("SELECT post_id FROM comments_comment WHERE deletion_date IS NULL")
        post_tags = rows("SELECT tag_id, post_id FROM tags_posttag")
        tags = rows("SELECT id FROM tags_tag ORDER BY id")
        badges = rows("SELECT user_id, badge_class FROM badges_badge")
        users = rows("SELECT id FROM accounts_user ORDER BY id")
    live = {post[0] for post in posts if post[3] is None}
    score = Counter()
    for post_id, vote_type in votes:
        score[post_id] += {2: 1, 3: -1}.get(vote_type, 0)
    answers = Counter(post[2] for post in posts if post[1] == 2 and post[0] in live)
    comments = Counter(post_id for (post_id,) in live_comments)
    tag_counts = Counter(tag_id for tag_id, post_id in post_tags if post_id in live)
    badge_counts = Counter(badges)
    return [
        [
            (
                post_id,
                score[post_id] if post_type in (1, 2) else old_score,
                answers[post_id] if post_type == 1 else answer_count,
                comments[post_id],
            )
            for post_id, post_type, _parent, _deleted, old_score, answer_count, _ in posts
        ],
        [(tag_id, tag_counts[tag_id]) for (tag_id,) in tags],
        [(user_id, *(badge_counts[(user_id, cls)] for cls in (1, 2, 3))) for (user_id,) in users],
    ]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("which", ["set-based", "correlated", "recount()"])
def test_recount_gives_the_counts_of_the_rows(demo, seed, which):
    """Each statement list (each backend uses one; both run on either) and recount() set every
    counter to what the rows hold, and the two lists correct the same rows."""
    assert [name for name, _ in COUNTERS] == [name for name, _ in CORRELATED_COUNTERS]
    scramble(seed)
    expected = counted_in_python()
    assert snapshot() != expected  # the scramble left counters to correct
    work = {"set-based": running(COUNTERS), "correlated": running(CORRELATED_COUNTERS)}
    new = run_then_undo(work.get(which, recount))
    assert new["state"] == expected
    corrected = run_then_undo(running(CORRELATED_COUNTERS))["result"]
    # recount() runs the site-wide counts too (core.site_counts): the triggers kept them
    # through the scramble, so it finds nothing of theirs to correct.
    per_row = {name for name, _ in CORRELATED_COUNTERS}
    assert {k: v for k, v in new["result"].items() if k in per_row} == corrected
    # The people's standing per tag reads the post scores the scramble changed: it follows.
    follows = per_row | {USER_TAG_SCORES}
    assert not any(v for k, v in new["result"].items() if k not in follows), new["result"]
    assert all(corrected.values()), corrected  # each counter had rows to correct
    # and a second recount finds nothing left to correct
    recount()
    assert set(recount().values()) == {0}


@pytest.mark.parametrize("only_new_users", [False, True])
@pytest.mark.parametrize("now", [None, "fixed"])
def test_opening_balances_equal_the_correlated_statement(demo, only_new_users, now):
    from datetime import UTC, datetime

    from quaestio.accounts.models import COMMUNITY_USER_ID

    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC) if now else None
    scramble(3)  # reputations that the ledger no longer explains, for some users
    with connection.cursor() as cursor:  # and some users with no ledger row at all
        cursor.execute(
            "DELETE FROM reputation_reputationchange WHERE user_id IN "
            "(SELECT id FROM accounts_user WHERE id % 4 = 1)"
        )

    def reference():
        with connection.cursor() as cursor:
            only = (
                " AND NOT EXISTS (SELECT 1 FROM reputation_reputationchange r "
                "WHERE r.user_id = u.id)"
                if only_new_users
                else ""
            )
            cursor.execute(
                REFERENCE_OPENING.format(d=DIFFERENCE, only=only),
                [Reason.OPENING_BALANCE.value, when, COMMUNITY_USER_ID],
            )
            return cursor.rowcount

    old = run_then_undo(reference)
    new = run_then_undo(
        lambda: services.record_opening_balances(now=when, only_new_users=only_new_users)
    )
    assert old["result"] > 0
    assert new["result"] == old["result"]
    assert new["ledger"] == old["ledger"]
