from __future__ import annotations

from quaestio.tags.models import Tag


def tag_list(page: int, page_size: int = 36) -> tuple[list[Tag], int]:
    start = (page - 1) * page_size
    return list(
        Tag.objects.order_by("-count", "name")[start : start + page_size]
    ), Tag.objects.count()


def tag_detail(name: str) -> Tag | None:
    return Tag.objects.select_related("excerpt_post").filter(name=name).first()
