"""Filters: which fields a response carries.

Built-in names (`default`, `withbody`, `none`, `total`), the legacy and opaque names the two
Python clients hard-code, and custom filters made by /filters/create. A custom filter's name is
its own definition, deflated and base64-encoded behind a `!`: stable (the same definition always
gets the same name), decodable without a registry, immutable, never expiring, as Stack Exchange
promises. Names we cannot decode (Stack Exchange's own opaque ones) fall back to `default`.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass
from functools import cache

from quaestio.api.errors import BadParameter
from quaestio.api.fields import BODY_TYPES, TYPES, all_fields, default_fields

# Marks our own encoded names, so a foreign opaque name never decodes by accident.
_VERSION = "q1"
_ERROR_FIELDS = frozenset({".error_id", ".error_name", ".error_message"})


@dataclass(frozen=True)
class Filter:
    name: str
    fields: frozenset[str]
    unsafe: bool = False

    def wants(self, type_: str, field: str) -> bool:
        return f"{type_}.{field}" in self.fields

    @property
    def filter_type(self) -> str:
        return "unsafe" if self.unsafe else "safe"


def _with(base: frozenset[str], *fields: str) -> frozenset[str]:
    return base | frozenset(fields)


@cache
def builtin_filters() -> dict[str, Filter]:
    default = default_fields()
    withbody = _with(default, *(f"{t}.body" for t in BODY_TYPES))
    named = {
        "default": default,
        "withbody": withbody,
        "none": frozenset(),
        "total": frozenset({".total"}),
    }
    # py-stackexchange's legacy names: b = body, c = comments, a = answers.
    for letters in ("b", "c", "a", "ba", "bc", "ac", "bca", "ca", "cb", "ab", "abc", "cba", "bac"):
        fields = set(default)
        if "b" in letters:
            fields |= {f"{t}.body" for t in BODY_TYPES}
        if "c" in letters:
            fields |= {"question.comments", "answer.comments", "post.comments"}
        if "a" in letters:
            fields |= {"question.answers"}
        named["_" + letters] = frozenset(fields)
    # Opaque names the clients send (spec B3): StackAPI's /sites filter, py-stackexchange's
    # users() ("include answer_count, etc."), its lazy comments and info(site=True).
    named["!*L1*AY-85YllAr2)"] = default
    named["!-*f(6q3e0kcP"] = _with(
        default,
        "user.about_me",
        "user.answer_count",
        "user.question_count",
        "user.view_count",
        "user.up_vote_count",
        "user.down_vote_count",
    )
    named["!-*7AsUyrEan0"] = _with(default, "comment.body", "comment.link", "comment.post_type")
    named["!9YdnSFfpS"] = _with(default, "info.site")
    return {name: Filter(name, fields) for name, fields in named.items()}


def _encode(fields: frozenset[str], unsafe: bool) -> str:
    """The name of a custom filter: its difference from `default`, deflated."""
    default = default_fields()
    definition = {
        "v": _VERSION,
        "i": sorted(fields - default),
        "e": sorted(default - fields),
        "u": unsafe,
    }
    raw = json.dumps(definition, separators=(",", ":"), sort_keys=True).encode()
    return "!" + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode(name: str) -> Filter | None:
    if not name.startswith("!"):
        return None
    body = name[1:]
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        definition = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError):
        return None
    if not isinstance(definition, dict) or definition.get("v") != _VERSION:
        return None
    known = all_fields()
    included = {f for f in definition.get("i", []) if f in known}
    excluded = {f for f in definition.get("e", []) if f in known}
    fields = (default_fields() | included) - excluded
    return Filter(name, frozenset(fields), bool(definition.get("u")))


def resolve(name: str | None) -> Filter:
    """The filter a request names; unknown names fall back to `default` (spec checklist 3)."""
    if not name:
        return builtin_filters()["default"]
    found = builtin_filters().get(name) or decode(name)
    if found is None:
        return Filter(name, builtin_filters()["default"].fields)
    return found


def legacy_name(query) -> str | None:
    """API 1.x's `body`, `comments` and `answers` flags, which py-stackexchange still sends
    without a filter on some calls: read them as the matching legacy filter (`_bca`...)."""
    letters = "".join(
        letter
        for letter, name in (("b", "body"), ("c", "comments"), ("a", "answers"))
        if (query.get(name) or "").lower() == "true"
    )
    return "_" + letters if letters else None


def _field_list(raw: str | None, parameter: str) -> set[str]:
    """`include`/`exclude`: `;`-separated `type.field` names; `type` alone means all its fields."""
    fields: set[str] = set()
    for item in (raw or "").split(";"):
        item = item.strip()
        if not item:
            continue
        if "." not in item:
            if item not in TYPES:
                raise BadParameter(parameter, f"{parameter}: unknown type `{item}`")
            default, more = TYPES[item]
            fields |= {f"{item}.{name}" for name in default + more}
            continue
        if item not in all_fields():
            raise BadParameter(parameter, f"{parameter}: unknown field `{item}`")
        fields.add(item)
    return fields


def create(
    include: str | None, exclude: str | None, base: str | None, unsafe: str | None
) -> Filter:
    base_filter = builtin_filters()["default"]
    if base:
        base_filter = builtin_filters().get(base) or decode(base)
        if base_filter is None:
            raise BadParameter("base", f"base: unknown filter `{base}`")
    if unsafe not in (None, "", "true", "false"):
        raise BadParameter("unsafe", "unsafe must be true or false")
    is_unsafe = unsafe == "true"
    fields = (base_filter.fields | _field_list(include, "include")) - _field_list(
        exclude, "exclude"
    )
    return Filter(_encode(frozenset(fields), is_unsafe), frozenset(fields), is_unsafe)


def describe(filter_: Filter) -> dict:
    """A `filter` item: its name, fields (error fields are never filtered out) and safety."""
    return {
        "filter": filter_.name,
        "included_fields": sorted(filter_.fields | _ERROR_FIELDS),
        "filter_type": filter_.filter_type,
    }
