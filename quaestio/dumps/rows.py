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
from quaestio.dumps.xmlio import canonical_date, is_canonical_date, sqlite_date

Converter = Callable[[dict[str, str], int], tuple[list, dict | None]]
# Real dumps have a handful of attribute layouts per file; a hostile one could give every row
# its own, so the memo of which attributes are unknown stays bounded (memory must stay flat).
MAX_REMEMBERED_LAYOUTS = 256
# Kinds whose stored value is a cleaned form of the dump's; the original is kept for export.
CLEANERS = {HTML: sanitize_html, URL: url_field_value}


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


def _date_for_backend() -> Callable[[str], str]:
    # SQLite keeps dates as text in Django's own form; PostgreSQL parses the ISO text itself
    # (Django sets the session time zone to UTC, and dump dates are UTC).
    return sqlite_date if connection.vendor == "sqlite" else (lambda value: value)


def build_converter(spec: DumpFileSpec, columns: list[str], defaults: list) -> Converter:
    """The file's converter: Python source written for its attributes, compiled once.

    Straight-line code per attribute (no loop over a plan, no kind tests per value) halves the
    converter's cost per row; it does what `reference_converter` does, which the tests check
    on every file of generated dumps and on hand-made odd values.
    """
    sqlite = connection.vendor == "sqlite"
    known = {attr.name for attr in spec.attrs}
    lines = [
        "def convert(attributes, line):",
        "    values = defaults.copy()",
        "    kept = {}",
        "    guard = None",
        "    absent = None",
        "    get = attributes.get",
    ]
    for number, attr in enumerate(spec.attrs):
        index = columns.index(attr.column)
        name = attr.name
        lines.append(f"    raw = get({name!r})")
        lines.append("    if raw is None:")
        if attr.required:
            lines.append(f"        raise missing({name!r}, line, attributes)")
        elif attr.kind == INT and not attr.nullable:
            lines.append(f"        absent = [*(absent or ()), {name!r}]")
        else:
            lines.append("        pass")
        lines.append("    else:")
        if attr.kind == INT:
            lines += [
                "        try:",
                "            number = int(raw)",
                "        except ValueError:",
                f"            raise not_int({name!r}, raw, line, attributes) from None",
                f"        values[{index}] = number",
                "        if str(number) != raw:",
                f"            kept[{name!r}] = raw",
            ]
        elif attr.kind == STR:
            lines.append(f"        values[{index}] = raw")
            if not attr.required:
                lines += ["        if not raw:", f"            kept[{name!r}] = raw"]
        elif attr.kind == DATE:
            lines += [
                '        if len(raw) != 23 or raw[10] != "T" or raw[19] != "." or raw[4] != "-":',
                f"            kept[{name!r}] = raw",
                f"            raw = to_canonical({name!r}, raw, line, attributes)",
            ]
            if sqlite:  # sqlite_date, inlined
                lines.append(
                    f'        values[{index}] = raw[:10] + " " + raw[11:19] if raw[20:23] == "000" '
                    f'else raw[:10] + " " + raw[11:19] + "." + raw[20:23] + "000"'
                )
            else:
                lines.append(f"        values[{index}] = raw")
        elif attr.kind in CLEANERS:
            lines += [
                f"        clean = {CLEANERS[attr.kind].__name__}(raw) if raw else raw",
                f"        values[{index}] = clean",
                f"        if clean != raw{' or not raw' if not attr.required else ''}:",
                f"            kept[{name!r}] = raw",
                "            guard = guard or {}",
                f"            guard[{name!r}] = digest(clean)",
            ]
        elif attr.kind == BOOL:
            lines += [
                '        if raw == "True":',
                f"            values[{index}] = True",
                '        elif raw == "False":',
                f"            values[{index}] = False",
            ]
            if attr.omit_false:
                lines.append(f"            kept[{name!r}] = raw")
            lines += [
                "        else:",
                f"            values[{index}] = to_bool({name!r}, raw, line, attributes)",
                f"            kept[{name!r}] = raw",
            ]
        else:  # pragma: no cover - schema.py names every kind
            raise ValueError(f"unknown kind {attr.kind!r} (attribute {number})")
    lines += [
        "    keys = tuple(attributes)",
        "    unknown = unknown_by_keys.get(keys)",
        "    if unknown is None:",
        "        unknown = [key for key in keys if key not in known]",
        "        if len(unknown_by_keys) < MAX_REMEMBERED_LAYOUTS:",
        "            unknown_by_keys[keys] = unknown",
        "    for key in unknown:",
        "        kept[key] = attributes[key]",
        "    if not (kept or absent):",
        "        return values, None",
        "    extra = {}",
        "    if kept:",
        '        extra["set"] = kept',
        "    if guard:",
        '        extra["guard"] = guard',
        "    if absent:",
        '        extra["absent"] = absent',
        "    return values, extra",
    ]
    filename = spec.filename

    def fail(message: str, line: int, attributes: dict) -> DumpError:
        return DumpError(message, file=filename, line=line, row_id=attributes.get("Id"))

    def missing(name: str, line: int, attributes: dict) -> DumpError:
        return fail(f"the row has no {name} attribute, which every row needs", line, attributes)

    def not_int(name: str, raw: str, line: int, attributes: dict) -> DumpError:
        return fail(f"{name}={raw!r} is not a whole number", line, attributes)

    def to_canonical(name: str, raw: str, line: int, attributes: dict) -> str:
        if is_canonical_date(raw):
            return raw
        try:
            return canonical_date(raw)
        except ValueError:
            raise fail(f"{name}={raw!r} is not a date", line, attributes) from None

    def to_bool(name: str, raw: str, line: int, attributes: dict) -> bool:
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise fail(f"{name}={raw!r} is not True or False", line, attributes)
        return lowered == "true"

    namespace = {
        "defaults": defaults,
        "missing": missing,
        "not_int": not_int,
        "to_canonical": to_canonical,
        "to_bool": to_bool,
        **{clean.__name__: clean for clean in CLEANERS.values()},
        "digest": digest,
        "known": frozenset(known),
        "unknown_by_keys": {},
        "MAX_REMEMBERED_LAYOUTS": MAX_REMEMBERED_LAYOUTS,
    }
    exec(compile("\n".join(lines), f"<converter for {filename}>", "exec"), namespace)
    return namespace["convert"]


