"""Turning one dump row (its attributes) into one database row, remembering what columns lose.

A converter is built once per file and backend: it knows each attribute's column position and
kind, so the per-row work is one loop over the file's attributes. It returns the column values
and, only for rows that need it, the extra record that lets export give back the exact row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.apps import apps
from django.db import connection

from quaestio.core.markdown import sanitize_html
from quaestio.core.safe_urls import url_field_value
from quaestio.dumps.errors import DumpError
from quaestio.dumps.schema import BOOL, DATE, HTML, INT, STR, URL, DumpFileSpec
from quaestio.dumps.xmlio import canonical_date, sqlite_date

Converter = Callable[[dict[str, str], int], tuple[list, dict | None]]
# Kinds whose stored value is a cleaned form of the dump's; the original is kept for export.
CLEANERS = {HTML: sanitize_html, URL: url_field_value}
# Real dumps have a handful of attribute layouts per file; a hostile one could give every row
# its own, so the memo of which attributes are unknown stays bounded (memory must stay flat).
MAX_REMEMBERED_LAYOUTS = 256


def digest(text: str) -> str:
    """A short fingerprint of a column value, to tell later whether it was edited."""
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def model_for_table(table: str):
    for model in apps.get_models():
        if model._meta.db_table == table:
            return model
    raise LookupError(table)


def table_columns(table: str) -> tuple[list[str], list]:
    """The table's columns and the value each gets when no attribute fills it."""
    model = model_for_table(table)
    columns, defaults = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        default = field.get_default()
        defaults.append(None if default is None else field.get_db_prep_save(default, connection))
    return columns, defaults


def _detail(attr):
    if attr.kind == INT:
        return not attr.nullable
    if attr.kind == BOOL:
        return attr.omit_false
    return CLEANERS.get(attr.kind)


def build_converter(spec: DumpFileSpec, columns: list[str], defaults: list) -> Converter:
    """The file's converter: one loop over the file's attributes in order (a row with several
    faults is refused for the first).

    It replaced Python source generated per file and compiled with `exec`, which was faster by
    too little to keep. bench/row_converter.py, 200,000 rows of a generated dump (the dump's
    mix of files), CPU seconds, best of 3 interleaved rounds, two alternated runs each on a
    loaded machine: SQLite exec 0.764 / 0.756, this loop 0.860 / 0.847; PostgreSQL exec
    0.668 / 0.654, this loop 0.734 / 0.738. About 0.4 µs a row, 0.4 s of the parsing process's
    CPU a million rows, against 20-45 s to import them.
    """
    sqlite = connection.vendor == "sqlite"
    # What the loop needs of each attribute, looked up once: (name, column index, kind,
    # required, and what the kind needs: for INT whether its absence is recorded, for BOOL
    # omit_false, for HTML and URL the cleaner).
    plan = [
        (attr.name, columns.index(attr.column), attr.kind, attr.required, _detail(attr))
        for attr in spec.attrs
    ]
    known = {attr.name for attr in spec.attrs}
    unknown_by_keys: dict[tuple, list[str]] = {}
    filename = spec.filename

    def fail(message: str, line: int, attributes: dict) -> DumpError:
        return DumpError(message, file=filename, line=line, row_id=attributes.get("Id"))

    def convert(attributes: dict[str, str], line: int) -> tuple[list, dict | None]:
        values = defaults.copy()
        kept: dict[str, str] = {}
        guard: dict[str, str] | None = None
        absent: list[str] | None = None
        get = attributes.get
        for name, index, kind, required, detail in plan:
            raw = get(name)
            if raw is None:
                if required:
                    raise fail(
                        f"the row has no {name} attribute, which every row needs", line, attributes
                    )
                if kind == INT and detail:
                    absent = [*(absent or ()), name]
                continue
            if kind == INT:
                try:
                    number = int(raw)
                except ValueError:
                    raise fail(f"{name}={raw!r} is not a whole number", line, attributes) from None
                values[index] = number
                if str(number) != raw:
                    kept[name] = raw
            elif kind == DATE:
                # is_canonical_date, inlined: every date of every row passes here.
                if len(raw) != 23 or raw[10] != "T" or raw[19] != "." or raw[4] != "-":
                    try:
                        canonical = canonical_date(raw)
                    except ValueError:
                        raise fail(f"{name}={raw!r} is not a date", line, attributes) from None
                    kept[name] = raw
                    raw = canonical
                values[index] = sqlite_date(raw) if sqlite else raw
            elif kind == STR:
                values[index] = raw
                if not raw and not required:
                    kept[name] = raw
            elif kind in CLEANERS:
                clean = detail(raw) if raw else raw
                values[index] = clean
                if clean != raw or (not raw and not required):
                    kept[name] = raw
                    guard = guard or {}
                    guard[name] = digest(clean)
            elif kind == BOOL:
                if raw == "True":
                    values[index] = True
                elif raw == "False":
                    values[index] = False
                    if detail:
                        kept[name] = raw
                else:
                    lowered = raw.lower()
                    if lowered not in ("true", "false"):
                        raise fail(f"{name}={raw!r} is not True or False", line, attributes)
                    values[index] = lowered == "true"
                    kept[name] = raw
        keys = tuple(attributes)
        unknown = unknown_by_keys.get(keys)
        if unknown is None:
            unknown = [key for key in keys if key not in known]
            if len(unknown_by_keys) < MAX_REMEMBERED_LAYOUTS:
                unknown_by_keys[keys] = unknown
        for key in unknown:
            kept[key] = attributes[key]
        if not (kept or absent):
            return values, None
        extra: dict = {}
        if kept:
            extra["set"] = kept
        if guard:
            extra["guard"] = guard
        if absent:
            extra["absent"] = absent
        return values, extra

    return convert
