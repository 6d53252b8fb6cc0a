"""The search page (/search?q=), and similar questions for the ask page (/search/similar)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path

from quaestio.core import links
from quaestio.core.client import client_address
from quaestio.core.shared_cache import count_in_windows
from quaestio.search.parser import parse
from quaestio.search.query import SearchSyntaxError
from quaestio.search.selectors import PAGE_SIZE, SORTS, search, similar_questions
from quaestio.tags.models import Tag
from quaestio.web.paging import page_number, paginator

# Stack Exchange lets a reader run about 30 searches a minute and anonymous readers use at
# most 3 tags in one query (spec §8.2).
SEARCHES_PER_MINUTE = 30
ANONYMOUS_MAX_TAGS = 3
SIMILAR_LIMIT = 5
SIMILAR_MIN_TITLE = 10  # characters typed before suggestions are worth their query


def _over_rate_limit(request) -> bool:
    who = f"u{request.user.id}" if request.user.is_authenticated else client_address(request)
    key = f"search-rate:{who}"
    # Every web process counts in the same place (the database, or Redis when configured).
    return count_in_windows((key, 60))[key] > SEARCHES_PER_MINUTE


def search_page(request):
    raw = request.GET.get("q", "").strip()
    sort = request.GET.get("tab", "relevance").lower()
    sort = sort if sort in SORTS else "relevance"
    number = page_number(request)
    context = {"search_query": raw, "sorts": SORTS, "sort": sort, "results": None, "error": ""}
    if not raw:
        return render(request, "search/results.html", context)
    if _over_rate_limit(request):
        context["error"] = "You are searching too fast. Wait a minute and try again."
        return render(request, "search/results.html", context, status=429)
    viewer = request.user if request.user.is_authenticated else None
    try:
        query = parse(raw)
        tag = query.only_tag
        if tag and Tag.objects.filter(name=tag).exists():
            return redirect(links.tag_url(tag))
        if viewer is None and sum(len(t.names) for t in query.tags) > ANONYMOUS_MAX_TAGS:
            raise SearchSyntaxError(
                f"Use at most {ANONYMOUS_MAX_TAGS} tags in one search, or log in to use more."
            )
        context["results"] = search(
            query, viewer=viewer, sort=sort, page=number, page_size=PAGE_SIZE
        )
    except SearchSyntaxError as error:
        context["error"] = error.message
        return render(request, "search/results.html", context)
    context["pager"] = paginator(request, number, context["results"].total, PAGE_SIZE)
    return render(request, "search/results.html", context)


def similar(request):
    """Questions like the title being typed: an HTML fragment, or JSON when asked for."""
    title = request.GET.get("title", "")[:250]
    questions = similar_questions(title, SIMILAR_LIMIT) if len(title) >= SIMILAR_MIN_TITLE else []
    wants_json = request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        return JsonResponse(
            {
                "items": [
                    {
                        "question_id": q.id,
                        "title": q.title,
                        "link": links.question_url(q.id, q.title),
                        "score": q.score,
                        "answer_count": q.answer_count or 0,
                        "is_answered": q.accepted_answer_id is not None,
                        "closed": q.closed_date is not None,
                    }
                    for q in questions
                ]
            }
        )
    return render(request, "search/similar.html", {"questions": questions})


urlpatterns: list = [
    path("search", search_page, name="search"),
    path("search/similar", similar, name="search_similar"),
]
