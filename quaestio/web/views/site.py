"""Home page, avatars, help pages, and the pages whose features have not landed yet."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import cache_control

from quaestio.core.identicon import identicon_svg
from quaestio.posts.selectors import QUESTION_LIST_SORTS, question_list
from quaestio.reputation.privileges import privilege_ladder, privilege_set
from quaestio.web.paging import page_size, paged

HEADINGS = {"unanswered": "Unanswered Questions", "bounties": "Bountied Questions"}


def home(request):
    sort = request.GET.get("tab", "active").lower()
    if sort not in QUESTION_LIST_SORTS:
        sort = "active"
    size = page_size(request)
    (summaries, total), pager = paged(
        request,
        lambda number: question_list(sort=sort, page=number, page_size=size),
        size,
        sizes=True,
    )
    return render(
        request,
        "questions/list.html",
        {
            "summaries": summaries,
            "total": total,
            "sort": sort,
            "sorts": QUESTION_LIST_SORTS,
            "heading": HEADINGS.get(sort, "All Questions"),
            "pager": pager,
        },
    )


@cache_control(public=True, max_age=7 * 24 * 3600, immutable=True)
def identicon(request, seed: str):
    return HttpResponse(identicon_svg(seed), content_type="image/svg+xml")


HELP_PAGES = {
    "": ("Help Center", "Find answers to common questions about how this site works."),
    "how-to-ask": (
        "How do I ask a good question?",
        "Search first, be specific, show what you found, and pick tags that describe the subject.",
    ),
    "how-to-answer": (
        "How do I write a good answer?",
        "Answer the question asked, cite your sources, and explain rather than assert.",
    ),
    "on-topic": (
        "What topics can I ask about here?",
        "Questions about history and historical research.",
    ),
    "dont-ask": (
        "What types of questions should I avoid asking?",
        "Questions that are primarily opinion-based or too broad to answer in a post.",
    ),
    "behavior": ("What kind of behavior is expected of users?", "Be nice. Assume good intentions."),
    "minimal-reproducible-example": (
        "How to create a minimal example",
        "Reduce your problem to the smallest case that shows it.",
    ),
}


def help_page(request, page: str = ""):
    title, text = HELP_PAGES.get(page, HELP_PAGES[""])
    return render(
        request,
        "site/info.html",
        {"title": title, "text": text},
        status=200 if page in HELP_PAGES else 404,
    )


def privileges(request):
    """What each reputation level unlocks on this site, and what the viewer holds."""
    viewer = request.user if request.user.is_authenticated else None
    return render(
        request,
        "site/privileges.html",
        {"ladder": privilege_ladder(viewer), "privilege_set": privilege_set(), "viewer": viewer},
    )


def tour(request):
    return render(
        request,
        "site/info.html",
        {
            "title": "Tour",
            "text": "Ask questions, get answers, no distractions. Good answers are voted up and rise to the top.",
        },
    )


def ping(request):
    """A health check for load balancers, and the trivial view benchmarks compare pages with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", home, name="home"),
    path("questions", home, name="questions"),
    path("avatar/<str:seed>.svg", identicon, name="identicon"),
    path("help", help_page, name="help"),
    path("help/privileges", privileges, name="privileges"),
    path("help/<slug:page>", help_page, name="help_page"),
    path("tour", tour, name="tour"),
    path("ping", ping, name="ping"),
]