def reference_converter(spec: DumpFileSpec, columns: list[str], defaults: list) -> Converter:
    to_db_date = _date_for_backend()
    plan = [(attr.name, columns.index(attr.column), attr) for attr in spec.attrs]
    known = {attr.name for attr in spec.attrs}
    unknown_by_keys: dict[tuple, list[str]] = {}
    filename = spec.filename

    def fail(message: str, line: int, attributes: dict) -> DumpError:
        return DumpError(message, file=filename, line=line, row_id=attributes.get("Id"))

    def convert(attributes: dict[str, str], line: int) -> tuple[list, dict | None]:
        values = defaults.copy()
        kept: dict[str, str] = {}
        guard: dict[str, str] = {}
        absent: list[str] = []
        for name, index, attr in plan:
            raw = attributes.get(name)
            kind = attr.kind
            if raw is None:
                if attr.required:
                    raise fail(
                        f"the row has no {name} attribute, which every row needs", line, attributes
                    )
                if kind == INT and not attr.nullable:
                    absent.append(name)
                continue
            if kind == INT:
                try:
                    number = int(raw)
                except ValueError:
                    raise fail(f"{name}={raw!r} is not a whole number", line, attributes) from None
                values[index] = number
                if str(number) != raw:
                    kept[name] = raw
            elif kind == STR:
                values[index] = raw
                if not raw and not attr.required:
                    kept[name] = raw
            elif kind == DATE:
                if not is_canonical_date(raw):
                    try:
                        canonical = canonical_date(raw)
                    except ValueError:
                        raise fail(f"{name}={raw!r} is not a date", line, attributes) from None
                    kept[name] = raw
                    raw = canonical
                values[index] = to_db_date(raw)
            elif kind in CLEANERS:
                clean = CLEANERS[kind](raw) if raw else raw
                values[index] = clean
                if clean != raw or (not raw and not attr.required):
                    kept[name] = raw
                    guard[name] = digest(clean)
            elif kind == BOOL:
                if raw == "True":
                    values[index] = True
                elif raw == "False":
                    values[index] = False
                    if attr.omit_false:
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
