"""Moderators' pages about a user: the user's moderation page (suspensions, annotations,
accounts sharing an address), suspend and unsuspend, moderator messages, destroy a spammer;
and the recipient's page of a moderator message.

Plain forms: Django's middleware checks CSRF on every POST, and each service checks the
moderator policy itself, so a forged request is refused with the reason and changes nothing.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quaestio.accounts import moderating
from quaestio.accounts.models import User
from quaestio.accounts.policies import moderator_refusal, suspension_state
from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import spammer
from quaestio.notifications import moderator_messages
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _refused(request, message: str, status: int = 403):
    return render(request, "closing/refused.html", {"message": message}, status=status)


def _gate(request, user_id: int, doing: str):
    """(the user shown, None) for a moderator, else (None, the response to send instead)."""
    if not request.user.is_authenticated:
        return None, redirect(links.login_url(request.path))
    if refusal := moderator_refusal(request.user, doing):
        return None, _refused(request, refusal)
    user = User.objects.filter(id=user_id).first()
    if user is None:
        raise Http404("No user with that id")
    return user, None


def _back(user) -> str:
    return links.page_url("user_moderate", user.id)


@require_GET
def user_moderate(request, user_id: int):
    user, refusal = _gate(request, user_id, "see the moderation page of a user")
    if refusal:
        return refusal
    context = {
        "u": user,
        "suspension": suspension_state(user),
        "suspensions": moderating.suspension_history(user.id),
        "annotations": moderating.annotations(request.user, user.id),
        "shared": moderating.accounts_sharing_addresses(request.user, user.id),
        "error": request.GET.get("error", "")[:300],
    }
    return render(request, "user_moderation/user.html", context)


@require_POST
def user_annotate(request, user_id: int):
    user, refusal = _gate(request, user_id, "annotate users")
    if refusal:
        return refusal
    try:
        moderating.annotation_add(request.user, user.id, request.POST.get("text", ""))
    except DomainError as error:
        return _refused(request, error.message, error.status)
    return redirect(_back(user))


@require_http_methods(["GET", "POST"])
def user_suspend(request, user_id: int):
    user, refusal = _gate(request, user_id, "suspend users")
    if refusal:
        return refusal
    context = {
        "u": user,
        "suspension": suspension_state(user),
        "days": request.POST.get("days", "7"),
        "reason": request.POST.get("reason", ""),
        "error": "",
        "refusal": moderating.can_suspend(request.user, user),
    }
    if request.method == "GET":
        return render(request, "user_moderation/suspend.html", context)
    try:
        moderating.user_suspend(
            request.user, user.id, request.POST.get("days"), request.POST.get("reason", "")
        )
    except DomainError as error:
        context["error"] = error.message
        return render(request, "user_moderation/suspend.html", context, status=error.status)
    return redirect(_back(user))


@require_POST
def user_unsuspend(request, user_id: int):
    user, refusal = _gate(request, user_id, "lift suspensions")
    if refusal:
        return refusal
    try:
        moderating.user_unsuspend(request.user, user.id)
    except DomainError as error:
        return _refused(request, error.message, error.status)
    return redirect(_back(user))


@require_http_methods(["GET", "POST"])
def user_message(request, user_id: int):
    user, refusal = _gate(request, user_id, "send moderator messages")
    if refusal:
        return refusal
    context = {
        "u": user,
        "subject": request.POST.get("subject", ""),
        "text": request.POST.get("text", ""),
        "error": "",
    }
    if request.method == "GET":
        return render(request, "user_moderation/message.html", context)
    try:
        moderator_messages.moderator_message_send(
            request.user,
            user.id,
            context["subject"],
            context["text"],
            site_root=links.origin(request),
        )
    except DomainError as error:
        context["error"] = error.message
        return render(request, "user_moderation/message.html", context, status=error.status)
    return redirect(_back(user))


@require_GET
def moderator_message(request, message_id: int):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    try:
        message = moderator_messages.moderator_message_for(request.user, message_id)
    except DomainError as error:
        raise Http404(error.message) from error
    return render(request, "user_moderation/message_read.html", {"m": message})


@require_http_methods(["GET", "POST"])
def user_destroy(request, user_id: int):
    """Two confirmations: the warning page's "continue", then the account's name typed."""
    user, refusal = _gate(request, user_id, "destroy accounts")
    if refusal:
        return refusal
    context = {
        "u": user,
        "step": 1,
        "error": "",
        "refusal": spammer.destroy_refusal(request.user, user),
    }
    if request.method == "GET" or context["refusal"]:
        return render(request, "user_moderation/destroy.html", context)
    if request.POST.get("step") != "2":
        context["step"] = 2
        return render(request, "user_moderation/destroy.html", context)
    try:
        outcome = spammer.spammer_destroy(
            request.user, user.id, request.POST.get("confirm_name", "")
        )
    except DomainError as error:
        context.update(step=2, error=error.message)
        return render(request, "user_moderation/destroy.html", context, status=error.status)
    return render(request, "user_moderation/destroyed.html", {"outcome": outcome})


urlpatterns = [
    path("users/<id:user_id>/moderate", user_moderate, name="user_moderate"),
    path("users/<id:user_id>/annotate", user_annotate, name="user_annotate"),
    path("users/<id:user_id>/suspend", user_suspend, name="user_suspend"),
    path("users/<id:user_id>/unsuspend", user_unsuspend, name="user_unsuspend"),
    path("users/<id:user_id>/message", user_message, name="user_message"),
    path("users/<id:user_id>/destroy", user_destroy, name="user_destroy"),
    path("users/messages/<id:message_id>", moderator_message, name="moderator_message"),
]
