"""User profiles with Stack Exchange's tabs (?tab=profile|activity|answers|...), and the users list."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from quaestio.accounts import profile_tabs as tabs
from quaestio.accounts.policies import (
    may_edit_profile,
    may_moderate,
    may_see_suspension_reason,
    may_see_votes_cast,
)
from quaestio.accounts.selectors import user_list, user_profile
from quaestio.core import links
from quaestio.core.links import user_flags_url, user_url
from quaestio.core.safe_urls import safe_link
from quaestio.moderation.policies import can_see_flag_history
from quaestio.posts.models import PostType
from quaestio.web import converters  # noqa: F401  (registers <id:...>)
from quaestio.web.paging import paged

TAB_PAGE_SIZE = 30
SUMMARY_ROWS = 5
# (tab, label) of the activity sub-navigation, in Stack Exchange's order.
ACTIVITY_TABS = (
    ("activity", "Summary"),
    ("answers", "Answers"),
    ("questions", "Questions"),
    ("tags", "Tags"),
    ("badges", "Badges"),
    ("bounties", "Bounties"),
    ("reputation", "Reputation"),
    ("allactions", "All actions"),
    ("votes", "Votes"),
)
TAB_NAMES = {"profile"} | {name for name, _label in ACTIVITY_TABS}


def _choice(request, name: str, allowed, default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


def _before_date(request) -> datetime | None:
    raw = request.GET.get("before", "")
    try:
        moment = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def _before_id(request) -> int | None:
    raw = request.GET.get("before", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def profile(request, user_id: int, slug: str | None = None):
    user = tabs.profile_user(user_id)
    if user is None:
        raise Http404("No user with that id")
    canonical = user_url(user_id, user.display_name)
    if request.path != canonical:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(canonical + ("?" + query if query else ""))
    tab = request.GET.get("tab", "profile")
    if tab not in TAB_NAMES:
        tab = "profile"
    if tab == "votes" and not may_see_votes_cast(request.user, user_id):
        raise Http404("The votes a user cast are visible to that user alone")
    context = {
        "u": user,
        "canonical": canonical,
        "tab": tab,
        "website_link": safe_link(user.website_url),
        "activity_tabs": [
            (name, label)
            for name, label in ACTIVITY_TABS
            if name != "votes" or may_see_votes_cast(request.user, user_id)
        ],
        "may_edit_profile": may_edit_profile(request.user, user_id),
        "may_see_suspension_reason": may_see_suspension_reason(request.user, user_id),
        "may_moderate_user": may_moderate(request.user),
        "feed": links.feed_url("user", user_id),
        "feed_title": f"Posts by {user.display_name}",
    }
    # The flag history is for its user and moderators (spec §7.8): the link only for them.
    if can_see_flag_history(request.user, user_id)[0]:
        context["flags_url"] = user_flags_url(user_id)
    context.update(_TAB_READERS[tab](request, user))
    return render(request, f"users/tab_{tab}.html", context)


def _profile_tab(request, user):
    what = _choice(request, "posts", ("all", "questions", "answers"), "all")
    sort = _choice(request, "sort", ("votes", "newest"), "votes")
    return {"profile": user_profile(user.id, what=what, sort=sort), "what": what, "sort": sort}


def _summary_tab(request, user):
    from quaestio.reputation.selectors import reputation_page

    answers, answer_total = tabs.user_posts(user.id, PostType.ANSWER, "votes", 1, SUMMARY_ROWS)
    questions, question_total = tabs.user_posts(
        user.id, PostType.QUESTION, "votes", 1, SUMMARY_ROWS
    )
    return {
        "answers": answers,
        "answer_total": answer_total,
        "questions": questions,
        "question_total": question_total,
        "tags": tabs.user_tags(user.id, "votes", 1, SUMMARY_ROWS)[0],
        "badges": tabs.user_badges(user.id, "recent", 1, SUMMARY_ROWS)[0],
        "bounties": tabs.user_bounties(user.id, "offered", 1, SUMMARY_ROWS)[0],
        "reputation": reputation_page(user.id),
        "actions": tabs.user_actions(user.id, "all", None, SUMMARY_ROWS)[0],
    }


def _posts_tab(post_type: int):
    def read(request, user):
        sort = _choice(request, "sort", tuple(tabs.POST_SORTS), "votes")
        (rows, total), pager = paged(
            request,
            lambda page: tabs.user_posts(user.id, post_type, sort, page, TAB_PAGE_SIZE),
            TAB_PAGE_SIZE,
        )
        return {"rows": rows, "total": total, "pager": pager, "sort": sort}

    return read


def _paged_tab(request, fetch, key: str, sort: str) -> dict:
    """A tab of page numbers: `fetch(page, size)` returns the page's rows and the total."""
    (rows, total), pager = paged(request, lambda page: fetch(page, TAB_PAGE_SIZE), TAB_PAGE_SIZE)
    return {key: rows, "total": total, "pager": pager, "sort": sort}


def _tags_tab(request, user):
    sort = _choice(request, "sort", tuple(tabs.TAG_SORTS), "votes")
    return _paged_tab(
        request, lambda page, size: tabs.user_tags(user.id, sort, page, size), "tags", sort
    )


def _badges_tab(request, user):
    sort = _choice(request, "sort", tuple(tabs.BADGE_ORDERS), "recent")
    return _paged_tab(
        request, lambda page, size: tabs.user_badges(user.id, sort, page, size), "badges", sort
    )


def _bounties_tab(request, user):
    which = _choice(request, "sort", tabs.BOUNTY_FILTERS, "offered")
    return _paged_tab(
        request,
        lambda page, size: tabs.user_bounties(user.id, which, page, size),
        "bounties",
        which,
    )


def _reputation_tab(request, user):
    from quaestio.reputation.selectors import reputation_page

    return {"page": reputation_page(user.id)}


def _actions_tab(request, user):
    what = _choice(request, "sort", tabs.ACTION_FILTERS, "all")
    rows, next_before = tabs.user_actions(user.id, what, _before_date(request), TAB_PAGE_SIZE)
    return {
        "actions": rows,
        "next_before": next_before.isoformat() if next_before else "",
        "sort": what,
    }


def _votes_tab(request, user):
    what = _choice(request, "sort", tuple(tabs.VOTE_FILTERS), "all")
    rows, next_before = tabs.user_votes(user.id, what, _before_id(request), TAB_PAGE_SIZE)
    return {"votes": rows, "next_before": next_before or "", "sort": what}


_TAB_READERS = {
    "profile": _profile_tab,
    "activity": _summary_tab,
    "answers": _posts_tab(PostType.ANSWER),
    "questions": _posts_tab(PostType.QUESTION),
    "tags": _tags_tab,
    "badges": _badges_tab,
    "bounties": _bounties_tab,
    "reputation": _reputation_tab,
    "allactions": _actions_tab,
    "votes": _votes_tab,
}


def users(request):
    (people, _total), pager = paged(request, user_list, 36)
    return render(request, "users/list.html", {"people": people, "pager": pager})


urlpatterns = [
    path("users", users, name="users"),
    path("users/<id:user_id>", profile, name="user_noslug"),
    path("users/<id:user_id>/<str:slug>", profile, name="user"),
]
