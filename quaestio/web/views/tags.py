"""Tag pages: the list of tags, the questions under one tag, a tag's info (excerpt, wiki,
synonyms), the hover-text excerpts, and the viewer's watched and ignored tags."""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.posts.selectors import QUESTION_LIST_SORTS, question_list
from quaestio.tags import policies
from quaestio.tags.lists import preferences_page, viewer_tag_marks
from quaestio.tags.pages import FILTER_MAX, TAG_SORTS, tag_excerpts, tag_info, tag_list_sorted
from quaestio.tags.preferences import tag_display_set, tag_preference_set
from quaestio.tags.selectors import tag_detail
from quaestio.web.paging import page_size, paged
from quaestio.web.text import plain_text


def tags(request):
    sort = request.GET.get("tab", "popular").lower()
    sort = sort if sort in TAG_SORTS else "popular"
    prefix = "".join(request.GET.get("filter", "").split()).lower()[:FILTER_MAX]
    (items, _total), pager = paged(
        request, lambda number: tag_list_sorted(sort, prefix, number, 36), 36
    )
    return render(
        request,
        "tags/list.html",
        {"tags": items, "pager": pager, "sort": sort, "sorts": TAG_SORTS, "filter": prefix},
    )


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
    marks = viewer_tag_marks(request.user)
    if marks.hide_ignored and marks.kind_of(tag.name) == "ignored":
        # Someone who opens an ignored tag's own page asked to see its questions: greyed.
        marks = replace(marks, hide_ignored=False)
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
            "marks": marks,
            "preference": marks.kind_of(tag.name),
            "may_prefer": policies.can_set_tag_preference(request.user)[0],
            "feed": links.feed_url("tag", name),
            "feed_title": f"Newest questions tagged {name}",
        },
    )


def info(request, name: str):
    found = tag_info(name)
    if found is None:
        raise Http404("No tag with that name")
    marks = viewer_tag_marks(request.user)
    return render(
        request,
        "tags/info.html",
        {
            "info": found,
            "tag": found.tag,
            "preference": marks.kind_of(found.tag.name),
            "may_prefer": policies.can_set_tag_preference(request.user)[0],
            "may_edit": policies.can_edit_tag_wiki(request.user)[0],
            "may_merge": policies.can_merge_tags(request.user)[0],
        },
    )


@cache_control(public=True, max_age=300)
def excerpts(request):
    """{name: excerpt text} for the tag links of a page (hover text, site.js): one indexed
    query, cacheable, so the pages themselves read nothing more for it."""
    names = [n for n in request.GET.get("names", "").lower().split(",") if n][:60]
    found = {name: plain_text(body)[:500] for name, body in tag_excerpts(names).items()}
    return JsonResponse(found)


@require_POST
def preference(request, name: str):
    """The tag page's Watch / Ignore / Stop buttons: a plain form post."""
    if not request.user.is_authenticated:
        return redirect(f"{links.page_url('login')}?next={links.tag_url(name)}")
    kind = request.POST.get("kind", "") or None
    try:
        tag_preference_set(request.user, name, kind)
    except DomainError as refused:
        return render(
            request, "tags/refused.html", {"error": refused.message}, status=refused.status
        )
    back = request.POST.get("next", "")
    return redirect(
        back if back.startswith("/") and not back.startswith("//") else links.tag_url(name)
    )


@login_required
def preferences(request):
    """/users/tag-preferences: watched and ignored tags, and how ignored questions show."""
    error, status = "", 200
    if request.method == "POST":
        try:
            if "hide_ignored" in request.POST:
                tag_display_set(request.user, hide_ignored=request.POST["hide_ignored"] == "1")
            else:
                kind = request.POST.get("kind", "") or None
                names = request.POST.get("tags", "").replace(",", " ").split()[:20]
                with transaction.atomic():  # an unknown name among them: none is saved
                    for name in names:
                        tag_preference_set(request.user, name, kind)
        except DomainError as refused:
            error, status = refused.message, refused.status
        else:
            return redirect(links.page_url("tag_preferences"))
    watched, ignored, hide = preferences_page(request.user)
    return render(
        request,
        "tags/preferences.html",
        {"watched": watched, "ignored": ignored, "hide_ignored": hide, "error": error},
        status=status,
    )


urlpatterns = [
    path("tags", tags, name="tags"),
    path("tags/excerpts.json", excerpts, name="tag_excerpts"),
    path("users/tag-preferences", preferences, name="tag_preferences"),
    path("tags/<str:name>", tagged, name="tag"),
    path("tags/<str:name>/info", info, name="tag_info"),
    path("tags/<str:name>/preference", preference, name="tag_preference"),
    path("questions/tagged/<str:name>", tagged, name="tagged"),
]
