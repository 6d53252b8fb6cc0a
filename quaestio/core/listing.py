"""Bounded paging for long lists: no page reads more than a fixed number of index entries.

A page number N of a list sorted by an index would be `OFFSET (N-1)*size`, whose cost grows
with N: at 400,000 posts page 5,000 of /questions took half a second. Here:

* a page is read from the nearer end of the list: the last pages with the order reversed, so
  the pager's "last" link costs what page 1 costs;
* a page whose first row lies more than QUAESTIO_LIST_MAX_OFFSET rows from both ends is not
  served: the deepest page that is (from the start) is shown instead and the pager says so,
  as Stack Exchange caps how deep its lists page. 15,000 rows is page 1,000 of /questions at
  15 a page; at 10 million questions the middle of the list is for search and tags;
* the skipped rows are read as ids only (`ids_of_page`), from a covering index where the list
  has one, and the page's rows are then fetched by id: skipping 15,000 index entries costs
  about a millisecond, skipping 15,000 table rows (bodies and all) ten times more.

The list's total comes from a counter (core.site_counts, tags' counts), never a COUNT(*).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet


@dataclass(frozen=True)
class Window:
    page: int  # the page served (the one asked for, or the deepest reachable)
    offset: int  # rows skipped, in `reverse` order
    limit: int
    reverse: bool  # read from the end of the list (then the rows are turned round)


def max_offset() -> int:
    return settings.QUAESTIO_LIST_MAX_OFFSET


def last_page(total: int, size: int) -> int:
    return max(1, -(-total // size))


def reachable_page(page: int, size: int, total: int) -> int:
    """The page served when `page` is asked of a list of `total` rows: itself if its first row
    is within the bound from either end, else the deepest page within it from the start."""
    last = last_page(total, size)
    page = min(max(1, page), last)
    start = (page - 1) * size
    from_end = total - start - size
    if start <= max_offset() or from_end <= max_offset():
        return page
    return max_offset() // size + 1


def window(page: int, size: int, total: int, exact: bool = True) -> Window:
    """The rows of page `page`. `exact` False: `total` is a count stopped at a bound
    (`bounded_count`), so the list's end is unknown and it is read forwards only."""
    page = reachable_page(page, size, total)
    start = (page - 1) * size
    from_end = total - start - size
    # Page 1 is always read forwards: a count that lags its rows never empties it.
    if exact and start > 0 and from_end < start and from_end >= -size:
        # Nearer the end: read the page backwards. The last page may be short.
        return Window(page, max(0, from_end), size + min(0, from_end), True)
    return Window(page, start, size, False)


def bounded_count(queryset: QuerySet) -> int:
    """COUNT(*) of a list no counter keeps, stopped past the deepest row a page may reach."""
    return queryset.order_by()[: max_offset() + 1].count()


def ids_of_page(ordered: QuerySet, win: Window, key: str = "pk") -> list:
    """The ids of the window's rows, in the list's order: `ordered` must be ordered by a total
    order (ending in a unique column) so the reversed order is exactly the list backwards."""
    if win.limit <= 0:
        return []
    queryset = ordered.reverse() if win.reverse else ordered
    ids = list(queryset.values_list(key, flat=True)[win.offset : win.offset + win.limit])
    return ids[::-1] if win.reverse else ids


def in_order(rows, ids: list) -> list:
    """Rows fetched by id, put back in the order of `ids`."""
    by_id = {row.pk: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]
