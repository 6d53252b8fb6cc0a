"""Tag pages: the list of tags and the questions under one tag."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path

from quaestio.core import links
from quaestio.posts.selectors import QUESTION_LIST_SORTS, question_list
from quaestio.tags.selectors import tag_detail, tag_list
from quaestio.web.paging import page_size, paged


def tags(request):
    (items, _total), pager = paged(request, tag_list, 36)
    return render(request, "tags/list.html", {"tags": items, "pager": pager})


def tagged(request, name: str):
    tag = tag_detail(name)
    if tag is None:
        raise Http404("No tag with that name")
    sort = request.GET.get("tab", "newest").lower()
    if sort not in QUESTION_LIST_SORTS:
        sort = "newest"
    size = page_size(request)
    (summaries, total), pager = paged(
        request,
        lambda number: question_list(sort=sort, tag=name, page=number, page_size=size),
        size,
        sizes=True,
    )
    return render(
        request,
        "tags/tagged.html",
        {
            "tag": tag,
            "canonical": links.tag_url(name),
            "summaries": summaries,
            "total": total,
            "sort": sort,
            "sorts": QUESTION_LIST_SORTS,
            "pager": pager,
            "feed": links.feed_url("tag", name),
            "feed_title": f"Newest questions tagged {name}",
        },
    )


urlpatterns = [
    path("tags", tags, name="tags"),
    path("tags/<str:name>", tagged, name="tag"),
    path("tags/<str:name>/info", tagged, name="tag_info"),
    path("questions/tagged/<str:name>", tagged, name="tagged"),
]
