"""/tools/dead-links: posts whose links the checker found dead, for the editors who mend them."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from quaestio.core import links
from quaestio.linkcheck.policies import can_see_dead_links
from quaestio.linkcheck.selectors import dead_link_posts


def _before(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 18 else None


@require_GET
def dead_links(request):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    allowed, message = can_see_dead_links(request.user)
    if not allowed:
        return render(request, "closing/refused.html", {"message": message}, status=403)
    page = dead_link_posts(_before(request.GET.get("before", "")))
    base = links.page_url("dead_links")
    next_url = f"{base}?before={page.next_key}" if page.next_key else ""
    return render(request, "linkcheck/dead_links.html", {"page": page, "next_url": next_url})


urlpatterns = [path("tools/dead-links", dead_links, name="dead_links")]
