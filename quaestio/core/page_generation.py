"""The page generation: one number for the whole site, bumped by every write that changes what
an anonymous visitor's page shows. The anonymous page cache (web/page_cache.py) keys each page
by it, so a write makes every cached page unreachable the moment it commits, in every process.

Why one number rather than one per page: a vote on one question changes its author's
reputation, which the lists and every other thread showing that author display; a per-page
version would need to know every page a person appears on. One generation is exact at the cost
of the hit ratio on a busy site (every write empties the cache), which is the trade Discourse's
anonymous cache makes too (with a TTL as its only invalidation; ours has both).

Who bumps it: every statement that writes a table the cached pages read (`PAGE_TABLES`), whatever
service or command sent it: `watch_page_writes` wraps each database connection's statements
(core/apps.py) and calls `pages_changed` after an INSERT, UPDATE or DELETE of such a table. A
write needs no call of its own, so a new service cannot forget one (suspensions, account
deletion, tag wikis, merges, clean-ups, jobs and imports all go through it); tests/web/
test_page_cache.py checks that the tables the pages read are all watched. Left out on purpose:
an UPDATE that sets only columns no cached page shows (`UNSHOWN_COLUMNS`: a question's view
count, which Stack Exchange's cache does not follow either, and a user's counters and private
fields, written on every signed-in request), so reading a page does not empty the cache. Not
seen by the wrapper: PostgreSQL's COPY (the dump importer calls `pages_changed` itself) and
writes from outside the application (psql). The explicit calls `thread_changed` and a few
services make are kept (they say what the write means); the statements' own bumps come once
per transaction.

Bumped just after the writing transaction commits (`transaction.on_commit`), in a statement of its
own, before the request that wrote answers: so a read that starts after a write was
acknowledged reads the new generation and cannot be served a page cached before it. A reader
between the commit and the bump stores what it rendered under the old generation, which the
bump then makes unreachable. Not inside the transaction: the soak (bench/soak.py) found that
holding this one row to commit deadlocks with the triggers that lock user rows at commit
(PostgreSQL "deadlock detected" on accounts_user). The cost: a process killed between a commit
and its bump leaves pages up to QUAESTIO_PAGE_CACHE_SECONDS old.
"""

from __future__ import annotations

import re

from django.db import connection, connections, transaction

from quaestio.core.models import PageGeneration

# The tables the anonymous pages (home, /questions, a question, a tag's questions) read, and
# the tables whose triggers write them (core/site_counts.py, tags/activity.py).
PAGE_TABLES = frozenset(
    {
        "accounts_user",
        "comments_comment",
        "core_answeredquestion",
        "core_sitecount",
        "linkcheck_postlink",
        "moderation_postnotice",
        "posts_post",
        "posts_posthistory",
        "posts_postlink",
        "posts_threadversion",
        "sources_postsource",
        "tags_posttag",
        "tags_tag",
        "votes_bounty",
    }
)
# Columns of those tables that no cached page shows: an UPDATE setting only these leaves the
# pages as they were. The question's view count is shown, but views never moved the page (they
# come with every read; the cache's TTL bounds how old the shown count gets).
UNSHOWN_COLUMNS = {
    "posts_post": frozenset({"view_count"}),
    "accounts_user": frozenset(
        {
            "password",
            "last_login",
            "last_access_date",
            "email",
            "views",
            "up_votes",
            "down_votes",
            "about_me",
            "about_me_markdown",
            "location",
            "website_url",
            "age",
            "inbox_unread",
            "achievements_unseen",
            "achievements_seen_at",
            "achievements_day",
            "theme",
            "display_name_changed_at",
            "is_staff",
        }
    ),
}
_WRITE = re.compile(
    r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)
# An UPDATE's assigned columns as Django writes them (`SET "a" = ..., "b" = ...`) or as raw SQL
# does (`SET a = ...`): a name followed by "=" that no "." qualifies, anywhere after SET. A
# comparison (`WHERE id = %s`) is read as one too, which can only add a bump, never lose one.
_ASSIGNED = re.compile(r'(?<![.\w"])"?([a-z_][a-z0-9_]*)"?\s*=', re.IGNORECASE)

_TABLE = PageGeneration._meta.db_table
_NAME = "pages"
_BUMP = f"""
    INSERT INTO {_TABLE} (name, number) VALUES (%s, 1)
    ON CONFLICT (name) DO UPDATE SET number = {_TABLE}.number + 1
"""
_READ = f"SELECT number FROM {_TABLE} WHERE name = %s"


def pages_changed() -> None:
    """What some anonymous page shows has changed: call in the writing transaction; the
    generation moves once it commits (at once outside a transaction)."""
    transaction.on_commit(_bump)


def _pages_written(using: str) -> None:
    # Once per transaction however many of its statements write the pages' tables: a bump
    # already waiting for this commit covers them all.
    target = transaction.get_connection(using)
    if target.in_atomic_block and any(f is _bump for _, f, _ in target.run_on_commit):
        return
    transaction.on_commit(_bump, using=using)


def watch_page_writes(connection, **kwargs) -> None:
    """Connected to `connection_created`: every statement of the connection is looked at."""
    if _bump_after_page_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_bump_after_page_writes)


# Off while `migrate` runs: the generation's own table may not exist yet. It moves once at the
# end instead (`migrated`), for whatever the migrations wrote.
_migrating = False


def migrating(**kwargs) -> None:
    global _migrating
    _migrating = True


def migrated(**kwargs) -> None:
    global _migrating
    _migrating = False
    using = kwargs.get("using", "default")
    # A migration back to before the generation's table existed (an upgrade test, or a
    # rollback) leaves nothing to move.
    if _TABLE in connections[using].introspection.table_names():
        _pages_written(using)


def _bump_after_page_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not _migrating and writes_pages(sql):
        _pages_written(context["connection"].alias)
    return result


def writes_pages(sql: str) -> bool:
    """Whether the statement may change what a cached page shows. Reads cost one look at the
    first word."""
    head = sql.lstrip()[:7].upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")):
        return False
    for found in _WRITE.finditer(sql):
        table = found.group(1).lower()
        if table in PAGE_TABLES and not _sets_only_unshown(table, sql[found.end() :]):
            return True
    return False


def _sets_only_unshown(table: str, rest: str) -> bool:
    unshown = UNSHOWN_COLUMNS.get(table)
    if not unshown:
        return False
    rest = rest.lstrip()
    if rest[:3].upper() != "SET":
        return False  # an INSERT or a DELETE
    columns = {c.lower() for c in _ASSIGNED.findall(rest[3:])}
    return bool(columns) and columns <= unshown


def _bump() -> None:
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [_NAME])


def page_generation() -> int:
    """The current generation (0 before any change): one indexed read."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [_NAME])
        row = cursor.fetchone()
    return row[0] if row else 0
