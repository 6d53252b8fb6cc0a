"""The set-based recount and opening balances equal the correlated statements they replaced.

The reference statements below are the ones core/counters.py and
reputation/services.record_opening_balances ran before (one subquery per row). Both versions
run on the same data with counters deliberately wrong (including NULLs, deleted answers and
comments, posts with nothing to count); values and row counts must agree.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection, transaction

from quaestio.core.counters import CORRELATED_COUNTERS, COUNTERS, recount
from quaestio.reputation import services
from quaestio.reputation.models import BASE_REPUTATION, Reason

pytestmark = pytest.mark.django_db

REFERENCE_COUNTERS: list[tuple[str, str]] = [
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


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("which", ["set-based", "correlated", "recount()"])
def test_recount_equals_the_correlated_statements(demo, seed, which):
    """Both statement lists (each backend uses one; both run on either) and recount()."""
    assert [name for name, _ in COUNTERS] == [name for name, _ in REFERENCE_COUNTERS]
    assert CORRELATED_COUNTERS == REFERENCE_COUNTERS
    scramble(seed)
    old = run_then_undo(running(REFERENCE_COUNTERS))
    work = {"set-based": running(COUNTERS), "correlated": running(CORRELATED_COUNTERS)}
    new = run_then_undo(work.get(which, recount))
    assert new["result"] == old["result"]
    assert all(old["result"].values()), old["result"]  # each counter had rows to correct
    assert new["state"] == old["state"]
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
