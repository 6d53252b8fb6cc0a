"""The inbox, the achievements list, the top bar's counters, e-mail settings and unsubscribing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from quaestio.accounts.limits import record_attempt
from quaestio.core import links
from quaestio.core.client import client_address
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.notifications import mail, selectors, services
from quaestio.notifications.models import MailPreference


@login_required
def inbox(request):
    """Opening the inbox reads it (as Stack Exchange's does); what was unread stays marked
    on this page. `?fragment=1` gives the list alone, for the top bar's dropdown."""
    items = selectors.inbox_items(request.user)
    unread = {item.id for item in items if item.read_date is None}
    services.inbox_mark_read(request.user)
    template = "accounts/inbox_list.html" if request.GET.get("fragment") else "accounts/inbox.html"
    return render(request, template, {"items": items, "unread": unread})


@require_POST
@login_required
def inbox_read(request):
    """Mark one item (`item`) or every item read; answers JSON to scripts, else goes back."""
    item_id = request.POST.get("item", "")
    if record_attempt("inbox-read", request.user.id, 60) > ACTIONS_PER_MINUTE:
        return _too_many(request)
    try:
        if item_id:
            if not item_id.isdigit():
                raise ValidationFailed("No inbox item with that id.")
            services.inbox_item_mark_read(request.user, int(item_id))
        else:
            services.inbox_mark_read(request.user)
    except DomainError as error:
        if _wants_json(request):
            return JsonResponse({"error": error.message}, status=error.status)
        raise Http404(error.message) from error
    if _wants_json(request):
        return JsonResponse(selectors.top_bar_counts(request.user))
    return redirect(links.page_url("inbox"))


ACTIONS_PER_MINUTE = 120  # marking read, unsubscribing: far above any person's clicking


def _too_many(request):
    message = "Too many requests; wait a minute and try again."
    if _wants_json(request):
        return JsonResponse({"error": message}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@never_cache
def top_bar(request):
    """The counters the top bar shows, for the page's script to keep them current."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to see your inbox."}, status=401)
    return JsonResponse(selectors.top_bar_counts(request.user))


@login_required
def achievements(request):
    """Today's reputation changes and badges; looking at them clears the top bar's marker.
    `?fragment=1` gives the list alone, for the top bar's dropdown."""
    today = selectors.achievements_today(request.user)
    services.achievements_mark_seen(request.user)
    template = "accounts/achievements_list.html" if request.GET.get("fragment") else None
    return render(request, template or "accounts/achievements.html", {"achievements": today})


@login_required
def preferences(request):
    preference = MailPreference.objects.filter(user=request.user).first()
    form = {
        "inbox": preference.inbox if preference else MailPreference.DEFAULT_INBOX,
        "watched_tags": preference.watched_tags if preference else MailPreference.DEFAULT_TAGS,
    }
    errors, status, saved = {}, 200, False
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in form}
        try:
            services.mail_preferences_set(request.user, **form)
        except DomainError as error:
            errors, status = {"message": error.message}, error.status
        else:
            saved = True
    return render(
        request,
        "accounts/preferences.html",
        {
            "form": form,
            "errors": errors,
            "saved": saved,
            "has_email": bool(request.user.email),
            "inbox_choices": MailPreference.INBOX_CHOICES,
            "tags_choices": MailPreference.TAGS_CHOICES,
        },
        status=status,
    )


STREAM_NAMES = {"inbox": "inbox e-mail", "watched_tags": "watched-tags e-mail"}


@csrf_exempt  # RFC 8058: mail clients POST the one-click request without a session or token
def unsubscribe(request, token: str):
    """The signed link in every e-mail: GET asks to confirm, POST turns the stream off."""
    claim = mail.read_unsubscribe_token(token)
    if claim is None:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=404)
    user_id, stream = claim
    done = False
    if request.method == "POST":
        if record_attempt("unsubscribe", client_address(request), 60) > ACTIONS_PER_MINUTE:
            return _too_many(request)
        done = services.mail_unsubscribe(user_id, stream)
        if not done:
            return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=404)
    return render(
        request,
        "accounts/unsubscribe.html",
        {"token": token, "stream": STREAM_NAMES[stream], "done": done, "invalid": False},
    )


urlpatterns: list = [
    path("users/inbox", inbox, name="inbox"),
    path("users/inbox/read", inbox_read, name="inbox_read"),
    path("users/top-bar.json", top_bar, name="top_bar"),
    path("users/achievements", achievements, name="achievements"),
    path("users/preferences", preferences, name="mail_preferences"),
    path("users/unsubscribe/<str:token>", unsubscribe, name="mail_unsubscribe"),
]
