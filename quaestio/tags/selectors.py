from __future__ import annotations

from quaestio.core import listing
from quaestio.core.site_counts import TAGS, site_count
from quaestio.tags.models import Tag, TagPreference


def tag_list(page: int, page_size: int = 36) -> tuple[list[Tag], int]:
    """A page of tags by use, and how many tags there are (a counter, core.site_counts), read
    no deeper than core.listing allows."""
    total = site_count(TAGS)
    ids = listing.ids_of_page(
        Tag.objects.order_by("-count", "name"), listing.window(page, page_size, total)
    )
    return listing.in_order(Tag.objects.filter(id__in=ids), ids), total


def tag_detail(name: str) -> Tag | None:
    return Tag.objects.select_related("excerpt_post").filter(name=name).first()


def watched_tag_names(user_id: int) -> list[str]:
    """The names of the tags a user watches, by name: the watched-tags digest's subjects."""
    return list(
        TagPreference.objects.filter(user_id=user_id, kind=TagPreference.WATCHED)
        .order_by("tag__name")
        .values_list("tag__name", flat=True)
    )
