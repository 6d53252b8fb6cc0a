"""User profiles and the users list."""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import path

from quaestio.accounts.policies import may_edit_profile, may_moderate, may_see_suspension_reason
from quaestio.accounts.selectors import user_list, user_profile
from quaestio.core import links
from quaestio.core.links import user_flags_url, user_url
from quaestio.moderation.policies import can_see_flag_history
from quaestio.web import converters  # noqa: F401  (registers <id:...>)
from quaestio.web.paging import paged


def profile(request, user_id: int, slug: str | None = None):
    data = user_profile(user_id)
    if data is None:
        raise Http404("No user with that id")
    canonical = user_url(user_id, data.user.display_name)
    if request.path != canonical:
        return HttpResponsePermanentRedirect(canonical)
    # The flag history is for its user and moderators (spec §7.8): the link only for them.
    flags = can_see_flag_history(request.user, user_id)[0]
    return render(
        request,
        "users/profile.html",
        {
            "profile": data,
            "u": data.user,
            "canonical": canonical,
            "feed": links.feed_url("user", user_id),
            "feed_title": f"Posts by {data.user.display_name}",
            "flags_url": user_flags_url(user_id) if flags else "",
            "may_edit_profile": may_edit_profile(request.user, user_id),
            "may_see_suspension_reason": may_see_suspension_reason(request.user, user_id),
            "may_moderate_user": may_moderate(request.user),
        },
    )


def users(request):
    (people, _total), pager = paged(request, user_list, 36)
    return render(request, "users/list.html", {"people": people, "pager": pager})


urlpatterns = [
    path("users", users, name="users"),
    path("users/<id:user_id>", profile, name="user_noslug"),
    path("users/<id:user_id>/<str:slug>", profile, name="user"),
]
