"""Page numbers for lists: ?page=N&pagesize=M, as Stack Exchange's lists take them.

A page number is whatever a visitor types, so it is bounded here before it reaches a query: a
number that is not a plain positive integer means page 1, and one past the last page (or past
QUAESTIO_LIST_MAX_PAGE, the deepest page a list serves, as Stack Exchange caps list paging so
no view reads an unbounded OFFSET) shows the last page. A page deeper than
QUAESTIO_LIST_MAX_OFFSET rows from both ends of the list shows the deepest page that is not
(core/listing.py), and the pager links only pages a list serves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings

from quaestio.core.listing import reachable_page

PAGE_SIZES = (15, 30, 50)  # what Stack Exchange's question lists offer
DEFAULT_PAGE_SIZE = 15  # Stack Exchange's default on /questions and tag pages

T = TypeVar("T")


def page_number(request) -> int:
    raw = request.GET.get("page", "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    # A digit string too long for the cap is past it whatever its value; no need to parse it.
    cap = settings.QUAESTIO_LIST_MAX_PAGE
    if len(raw) > len(str(cap)):
        return cap
    return min(max(1, int(raw)), cap)


def page_size(request, default: int = DEFAULT_PAGE_SIZE) -> int:
    """?pagesize= on question lists: one of the sizes Stack Exchange offers, else the default."""
    raw = request.GET.get("pagesize", "")
    return int(raw) if raw in {str(size) for size in PAGE_SIZES} else default


def last_page(total: int, size: int) -> int:
    return min(max(1, -(-total // size)), settings.QUAESTIO_LIST_MAX_PAGE)


@dataclass
class Pager:
    number: int
    pages: int
    links: list[tuple[int | None, str]]  # (page, href); None marks a gap
    sizes: list[tuple[int, str]]  # (page size, href) for the page-size chooser; empty if fixed
    size: int


def paginator(request, number: int, total: int, size: int, sizes: bool = False) -> Pager:
    pages = last_page(total, size)
    # Only pages a list serves (core.listing: none deeper than its bound from both ends).
    wanted = sorted(
        page
        for page in {1, pages, number - 1, number, number + 1} & set(range(1, pages + 1))
        if reachable_page(page, size, total) == page
    )
    links: list[tuple[int | None, str]] = []
    previous = 0
    for page in wanted:
        if page - previous > 1:
            links.append((None, ""))
        links.append((page, _href(request, page=page)))
        previous = page
    choices = [(s, _href(request, page=1, pagesize=s)) for s in PAGE_SIZES] if sizes else []
    return Pager(number, pages, links, choices, size)


def _href(request, **changes) -> str:
    params = request.GET.copy()
    for name, value in changes.items():
        params[name] = str(value)
    return "?" + urlencode(params)


def paged(
    request,
    fetch: Callable[[int], T],
    size: int,
    total: Callable[[T], int] = itemgetter(1),
    sizes: bool = False,
) -> tuple[T, Pager]:
    """Fetches the page the request asks for, or the last page when it asks past the end:
    `fetch(page)` returns a page and, through `total`, how many items the whole list holds.
    A second fetch happens only for a page past the end."""
    number = page_number(request)
    result = fetch(number)
    last = last_page(total(result), size)
    served = min(reachable_page(number, size, total(result)), last)
    if number != served:
        number = served
        result = fetch(number)
    return result, paginator(request, number, total(result), size, sizes)
