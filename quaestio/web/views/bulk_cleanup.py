"""Moderators' bulk clean-up (/admin/cleanup): filter accounts, select, preview, confirm.

GET lists the accounts the filters find; POST "preview" shows what the action would remove
with a signed confirmation; POST "apply" carries that confirmation back. CSRF on every POST;
the services check the policy again."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from quaestio.accounts.policies import moderator_refusal
from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import bulk_cleanup


def _gate(request):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.get_full_path()))
    if refusal := moderator_refusal(request.user, "clean up accounts in bulk"):
        return render(request, "closing/refused.html", {"message": refusal}, status=403)
    return None


def _filter_from(query) -> bulk_cleanup.UserFilter:
    days = query.get("joined_within_days", "").strip()
    return bulk_cleanup.UserFilter(
        joined_within_days=int(days) if days.isdigit() and int(days) > 0 else None,
        without_posts=query.get("without_posts") == "on",
        flagged=query.get("flagged") == "on",
        address_range=query.get("address_range", "").strip(),
        blocklisted=query.get("blocklisted") == "on",
    )


@require_GET
def cleanup_page(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    chosen = _filter_from(request.GET)
    candidates, error = [], ""
    if not chosen.is_empty():
        try:
            candidates = bulk_cleanup.matching_users(request.user, chosen)
        except DomainError as failure:
            error = failure.message
    return render(
        request,
        "bulk_cleanup/list.html",
        {
            "chosen": chosen,
            "candidates": candidates,
            "error": error,
            "actions": bulk_cleanup.ACTIONS,
            "limit": bulk_cleanup.LIST_LIMIT,
            "user_url": links.user_url,
        },
    )


@require_POST
def cleanup_preview(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    ids = [i for i in request.POST.getlist("users") if i.lstrip("-").isdigit()]
    try:
        shown = bulk_cleanup.preview(
            request.user, [int(i) for i in ids], request.POST.get("action", "")
        )
    except DomainError as failure:
        return render(
            request, "closing/refused.html", {"message": failure.message}, status=failure.status
        )
    return render(
        request,
        "bulk_cleanup/preview.html",
        {"preview": shown, "label": bulk_cleanup.ACTIONS[shown.action], "user_url": links.user_url},
    )


@require_POST
def cleanup_apply(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    try:
        done = bulk_cleanup.bulk_apply(
            request.user,
            request.POST.get("token", ""),
            days=request.POST.get("days"),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as failure:
        return render(
            request, "closing/refused.html", {"message": failure.message}, status=failure.status
        )
    return render(request, "bulk_cleanup/done.html", {"done": done})


urlpatterns = [
    path("admin/cleanup", cleanup_page, name="bulk_cleanup"),
    path("admin/cleanup/preview", cleanup_preview, name="bulk_cleanup_preview"),
    path("admin/cleanup/apply", cleanup_apply, name="bulk_cleanup_apply"),
]
