"""The answered questions, kept as a set (core_answeredquestion), for the API's
total_unanswered: a live question with no accepted answer and no upvoted live answer is
unanswered (as /questions/unanswered has it). Counting those on each /info read probes every
question; the set's size is a site count instead (core.site_counts, "answered").

Whether a question is answered changes with its own row (deleted, accepted) and with any of its
answers' rows (score crossing zero, deleted, moved by a merge). The triggers do not work out a
before and after: for each question a write touched they ask the rows, now, whether it is
answered, and add it to or remove it from the set — idempotent, so a row trigger (SQLite) and
a statement trigger (PostgreSQL, from its transition tables) give the same set, and the set's
own triggers count its rows. A touched question costs two probes of the parent index.

Named like core.site_counts' triggers, so the importer's pause, `install_triggers` and
`drop_triggers` treat them alike; the recount rebuilds the set from the rows.
"""

from __future__ import annotations

_QUESTION, _ANSWER = 1, 2  # PostTypeId, as core.site_counts writes them


def answered(question_id: str) -> str:
    """SQL: the question with this id is live and answered."""
    return (
        f"EXISTS (SELECT 1 FROM posts_post q WHERE q.id = {question_id} "
        f"AND q.post_type = {_QUESTION} AND q.deletion_date IS NULL "
        "AND (q.accepted_answer_id IS NOT NULL OR EXISTS (SELECT 1 FROM posts_post a "
        f"WHERE a.parent_id = q.id AND a.post_type = {_ANSWER} AND a.score > 0 "
        "AND a.deletion_date IS NULL)))"
    )


def _sqlite_settle(value: str) -> str:
    """Statements putting the question `value` (a NEW./OLD. column) in or out of the set."""
    return (
        f"DELETE FROM core_answeredquestion WHERE question_id = {value} "
        f"AND NOT {answered(value)}; "
        f"INSERT INTO core_answeredquestion (question_id) SELECT {value} "
        f"WHERE {value} IS NOT NULL AND {answered(value)} "
        "ON CONFLICT (question_id) DO NOTHING;"
    )


_CHANGED_COLUMNS = "post_type, parent_id, deletion_date, accepted_answer_id, score"


def sqlite_triggers() -> list[str]:
    touched = {
        "ins": ("INSERT", ["NEW.id", "NEW.parent_id"]),
        "del": ("DELETE", ["OLD.id", "OLD.parent_id"]),
        "upd": (f"UPDATE OF {_CHANGED_COLUMNS}", ["NEW.id", "NEW.parent_id", "OLD.parent_id"]),
    }
    return [
        f"CREATE TRIGGER quaestio_count_answered_{short} AFTER {event} ON posts_post BEGIN "
        + " ".join(_sqlite_settle(value) for value in values)
        + " END"
        for short, (event, values) in touched.items()
    ]


def _touched(rows: str) -> str:
    return (
        f"SELECT id FROM {rows} WHERE post_type = {_QUESTION} "
        f"UNION SELECT parent_id FROM {rows} WHERE parent_id IS NOT NULL"
    )


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION quaestio_count_answered() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        ids := ARRAY({_touched("new_rows")});
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY({_touched("old_rows")});
    ELSE
        -- Only the rows whose answered-ness may have moved: a view count or an edit touches none.
        ids := ARRAY(
            SELECT x FROM new_rows n JOIN old_rows o ON o.id = n.id,
                LATERAL (VALUES (n.id), (n.parent_id), (o.parent_id)) v(x)
            WHERE x IS NOT NULL AND (n.post_type, n.parent_id, n.deletion_date,
                n.accepted_answer_id, n.score > 0) IS DISTINCT FROM (o.post_type, o.parent_id,
                o.deletion_date, o.accepted_answer_id, o.score > 0)
            GROUP BY x ORDER BY x);
    END IF;
    IF cardinality(ids) = 0 THEN RETURN NULL; END IF;
    DELETE FROM core_answeredquestion WHERE question_id = ANY(ids)
        AND NOT {answered("question_id")};
    INSERT INTO core_answeredquestion (question_id)
        SELECT x FROM unnest(ids) x WHERE {answered("x")} ORDER BY x
        ON CONFLICT (question_id) DO NOTHING;
    RETURN NULL;
END $$
"""


def pg_triggers() -> list[str]:
    statements = [_PG_FUNCTION]
    for event, short, referencing in (
        ("INSERT", "ins", "NEW TABLE AS new_rows"),
        ("DELETE", "del", "OLD TABLE AS old_rows"),
        ("UPDATE", "upd", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ):
        statements.append(
            f"CREATE TRIGGER quaestio_count_answered_{short} AFTER {event} ON posts_post "
            f"REFERENCING {referencing} FOR EACH STATEMENT "
            "EXECUTE FUNCTION quaestio_count_answered()"
        )
    return statements


# The recount: the set rebuilt from the rows (before the site count of its size).
RECOUNT = [
    (
        "answered questions no longer answered",
        f"DELETE FROM core_answeredquestion WHERE NOT {answered('question_id')}",
    ),
    (
        "answered questions missing",
        "INSERT INTO core_answeredquestion (question_id) SELECT p.id FROM posts_post p "
        f"WHERE p.post_type = {_QUESTION} AND {answered('p.id')} "
        "ON CONFLICT (question_id) DO NOTHING",
    ),
]
