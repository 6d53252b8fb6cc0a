"""The light/dark switch (static/quaestio/theme.js): a signed-in reader's choice is kept on their
account (accounts/preferences.py) and written on <html> by the server; an anonymous reader's
stays in their browser (localStorage), so the pages everyone is served stay the same."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from quaestio.accounts import limits
from quaestio.accounts.preferences import set_theme
from quaestio.core.errors import DomainError

CHANGES_PER_MINUTE = 20


@require_POST
def theme_choice(request):
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to keep the choice on your account."}, status=403)
    if limits.record_attempt("theme", request.user.id, 60) > CHANGES_PER_MINUTE:
        return JsonResponse({"error": "Too many changes; wait a minute."}, status=429)
    try:
        set_theme(request.user, request.POST.get("theme", ""))
    except DomainError as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    return JsonResponse({"theme": request.user.theme})


urlpatterns = [path("preferences/theme", theme_choice, name="theme_choice")]
