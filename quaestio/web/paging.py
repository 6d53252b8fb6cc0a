"""Page numbers for lists: ?page=N&pagesize=M, as Stack Exchange's lists take them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@dataclass
class Pager:
    number: int
    pages: int
    links: list[tuple[int | None, str]]  # (page, href); None marks a gap


def paginator(request, number: int, total: int, page_size: int) -> Pager:
    pages = max(1, -(-total // page_size))
    wanted = sorted({1, pages, number - 1, number, number + 1} & set(range(1, pages + 1)))
    links: list[tuple[int | None, str]] = []
    previous = 0
    for page in wanted:
        if page - previous > 1:
            links.append((None, ""))
        params = request.GET.copy()
        params["page"] = str(page)
        links.append((page, "?" + urlencode(params)))
        previous = page
    return Pager(number, pages, links)
