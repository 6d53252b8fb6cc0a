"""`quaestio export-dump DIR`: the site as a Stack Exchange data dump, streamed from the database.

What is written, and how it follows Stack Exchange's own dumps:
* the eight files, rows in Id order, attribute order as recorded from the imported dump (or
  the Sep 2023 order for a site that never imported one);
* deleted posts are left out with their comments and history, as Stack Exchange does; votes and
  post links pointing at them stay;
* votes are anonymised as Stack Exchange anonymises them: no UserId except on favourite (5) and
  bounty-start (8) votes, and only the date, never the time of day;
* users' e-mail addresses, passwords and sessions are never written.
Whatever a row held that the model keeps no column for (DumpExtra) is given back, so an import
followed by an export reproduces the imported files. Normalisations are listed in
quaestio/dumps/README.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from django.db import connection, transaction

from quaestio.dumps.models import DumpImport
from quaestio.dumps.rows import digest
from quaestio.dumps.schema import (
    BADGES,
    BOOL,
    COMMENTS,
    DATE,
    IMPORT_ORDER,
    INT,
    POST_HISTORY,
    POST_LINKS,
    POSTS,
    TAGS,
    USERS,
    VOTE_TYPES_WITH_VOTER,
    VOTES,
    DumpFileSpec,
)
from quaestio.dumps.xmlio import DumpWriter, format_date

_FETCH = 2_000

# Rows Stack Exchange leaves out of its dumps: deleted posts, and what hangs off them.
_WHERE = {
    POSTS.name: "t.deletion_date IS NULL",
    POST_HISTORY.name: "EXISTS (SELECT 1 FROM posts_post p WHERE p.id = t.post_id "
    "AND p.deletion_date IS NULL)",
    COMMENTS.name: "t.deletion_date IS NULL AND EXISTS (SELECT 1 FROM posts_post p "
    "WHERE p.id = t.post_id AND p.deletion_date IS NULL)",
}


# One person's rows (their data export): what they wrote and did, deleted posts included.
_ONE_USER = {
    USERS.name: "t.id = %s",
    POSTS.name: "t.owner_id = %s",
    POST_HISTORY.name: "t.user_id = %s",
    COMMENTS.name: "t.user_id = %s",
    VOTES.name: "t.user_id = %s",
    BADGES.name: "t.user_id = %s",
    POST_LINKS.name: "EXISTS (SELECT 1 FROM posts_post p WHERE p.id = t.post_id "
    "AND p.owner_id = %s)",
    TAGS.name: "1 = 0 AND %s IS NOT NULL",
}


def export_dump(directory: str | Path, user_id: int | None = None) -> dict[str, int]:
    """Write the eight files into `directory`; returns rows written per file. With `user_id`,
    only that user's rows (their own copy of what they wrote, for a data export)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    orders = recorded_orders()
    counts: dict[str, int] = {}
    # One transaction gives every file the same snapshot (and PostgreSQL its server-side cursors).
    with transaction.atomic():
        for spec in IMPORT_ORDER:
            only = None if user_id is None else (_ONE_USER[spec.name], [int(user_id)])
            counts[spec.name] = _export_file(spec, target, orders.get(spec.name, []), only)
    return counts


def recorded_orders() -> dict[str, list[str]]:
    first = DumpImport.objects.order_by("id").first()
    return first.attribute_orders if first else {}


def attribute_order(spec: DumpFileSpec, recorded: list[str]) -> list[str]:
    order = list(recorded)
    order += [name for name in spec.default_order if name not in order]
    return order


def _export_file(
    spec: DumpFileSpec, target: Path, recorded: list[str], only: tuple[str, list] | None = None
) -> int:
    order = attribute_order(spec, recorded)
    formatters = [(attr.name, _formatter(attr)) for attr in spec.attrs]
    is_votes = spec is VOTES
    written = 0
    with (target / spec.filename).open("w", encoding="utf-8", newline="") as stream:
        with DumpWriter(stream, spec.root) as writer:
            extras = _extras(spec)
            pending = next(extras, None)
            for row in _rows(spec, only):
                attributes: dict[str, str] = {}
                for (name, formatter), value in zip(formatters, row, strict=True):
                    text = formatter(value)
                    if text is not None:
                        attributes[name] = text
                if is_votes:
                    _anonymise_vote(attributes)
                row_id = row[0]
                while pending is not None and pending[0] < row_id:
                    pending = next(extras, None)
                if pending is not None and pending[0] == row_id:
                    _apply_extra(attributes, pending[1], spec, row)
                pairs = [(name, attributes[name]) for name in order if name in attributes]
                if len(pairs) < len(attributes):
                    pairs += sorted((n, v) for n, v in attributes.items() if n not in order)
                writer.row(pairs)
                written += 1
    return written


def _formatter(attr):
    if attr.kind == INT:
        return lambda value: None if value is None else str(value)
    if attr.kind == DATE:
        return lambda value: None if value is None else format_date(value)
    if attr.kind == BOOL:
        if attr.omit_false:
            return lambda value: "True" if value else None
        return lambda value: "True" if value else "False"
    if attr.required:
        return lambda value: "" if value is None else value
    return lambda value: value or None


def _anonymise_vote(attributes: dict[str, str]) -> None:
    if int(attributes["VoteTypeId"]) not in VOTE_TYPES_WITH_VOTER:
        attributes.pop("UserId", None)
    attributes["CreationDate"] = attributes["CreationDate"][:10] + "T00:00:00.000"


def _apply_extra(attributes: dict[str, str], extra: dict, spec: DumpFileSpec, row: tuple) -> None:
    guard = extra.get("guard", {})
    columns = {attr.name: index for index, attr in enumerate(spec.attrs)}
    for name, original in extra.get("set", {}).items():
        if name in guard:
            # The original stands for the value the import stored; an edit since then wins.
            if digest(row[columns[name]] or "") != guard[name]:
                continue
        attributes[name] = original
    for name in extra.get("absent", ()):
        attributes.pop(name, None)


def _rows(spec: DumpFileSpec, only: tuple[str, list] | None = None) -> Iterator[tuple]:
    columns = ", ".join(f"t.{attr.column}" for attr in spec.attrs)
    where, params = only if only else (_WHERE.get(spec.name, "1 = 1"), [])
    yield from _stream(f"SELECT {columns} FROM {spec.table} t WHERE {where} ORDER BY t.id", params)


def _extras(spec: DumpFileSpec) -> Iterator[tuple[int, dict]]:
    sql = f"SELECT row_id, data FROM dumps_dumpextra WHERE file = {spec.code} ORDER BY row_id"
    for row_id, data in _stream(sql):
        yield row_id, json.loads(data) if isinstance(data, str) else data


def _stream(sql: str, params: list | None = None) -> Iterator[tuple]:
    # chunked_cursor is a server-side cursor on PostgreSQL: memory stays flat on any size.
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params or None)
        while rows := cursor.fetchmany(_FETCH):
            yield from rows
    finally:
        cursor.close()
