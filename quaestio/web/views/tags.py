"""Tag pages: the list of tags and the questions under one tag."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path

from quaestio.core import links
from quaestio.posts.selectors import QUESTION_LIST_SORTS, question_list
from quaestio.tags.selectors import tag_detail, tag_list
from quaestio.web.paging import page_number, paginator

PAGE_SIZE = 30


def tags(request):
    number = page_number(request)
    items, total = tag_list(number)
    return render(
        request, "tags/list.html", {"tags": items, "pager": paginator(request, number, total, 36)}
    )


def tagged(request, name: str):
    tag = tag_detail(name)
    if tag is None:
        raise Http404("No tag with that name")
    sort = request.GET.get("tab", "newest").lower()
    if sort not in QUESTION_LIST_SORTS:
        sort = "newest"
    number = page_number(request)
    summaries, total = question_list(sort=sort, tag=name, page=number, page_size=PAGE_SIZE)
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
            "pager": paginator(request, number, total, PAGE_SIZE),
        },
    )


urlpatterns = [
    path("tags", tags, name="tags"),
    path("tags/<str:name>", tagged, name="tag"),
    path("tags/<str:name>/info", tagged, name="tag_info"),
    path("questions/tagged/<str:name>", tagged, name="tagged"),
]
