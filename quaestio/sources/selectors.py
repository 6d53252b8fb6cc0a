"""Reads of kept sources, shaped for the question page and the API (no Markdown parsed)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from quaestio.sources.extract import DOI, ISBN, URL, WORK
from quaestio.sources.models import PostSource


@dataclass(frozen=True, slots=True)
class SourceRow:
    kind: str
    value: str
    domain: str
    title: str
    author: str
    year: int | None

    @property
    def href(self) -> str:
        """Where a reader follows it: the URL, a DOI's resolver; "" for ISBNs and works."""
        if self.kind == URL:
            return self.value
        if self.kind == DOI:
            return "https://doi.org/" + quote(self.value, safe="/:;()._-")
        return ""

    def as_api(self) -> dict:
        item = {"kind": self.kind, "value": self.value}
        if self.kind in (URL, DOI):
            item.update(domain=self.domain, link=self.href)
        if self.kind == WORK:
            item.update(title=self.title, author=self.author, year=self.year)
        return item


@dataclass(frozen=True, slots=True)
class ShownSource:
    """One entry of a post's compact list: a domain (its first link, and how many), a DOI,
    an ISBN or a work."""

    kind: str
    label: str
    href: str = ""
    count: int = 1
    author: str = ""
    year: int | None = None


def sources_by_post(post_ids: Iterable[int]) -> dict[int, list[SourceRow]]:
    """Each post's kept sources in reading order; one query whatever the number of posts."""
    ids = list(post_ids)
    found: dict[int, list[SourceRow]] = {}
    if not ids:
        return found
    rows = (
        PostSource.objects.filter(post_id__in=ids)
        .order_by("post_id", "position")
        .values_list("post_id", "kind", "value", "domain", "title", "author", "year")
    )
    for post_id, *fields in rows:
        found.setdefault(post_id, []).append(SourceRow(*fields))
    return found


def rows_from_json(text: str) -> list[SourceRow]:
    """The rows the question page's posts query read as JSON arrays (posts/sql.py), in order."""
    items = sorted(json.loads(text), key=lambda item: item[0])
    return [SourceRow(*item[1:]) for item in items]


def compact(sources: list[SourceRow]) -> list[ShownSource]:
    """What the page lists under a post: links grouped by domain (the first link stands for
    them), then each DOI, ISBN and work, in the order the post cites them."""
    shown: list[ShownSource] = []
    by_domain: dict[str, int] = {}
    for source in sources:
        if source.kind == URL:
            at = by_domain.get(source.domain)
            if at is not None:
                entry = shown[at]
                shown[at] = ShownSource(URL, entry.label, entry.href, entry.count + 1)
                continue
            by_domain[source.domain] = len(shown)
            shown.append(ShownSource(URL, source.domain, source.href))
        elif source.kind == DOI:
            shown.append(ShownSource(DOI, "doi:" + source.value, source.href))
        elif source.kind == ISBN:
            shown.append(ShownSource(ISBN, "ISBN " + source.value))
        elif source.kind == WORK:
            shown.append(ShownSource(WORK, source.title, author=source.author, year=source.year))
    return shown
