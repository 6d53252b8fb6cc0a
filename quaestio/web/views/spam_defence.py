"""Moderators' spam defence pages: the blocklist (/admin/blocklist) and the posts it held
(/admin/held). Plain forms; every POST is checked for CSRF by Django's middleware and by the
policy inside the service, so a refused request shows why and changes nothing.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from quaestio.core import links
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.moderation import blocklist_edits, held, policies
from quaestio.moderation.models import BlocklistAction, BlocklistPattern, BlocklistTarget
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _gate(request):
    """None when the viewer is a moderator, else the response to send (log in, or refusal)."""
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    allowed, reason = policies.can_manage_spam_defence(request.user)
    if not allowed:
        return render(request, "closing/refused.html", {"message": reason}, status=403)
    return None


@require_http_methods(["GET"])
def blocklist_page(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    return render(
        request,
        "spam_defence/blocklist.html",
        {
            "rows": blocklist_edits.blocklist_rows(),
            "targets": dict(BlocklistTarget.choices),
            "actions": dict(BlocklistAction.choices),
            "new_url": links.page_url("blocklist_new"),
            "held_url": links.page_url("held_posts"),
            "edit_url": lambda row_id: links.page_url("blocklist_edit", row_id),
            "toggle_url": lambda row_id: links.page_url("blocklist_toggle", row_id),
        },
    )


def _form_from(request) -> blocklist_edits.PatternForm:
    return blocklist_edits.PatternForm(
        target=request.POST.get("target", ""),
        pattern=request.POST.get("pattern", ""),
        action=request.POST.get("action", ""),
        message=request.POST.get("message", ""),
        note=request.POST.get("note", ""),
        active=request.POST.get("active") == "on",
    )


def _form_of(row: BlocklistPattern) -> blocklist_edits.PatternForm:
    return blocklist_edits.PatternForm(
        row.target, row.pattern, row.action, row.message, row.note, row.active
    )


def _pattern_form(request, row: BlocklistPattern | None):
    refusal = _gate(request)
    if refusal:
        return refusal
    form = _form_of(row) if row else blocklist_edits.PatternForm("body", "", "hold")
    context = {
        "row": row,
        "form": form,
        "errors": {},
        "message": "",
        "targets": BlocklistTarget.choices,
        "actions": BlocklistAction.choices,
        "back": links.page_url("blocklist"),
    }
    if request.method == "POST":
        context["form"] = form = _form_from(request)
        try:
            blocklist_edits.pattern_save(request.user, form, row.id if row else None)
        except DomainError as error:
            context["message"] = error.message
            context["errors"] = error.fields if isinstance(error, ValidationFailed) else {}
            return render(request, "spam_defence/pattern.html", context, status=error.status)
        return redirect(context["back"])
    return render(request, "spam_defence/pattern.html", context)


@require_http_methods(["GET", "POST"])
def blocklist_new(request):
    return _pattern_form(request, None)


@require_http_methods(["GET", "POST"])
def blocklist_edit(request, pattern_id: int):
    row = BlocklistPattern.objects.filter(id=pattern_id).first()
    if row is None:
        refusal = _gate(request)
        return refusal or render(
            request, "closing/refused.html", {"message": "No such pattern."}, status=404
        )
    return _pattern_form(request, row)


@require_POST
def blocklist_toggle(request, pattern_id: int):
    """Disable an active pattern, or enable a disabled one (the form says which: `active`)."""
    refusal = _gate(request)
    if refusal:
        return refusal
    try:
        blocklist_edits.pattern_set_active(
            request.user, pattern_id, request.POST.get("active") == "on"
        )
    except DomainError as error:
        return render(
            request, "closing/refused.html", {"message": error.message}, status=error.status
        )
    return redirect(links.page_url("blocklist"))


@require_http_methods(["GET"])
def held_page(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    before = request.GET.get("before", "")
    page = held.held_posts(before=int(before) if before.isdigit() else None)
    older = f"{links.page_url('held_posts')}?before={page.next_before}" if page.next_before else ""
    return render(
        request,
        "spam_defence/held.html",
        {
            "page": page,
            "older_url": older,
            "blocklist_url": links.page_url("blocklist"),
            "release_url": lambda held_id: links.page_url("held_release", held_id),
            "delete_url": lambda held_id: links.page_url("held_delete", held_id),
            "user_url": links.user_url,
        },
    )


def _decide(request, held_id: int, decide):
    refusal = _gate(request)
    if refusal:
        return refusal
    try:
        decide(request.user, held_id)
    except DomainError as error:
        return render(
            request, "closing/refused.html", {"message": error.message}, status=error.status
        )
    return redirect(links.page_url("held_posts"))


@require_POST
def held_release(request, held_id: int):
    return _decide(request, held_id, held.release_held_post)


@require_POST
def held_delete(request, held_id: int):
    return _decide(request, held_id, held.delete_held_post)


urlpatterns = [
    path("admin/blocklist", blocklist_page, name="blocklist"),
    path("admin/blocklist/new", blocklist_new, name="blocklist_new"),
    path("admin/blocklist/<id:pattern_id>", blocklist_edit, name="blocklist_edit"),
    path("admin/blocklist/<id:pattern_id>/active", blocklist_toggle, name="blocklist_toggle"),
    path("admin/held", held_page, name="held_posts"),
    path("admin/held/<id:held_id>/release", held_release, name="held_release"),
    path("admin/held/<id:held_id>/delete", held_delete, name="held_delete"),
]
