"""Parsing the common parameters: paging, sort/order/min/max, dates, id and tag vectors.

Bad values are a `bad_parameter` error naming the parameter; unknown parameters are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote_plus

from django.conf import settings

from quaestio.api.errors import BadParameter, NoMethod

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 30
MAX_IDS = 100
MAX_TAGGED = 5
# The largest number a parameter may carry: ids and counts are 64-bit in the database, and the
# site's <id:...> routes take 18 digits, so a longer number is a bad parameter here too (a
# number the database cannot hold would otherwise fail inside the query).
MAX_NUMBER = 10**18 - 1


@dataclass(frozen=True)
class Sort:
    """A sort the method documents: the model field it orders by and the kind of min/max."""

    field: str
    kind: str  # "date", "int" or "str"


def integer(
    query, name: str, default: int | None = None, low: int | None = None, high: int | None = None
) -> int | None:
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be an integer") from None
    _within_reach(value, name)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadParameter(name, f"{name} must be {bounds}")
    return value


def _within_reach(value: int, name: str) -> int:
    if abs(value) > MAX_NUMBER:
        raise BadParameter(name, f"{name} must be at most {len(str(MAX_NUMBER))} digits long")
    return value


def epoch(query, name: str) -> datetime | None:
    """A Unix epoch in seconds; py-stackexchange sends floats like "1390335965.0"."""
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        seconds = float(raw)
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise BadParameter(name, f"{name} must be a Unix epoch date in seconds") from None


def boolean(query, name: str) -> bool | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise BadParameter(name, f"{name} must be true or false")


def string_vector(raw: str | None, name: str, limit: int) -> list[str]:
    items = [unquote_plus(part).strip() for part in (raw or "").split(";")]
    items = [item for item in items if item]
    if len(items) > limit:
        raise BadParameter(name, f"{name} accepts at most {limit} values")
    return items


def id_vector(raw: str, name: str = "ids") -> list[int]:
    """`{ids}` in a path: up to 100 numbers joined by `;`. Non-numbers make no method."""
    parts = string_vector(raw, name, MAX_IDS)
    if not parts:
        raise BadParameter(name, f"{name} is required")
    ids = []
    for part in parts:
        try:
            number = int(part)
        except ValueError:
            raise NoMethod(f"no method found with this name; `{part}` is not a number") from None
        ids.append(_within_reach(number, name))
    return list(dict.fromkeys(ids))


@dataclass
class Paging:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def paging(query, max_page_size: int = MAX_PAGE_SIZE) -> Paging:
    """page and pagesize. A page whose first row lies deeper than QUAESTIO_LIST_MAX_OFFSET
    rows is refused (an OFFSET that deep grows with the site): a client goes deeper with the
    sort's min/max bounds, as a keyset, from the last item it received."""
    page = integer(query, "page", 1, low=1, high=2_000_000)
    page_size = integer(query, "pagesize", DEFAULT_PAGE_SIZE, low=0, high=max_page_size)
    deepest = settings.QUAESTIO_LIST_MAX_OFFSET
    if (page - 1) * page_size > deepest:
        raise BadParameter(
            "page",
            f"page is too deep: pages start at most {deepest:,} items in; to go further, "
            "narrow the list with min and max (bounds on the sort) from the last item received",
        )
    return Paging(page, page_size)


@dataclass
class Ordering:
    sort: str
    descending: bool
    spec: Sort | None
    low: object = None
    high: object = None


def _bound(query, name: str, spec: Sort | None):
    raw = query.get(name)
    if raw in (None, "") or spec is None:
        return None
    if spec.kind == "date":
        return epoch(query, name)
    if spec.kind == "int":
        try:
            return _within_reach(int(float(raw)), name)
        except (ValueError, OverflowError):
            raise BadParameter(name, f"{name} must be a number for sort {spec.field}") from None
    return raw


def ordering(query, sorts: dict[str, Sort], default: str) -> Ordering:
    sort = query.get("sort") or default
    if sorts and sort not in sorts:
        raise BadParameter("sort", f"sort must be one of {', '.join(sorts)}")
    order = query.get("order") or "desc"
    if order not in ("asc", "desc"):
        raise BadParameter("order", "order must be asc or desc")
    spec = sorts.get(sort)
    return Ordering(
        sort, order == "desc", spec, _bound(query, "min", spec), _bound(query, "max", spec)
    )
