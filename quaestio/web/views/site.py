"""Home page, avatars, help pages, and the pages whose features have not landed yet."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path
from django.views.decorators.cache import cache_control

from quaestio.core import links
from quaestio.core.identicon import identicon_svg
from quaestio.posts.selectors import QUESTION_LIST_SORTS, question_list
from quaestio.tags.lists import viewer_tag_marks, watched_question_list
from quaestio.web.help import HELP_PAGES, HELP_SECTIONS, help_context
from quaestio.web.paging import page_size, paged

HEADINGS = {
    "unanswered": "Unanswered Questions",
    "bounties": "Bountied Questions",
    "watched": "Questions in Watched Tags",
}


def home(request):
    sort = request.GET.get("tab", "active").lower()
    marks = viewer_tag_marks(request.user)  # one query for a signed-in viewer, none otherwise
    watching = sort == "watched" and request.user.is_authenticated
    if sort not in QUESTION_LIST_SORTS and not watching:
        sort = "active"
    size = page_size(request)

    def fetch(number: int):
        if watching:
            return watched_question_list(marks, number, size)
        return question_list(sort=sort, page=number, page_size=size)

    (summaries, total), pager = paged(request, fetch, size, sizes=True)
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
            "marks": marks,
            "feed": links.feed_url(),
            "feed_title": "Newest questions",
        },
    )


@cache_control(public=True, max_age=7 * 24 * 3600, immutable=True)
def identicon(request, seed: str):
    return HttpResponse(identicon_svg(seed), content_type="image/svg+xml")


def help_index(request):
    """The help center: every help page by section."""
    return render(request, "site/help_index.html", {"sections": HELP_SECTIONS})


def help_page(request, page: str):
    """One help page: its prose, with the figures it shows read from the site's rules."""
    entry = HELP_PAGES.get(page)
    if entry is None:
        raise Http404("No help page by that name")
    context = {"page": entry, "sections": HELP_SECTIONS, **help_context(request, page)}
    return render(request, f"site/help/{page}.html", context)


def privileges(request):
    """What each reputation level unlocks on this site, and what the viewer holds."""
    return help_page(request, "privileges")


def tour(request):
    """A first look at how the site works, for a visitor who has never used one like it."""
    return render(request, "site/tour.html", help_context(request, "reputation"))


@cache_control(public=True, max_age=24 * 3600)
def favicon(request):
    """Browsers and crawlers that ignore the pages' <link rel="icon"> still ask for
    /favicon.ico: send them to the icon's cache-busted static URL."""
    return HttpResponsePermanentRedirect(static("quaestio/favicon.svg"))


def ping(request):
    """A health check for load balancers, and the trivial view benchmarks compare pages with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", home, name="home"),
    path("questions", home, name="questions"),
    path("avatar/<str:seed>.svg", identicon, name="identicon"),
    path("help", help_index, name="help"),
    path("help/privileges", privileges, name="privileges"),
    path("help/<slug:page>", help_page, name="help_page"),
    path("tour", tour, name="tour"),
    path("ping", ping, name="ping"),
    path("favicon.ico", favicon, name="favicon"),
]
