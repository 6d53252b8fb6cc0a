"""Finding the row at fault: duplicate ids, ids already taken, references to nothing.

The fast path never checks ids row by row: the database's own keys reject a duplicate or a
collision, the import rolls back, and only then is the file read again here to name the line.
"""

from __future__ import annotations

from django.db import connection

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.dumps.errors import DumpError
from quaestio.dumps.schema import (
    BADGES,
    COMMENTS,
    POST_HISTORY,
    POST_LINKS,
    POSTS,
    TAGS,
    USERS,
    VOTES,
    DumpFileSpec,
)
from quaestio.dumps.source import DumpSource
from quaestio.dumps.xmlio import iter_rows

_LOOKUP_BATCH = 500


class IdSet:
    """Ids seen so far, one bit each, so even a huge file's ids fit in a few megabytes."""

    def __init__(self) -> None:
        self.bits = bytearray()
        self.negative: set[int] = set()

    def add(self, value: int) -> bool:
        """Add; returns False when the id was already there."""
        if value < 0:
            if value in self.negative:
                return False
            self.negative.add(value)
            return True
        byte, bit = divmod(value, 8)
        if byte >= len(self.bits):
            self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits))))
        if self.bits[byte] >> bit & 1:
            return False
        self.bits[byte] |= 1 << bit
        return True


def _existing(table: str, column: str, values: list) -> set:
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", values)
        return {row[0] for row in cursor.fetchall()}


def diagnose(
    source: DumpSource, spec: DumpFileSpec, ids: tuple[int, int], message: str
) -> DumpError:
    """Read the file again (after the rollback) and name the first row the database refused."""
    seen = IdSet()
    pending: list[tuple[int, str, int]] = []  # (id, name, line) waiting for a database lookup

    def check_pending() -> DumpError | None:
        taken = _existing(spec.table, "id", [row_id for row_id, _, _ in pending])
        names = _existing(spec.table, "name", [n for _, n, _ in pending]) if spec is TAGS else set()
        for row_id, name, line in pending:
            if row_id in taken and not (spec is USERS and row_id == COMMUNITY_USER_ID):
                return DumpError(
                    f"Id {row_id} is already taken by content in this database; a dump keeps its "
                    "ids, so it must go into a fresh data directory (nothing was imported)",
                    file=spec.filename,
                    line=line,
                    row_id=str(row_id),
                )
            if name in names:
                return DumpError(
                    f"a tag named {name!r} already exists in this database (nothing was imported)",
                    file=spec.filename,
                    line=line,
                    row_id=str(row_id),
                )
        pending.clear()
        return None

    with source.open(spec.filename) as (stream, _size):
        for attributes, line in iter_rows(stream, spec.filename, spec.root):
            row_id = int(attributes["Id"])
            if not seen.add(row_id):
                return DumpError(
                    f"Id {row_id} appears twice in the file (nothing was imported)",
                    file=spec.filename,
                    line=line,
                    row_id=str(row_id),
                )
            pending.append((row_id, attributes.get("TagName", ""), line))
            if len(pending) >= _LOOKUP_BATCH and (error := check_pending()):
                return error
    if pending and (error := check_pending()):
        return error
    return DumpError(
        f"the database refused rows with ids {ids[0]} to {ids[1]}: {message} (nothing was imported)",
        file=spec.filename,
    )


def locate(source: DumpSource, spec: DumpFileSpec, row_id: int) -> int | None:
    """The line of the row with this id (error path only: reads the file again)."""
    wanted = str(row_id)
    with source.open(spec.filename) as (stream, _size):
        for attributes, line in iter_rows(stream, spec.filename, spec.root):
            if attributes.get("Id") == wanted:
                return line
    return None


# (file, column, attribute, table referred to, what it is) — must point at a row in the dump
_REQUIRED_REFERENCES = [
    (POSTS, "owner_id", "OwnerUserId", "accounts_user", "user"),
    (POSTS, "last_editor_id", "LastEditorUserId", "accounts_user", "user"),
    (POSTS, "parent_id", "ParentId", "posts_post", "post"),
    (POST_HISTORY, "post_id", "PostId", "posts_post", "post"),
    (POST_HISTORY, "user_id", "UserId", "accounts_user", "user"),
    (COMMENTS, "post_id", "PostId", "posts_post", "post"),
    (COMMENTS, "user_id", "UserId", "accounts_user", "user"),
    (BADGES, "user_id", "UserId", "accounts_user", "user"),
]

# (report name, file, column) — kept as they are when the post is missing, and counted
_KEPT_REFERENCES = [
    ("votes", VOTES, "post_id"),
    ("post links (PostId)", POST_LINKS, "post_id"),
    ("post links (RelatedPostId)", POST_LINKS, "related_post_id"),
    ("accepted answer ids", POSTS, "accepted_answer_id"),
    ("tag excerpt ids", TAGS, "excerpt_post_id"),
    ("tag wiki ids", TAGS, "wiki_post_id"),
]


def _dangling_sql(spec: DumpFileSpec, column: str, target: str, select: str) -> str:
    return (
        f"SELECT {select} FROM {spec.table} t WHERE t.id BETWEEN %s AND %s "
        f"AND t.{column} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {target} x WHERE x.id = t.{column})"
    )


def refuse_broken_references(
    source: DumpSource, id_ranges: dict[str, list[int]], files: list[DumpFileSpec] | None = None
) -> None:
    """Refuse the dump if a row of these files (default: all) points at nothing; the files
    they point at load before them."""
    for spec, column, attribute, target, what in _REQUIRED_REFERENCES:
        if spec.name not in id_ranges or (files is not None and spec not in files):
            continue
        sql = _dangling_sql(spec, column, target, f"t.id, t.{column}") + " ORDER BY t.id LIMIT 1"
        with connection.cursor() as cursor:
            cursor.execute(sql, id_ranges[spec.name])
            found = cursor.fetchone()
        if found:
            row_id, value = found
            raise DumpError(
                f"{attribute}={value} refers to a {what} that is not in the dump "
                "(nothing was imported)",
                file=spec.filename,
                line=locate(source, spec, row_id),
                row_id=str(row_id),
            )


def count_kept_dangling(
    id_ranges: dict[str, list[int]], files: list[DumpFileSpec] | None = None
) -> dict[str, int]:
    """Rows of these files (default: all) kept though the post they name is not in the dump;
    Posts.xml must be loaded already."""
    counts: dict[str, int] = {}
    for name, spec, column in _KEPT_REFERENCES:
        if spec.name not in id_ranges or (files is not None and spec not in files):
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                _dangling_sql(spec, column, "posts_post", "COUNT(*)"), id_ranges[spec.name]
            )
            counts[name] = cursor.fetchone()[0]
    return counts


def in_report_order(counts: dict[str, int]) -> dict[str, int]:
    """Counts of kept references gathered file by file, in the report's fixed order."""
    return {name: counts[name] for name, _spec, _column in _KEPT_REFERENCES if name in counts}
