"""Site-wide counts kept current by the database: no list page counts a whole table.

The lists show how many questions, unanswered questions, users and tags the site holds, and
/badges how often each badge was awarded. Counting those rows on every view grows with the
site (a COUNT(*) of 400,000 questions took 250 ms on PostgreSQL). They live instead in
core_sitecount and badges_badgecount, changed by triggers in the same transaction as the rows
they count — every write path (services, bulk writes, the demo loader, a shell) keeps them
without knowing of them — and rebuilt from the rows by `quaestio recount` (SITE_COUNTERS).

SQLite: row triggers (one small upsert per changed row; an UPDATE trigger fires only when a
counted column changes). PostgreSQL: statement triggers with transition tables, so a bulk
INSERT or COPY costs one upsert per statement, not per row, and a statement that changes no
count (a vote's score update) writes nothing and locks no counter row. The dump importer
switches the PostgreSQL triggers off for its load and recounts at the end
(`paused_for_import`).

Contention: every new question upserts the "questions" row, so two transactions asking at
once serialise on it until the first commits — a few milliseconds a question, far below what
a Q&A site writes (Stack Overflow: under one question a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

from quaestio.core import answered
from quaestio.tags import activity as tag_activity

QUESTIONS, UNANSWERED, USERS, TAGS = "questions", "unanswered", "users", "tags"
ANSWERS, ACCEPTED, COMMENTS, VOTES = "answers", "accepted", "comments", "votes"
# Questions with an accepted or upvoted live answer: the size of core.answered's set.
ANSWERED = "answered"
NAMES = (QUESTIONS, UNANSWERED, USERS, TAGS, ANSWERS, ACCEPTED, COMMENTS, VOTES, ANSWERED)

# The type numbers and the Community user's id, as literals the trigger SQL can hold. They
# are fixed by the dump format (PostTypeId 1 = question; the Community user is -1).
_QUESTION, _ANSWER = 1, 2
_COMMUNITY = -1


def _live_question(row: str) -> str:
    return f"({row}.post_type = {_QUESTION} AND {row}.deletion_date IS NULL)"


def _unanswered(row: str) -> str:
    return f"({_live_question(row)} AND {row}.answer_count = 0)"


def _live_answer(row: str) -> str:
    return f"({row}.post_type = {_ANSWER} AND {row}.deletion_date IS NULL)"


def _accepted(row: str) -> str:
    return f"({_live_question(row)} AND {row}.accepted_answer_id IS NOT NULL)"


def _live_comment(row: str) -> str:
    return f"({row}.deletion_date IS NULL)"


def _user(row: str) -> str:
    return f"({row}.id <> {_COMMUNITY})"


_ANSWERED_SET = "core_answeredquestion"

# (table, counter name, "is counted" for a row named by the argument)
_SITE_COUNTED = [
    ("posts_post", QUESTIONS, _live_question),
    ("posts_post", UNANSWERED, _unanswered),
    ("posts_post", ANSWERS, _live_answer),
    ("posts_post", ACCEPTED, _accepted),
    ("accounts_user", USERS, _user),
    ("tags_tag", TAGS, lambda row: "TRUE"),
    ("comments_comment", COMMENTS, _live_comment),
    ("votes_vote", VOTES, lambda row: "TRUE"),
    (_ANSWERED_SET, ANSWERED, lambda row: "TRUE"),
]
# Per table, the columns whose change may move a row in or out of a count (SQLite's UPDATE OF
# list); the tables not named here count no column an update changes.
_UPDATED_COLUMNS = {
    "posts_post": "post_type, deletion_date, answer_count, accepted_answer_id",
    "comments_comment": "deletion_date",
}

# --- SQLite: row triggers ------------------------------------------------------------------------


def _sqlite_bump(name: str, delta: str) -> str:
    return (
        f"INSERT INTO core_sitecount (name, value) SELECT '{name}', d FROM (SELECT {delta} AS d)"
        " WHERE d <> 0 ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;"
    )


def _sqlite_badge_bump(row: str, sign: int) -> str:
    return (
        "INSERT INTO badges_badgecount (name, badge_class, tag_based, awarded) "
        f"VALUES ({row}.name, {row}.badge_class, {row}.tag_based, {sign}) "
        "ON CONFLICT (name, badge_class, tag_based) "
        "DO UPDATE SET awarded = awarded + excluded.awarded;"
    )


def _sqlite_delta(test, new: bool, old: bool) -> str:
    """1/0 for the NEW row counted, minus 1/0 for the OLD row counted."""
    terms = []
    if new:
        terms.append(f"CAST(COALESCE({test('NEW')}, 0) AS INTEGER)")
    if old:
        terms.append(f"- CAST(COALESCE({test('OLD')}, 0) AS INTEGER)")
    return " ".join(terms)


def _sqlite_trigger(table: str, short: str, event: str, new: bool, old: bool) -> str:
    bumps = " ".join(
        _sqlite_bump(name, _sqlite_delta(test, new, old))
        for t, name, test in _SITE_COUNTED
        if t == table
    )
    return (
        f"CREATE TRIGGER quaestio_count_{table}_{short} AFTER {event} ON {table} BEGIN {bumps} END"
    )


def _sqlite_triggers(ready: bool = True) -> list[str]:
    statements = []
    for table in dict.fromkeys(table for table, _, _ in _SITE_COUNTED):
        if table == _ANSWERED_SET and not ready:
            continue
        statements.append(_sqlite_trigger(table, "ins", "INSERT", new=True, old=False))
        statements.append(_sqlite_trigger(table, "del", "DELETE", new=False, old=True))
        if table in _UPDATED_COLUMNS:
            event = f"UPDATE OF {_UPDATED_COLUMNS[table]}"
            statements.append(_sqlite_trigger(table, "upd", event, new=True, old=True))
    statements += [
        "CREATE TRIGGER quaestio_count_badges_ins AFTER INSERT ON badges_badge BEGIN "
        + _sqlite_badge_bump("NEW", 1)
        + " END",
        "CREATE TRIGGER quaestio_count_badges_del AFTER DELETE ON badges_badge BEGIN "
        + _sqlite_badge_bump("OLD", -1)
        + " END",
        "CREATE TRIGGER quaestio_count_badges_upd AFTER UPDATE OF name, badge_class, tag_based "
        "ON badges_badge BEGIN "
        + _sqlite_badge_bump("OLD", -1)
        + " "
        + _sqlite_badge_bump("NEW", 1)
        + " END",
    ]
    return statements + (_sqlite_derived_triggers() if ready else [])


def _sqlite_derived_triggers() -> list[str]:
    """The triggers that read other rows (the answered set's, the tags' last activity): the
    importer drops them for its load, when the indexes they probe are gone too."""
    return answered.sqlite_triggers() + tag_activity.sqlite_triggers()


# --- PostgreSQL: statement triggers over transition tables --------------------------------------

_PG_BUMP = """
CREATE OR REPLACE FUNCTION quaestio_count_bump(counter text, delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF delta <> 0 THEN
        INSERT INTO core_sitecount (name, value) VALUES (counter, delta)
        ON CONFLICT (name) DO UPDATE SET value = core_sitecount.value + EXCLUDED.value;
    END IF;
END $$
"""


def _pg_table_function(table: str) -> str:
    counted = [(name, test) for t, name, test in _SITE_COUNTED if t == table]
    declare = " ".join(f"d_{name} bigint := 0;" for name, _ in counted)

    def tally(rows: str, sign: str) -> str:
        columns = ", ".join(
            f"d_{name} {sign} COUNT(*) FILTER (WHERE {test('r')})" for name, test in counted
        )
        into = ", ".join(f"d_{name}" for name, _ in counted)
        return f"SELECT {columns} INTO {into} FROM {rows} r;"

    bumps = " ".join(f"PERFORM quaestio_count_bump('{name}', d_{name});" for name, _ in counted)
    return f"""
CREATE OR REPLACE FUNCTION quaestio_count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE {declare}
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {tally("new_rows", "+")} END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN {tally("old_rows", "-")} END IF;
    {bumps}
    RETURN NULL;
END $$
"""


_PG_BADGES = """
CREATE OR REPLACE FUNCTION quaestio_count_badges_badge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Grouped and ordered, so one statement touches each tally row once, in a fixed order
    -- (two award runs at once lock the rows they share in the same order: no deadlock).
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO badges_badgecount (name, badge_class, tag_based, awarded)
        SELECT name, badge_class, tag_based, -COUNT(*) FROM old_rows
        GROUP BY name, badge_class, tag_based ORDER BY name, badge_class, tag_based
        ON CONFLICT (name, badge_class, tag_based)
        DO UPDATE SET awarded = badges_badgecount.awarded + EXCLUDED.awarded;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO badges_badgecount (name, badge_class, tag_based, awarded)
        SELECT name, badge_class, tag_based, COUNT(*) FROM new_rows
        GROUP BY name, badge_class, tag_based ORDER BY name, badge_class, tag_based
        ON CONFLICT (name, badge_class, tag_based)
        DO UPDATE SET awarded = badges_badgecount.awarded + EXCLUDED.awarded;
    END IF;
    RETURN NULL;
END $$
"""

_PG_TABLES = (
    "posts_post",
    "accounts_user",
    "tags_tag",
    "comments_comment",
    "votes_vote",
    "badges_badge",
    _ANSWERED_SET,
)


def _pg_triggers(ready: bool = True) -> list[str]:
    tables = [t for t in _PG_TABLES if ready or t != _ANSWERED_SET]
    statements = [_PG_BUMP, _PG_BADGES]
    statements += [_pg_table_function(t) for t in tables if t != "badges_badge"]
    for table in tables:
        for event, short, referencing in (
            ("INSERT", "ins", "NEW TABLE AS new_rows"),
            ("DELETE", "del", "OLD TABLE AS old_rows"),
            ("UPDATE", "upd", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ):
            if event == "UPDATE" and table not in (*_UPDATED_COLUMNS, "badges_badge"):
                continue  # it counts no column an update could change
            statements.append(
                f"CREATE TRIGGER quaestio_count_{table}_{short} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION quaestio_count_{table}()"
            )
    if ready:
        statements += answered.pg_triggers() + tag_activity.pg_triggers()
    return statements


def _trigger_names(cursor) -> list[tuple[str, str]]:
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT DISTINCT event_object_table, trigger_name FROM information_schema.triggers "
            "WHERE trigger_name LIKE 'quaestio_count_%%'"
        )
    else:
        cursor.execute(
            "SELECT tbl_name, name FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'quaestio_count_%'"
        )
    return list(cursor.fetchall())


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        for table, name in _trigger_names(cursor):
            suffix = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{suffix}")


def install_triggers(schema_editor=None) -> None:
    """Creates (again) the counting triggers of this database, then recounts."""
    drop_triggers()
    with connection.cursor() as cursor:
        ready = _derived_ready(cursor)
        triggers = (
            _pg_triggers(ready) if connection.vendor == "postgresql" else _sqlite_triggers(ready)
        )
        for statement in triggers:
            cursor.execute(statement)
    recount_site_counts()


def _derived_ready(cursor) -> bool:
    """Whether the answered set and the tags' last activity exist yet (core migration 0004):
    the first migration installs the counting triggers of its day, without them."""
    return _ANSWERED_SET in connection.introspection.table_names(cursor)


@contextmanager
def paused_for_import() -> Iterator[None]:
    """The dump importer's load: PostgreSQL's triggers off (a bulk UPDATE's transition tables
    would copy every post row), the counts recounted at the end. SQLite's counting row
    triggers stay on (each is one small upsert in the same file); those that read other rows
    (the answered set, the tags' last activity) are dropped and made again, as the importer
    drops the indexes they would probe: the recount at the end sets what they keep."""
    if connection.vendor != "postgresql":
        derived = _sqlite_derived_triggers()
        with connection.cursor() as cursor:
            names = [re.match(r"CREATE TRIGGER (\w+)", st).group(1) for st in derived]
            for name in names:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            yield
            for statement in derived:
                cursor.execute(statement)
        return
    with connection.cursor() as cursor:
        paused = [(t, n) for t, n in _trigger_names(cursor) if _alter(cursor, t, n, "DISABLE")]
        yield
        for table, name in paused:
            _alter(cursor, table, name, "ENABLE")


def _alter(cursor, table: str, name: str, action: str) -> bool:
    """ALTER TABLE refuses a table with trigger events pending in the transaction (deferred
    foreign key checks of rows written before the import began, in tests): such a table's
    trigger stays on, which costs time, not correctness (the import recounts at its end)."""
    try:
        with transaction.atomic():
            cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {name}")
    except OperationalError:
        return False
    return True


# --- recount ----------------------------------------------------------------------------------


def _count_statement(name: str, table: str, test) -> str:
    where = test(table)
    return (
        f"UPDATE core_sitecount SET value = (SELECT COUNT(*) FROM {table} WHERE {where}) "
        f"WHERE name = '{name}' AND value <> (SELECT COUNT(*) FROM {table} WHERE {where})"
    )


# (name, statement) as core.counters lists them: each sets what differs, returns rows changed.
# The counters of core migration 0004 (see _derived_ready).
_DERIVED = {
    *(name for name, _ in answered.RECOUNT),
    tag_activity.RECOUNT[0],
    f"site count of {ANSWERED}",
}

SITE_COUNTERS: list[tuple[str, str]] = (
    [
        *answered.RECOUNT,  # the set first: its size is counted below
        tag_activity.RECOUNT,
    ]
    + [
        (f"site count of {name}", _count_statement(name, table, test))
        for table, name, test in _SITE_COUNTED
    ]
    + [
        (
            "badge award counts",
            "INSERT INTO badges_badgecount (name, badge_class, tag_based, awarded) "
            "SELECT name, badge_class, tag_based, COUNT(*) FROM badges_badge WHERE TRUE "
            "GROUP BY name, badge_class, tag_based "
            "ON CONFLICT (name, badge_class, tag_based) DO UPDATE SET awarded = excluded.awarded "
            "WHERE badges_badgecount.awarded <> excluded.awarded",
        ),
        (
            "badge award counts of badges no longer held",
            "UPDATE badges_badgecount SET awarded = 0 WHERE awarded <> 0 AND NOT EXISTS ("
            "SELECT 1 FROM badges_badge b WHERE b.name = badges_badgecount.name "
            "AND b.badge_class = badges_badgecount.badge_class "
            "AND b.tag_based = badges_badgecount.tag_based)",
        ),
    ]
)


def ensure_rows(cursor) -> None:
    """Every site count has its row (a flushed test database, a fresh site)."""
    for name in NAMES:
        cursor.execute(
            "INSERT INTO core_sitecount (name, value) VALUES (%s, 0) ON CONFLICT (name) DO NOTHING",
            [name],
        )


def needs_recount(using: str = "default") -> bool:
    from django.db import connections

    with connections[using].cursor() as cursor:
        tables = connections[using].introspection.table_names(cursor)
        if "core_sitecount" not in tables or "badges_badgecount" not in tables:
            return False  # not migrated this far yet
        cursor.execute("SELECT COUNT(*), MIN(value) FROM core_sitecount")
        rows, lowest = cursor.fetchone()
        cursor.execute("SELECT MIN(awarded) FROM badges_badgecount")
        lowest_award = cursor.fetchone()[0]
    return rows < len(NAMES) or (lowest or 0) < 0 or (lowest_award or 0) < 0


def recount_site_counts() -> dict[str, int]:
    from quaestio.core.counters import recount

    with connection.cursor() as cursor:
        ready = _derived_ready(cursor)
    return recount(only={name for name, _ in SITE_COUNTERS if ready or name not in _DERIVED})


# --- reading ----------------------------------------------------------------------------------


def all_counts() -> dict[str, int]:
    """Every site count (one query)."""
    from quaestio.core.models import SiteCount

    found = dict(SiteCount.objects.values_list("name", "value"))
    return {name: max(0, found.get(name) or 0) for name in NAMES}


def site_count(name: str) -> int:
    """The count (0 before the first row it counts)."""
    from quaestio.core.models import SiteCount

    value = SiteCount.objects.filter(name=name).values_list("value", flat=True).first()
    return max(0, value or 0)
