"""Flags: the post and comment flag dialogs, a user's flag history, and the moderators' flag
dashboard at /admin (spec §7.8).

The dialogs are plain forms (the question page opens them in place with flags.js, which posts
the same form); every POST is checked for CSRF by Django's middleware and by the policy inside
the service, so a refused request shows why and changes nothing.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import flag_handling, flag_selectors, flags, policies
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _login(request):
    return redirect(links.login_url(request.get_full_path()))


def _refused(request, message: str, status: int = 403):
    return render(request, "closing/refused.html", {"message": message}, status=status)


def _dialog_context(dialog) -> dict:
    """What a flag dialog's template reads before anything is posted."""
    return {
        "d": dialog,
        "error": "",
        "message": "",
        "chosen": "",
        "text": "",
        "flag_kind_title": flags.kind_title,
    }


@require_http_methods(["GET", "POST"])
def post_flag(request, post_id: int):
    dialog = flag_selectors.post_flag_dialog(post_id, request.user)
    if dialog is None:
        raise Http404("No post with that id")
    if dialog.post.deletion_date is not None and not policies.can_see_deleted(
        request.user, dialog.post
    ):
        raise Http404("No post with that id")
    context = _dialog_context(dialog)
    if request.method == "GET":
        return render(request, "flags/post.html", context)
    if not request.user.is_authenticated:
        return _login(request)
    kind = request.POST.get("kind", "")
    text = request.POST.get("text", "")
    context.update(chosen=kind, text=text)
    try:
        outcome = flags.post_flag_raise(
            request.user, post_id, kind, text, close_reason=request.POST.get("close_reason", "")
        )
    except DomainError as error:
        context["error"] = error.message
        return render(request, "flags/post.html", context, status=error.status)
    if outcome.action == "close_dialog":
        return redirect(dialog.close_url)
    context.update(
        d=flag_selectors.post_flag_dialog(post_id, request.user),
        message=outcome.message,
        done=outcome.action,
    )
    return render(request, "flags/post.html", context)


@require_http_methods(["GET", "POST"])
def comment_flag(request, comment_id: int):
    dialog = flag_selectors.comment_flag_dialog(comment_id, request.user)
    if dialog is None or dialog.comment.deletion_date is not None:
        raise Http404("No comment with that id")
    context = _dialog_context(dialog)
    if request.method == "GET":
        return render(request, "flags/comment.html", context)
    if not request.user.is_authenticated:
        return _login(request)
    kind = request.POST.get("kind", "")
    text = request.POST.get("text", "")
    context.update(chosen=kind, text=text)
    try:
        outcome = flags.comment_flag_raise(request.user, comment_id, kind, text)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "flags/comment.html", context, status=error.status)
    context.update(message=outcome.message, done=outcome.action)
    context["d"] = flag_selectors.comment_flag_dialog(comment_id, request.user)
    return render(request, "flags/comment.html", context)


@require_GET
def user_flags(request, user_id: int):
    if not request.user.is_authenticated:
        return _login(request)
    allowed, message = policies.can_see_flag_history(request.user, user_id)
    if not allowed:
        return _refused(request, message)
    state = request.GET.get("state", "")
    history = flag_selectors.user_flag_history(user_id, request.GET.get("before", ""), state)
    if history is None:
        raise Http404("No user with that id")
    base = links.user_flags_url(user_id)
    filters = [("", "all")] + [
        (s, flag_selectors.STATE_LABELS[s]) for s in flag_selectors.STATE_LABELS
    ]
    return render(
        request,
        "flags/history.html",
        {
            "h": history,
            "profile_url": links.user_url(history.user.id, history.user.display_name),
            "filters": [(s, label, f"{base}?state={s}" if s else base) for s, label in filters],
            "next_url": f"{base}?state={history.state}&before={history.next_key}"
            if history.next_key
            else "",
        },
    )


@require_GET
def flag_dashboard(request):
    if not request.user.is_authenticated:
        return _login(request)
    allowed, message = policies.can_handle_flags(request.user)
    if not allowed:
        return _refused(request, message)
    board = flag_selectors.flag_dashboard(request.GET.get("before", ""))
    return render(
        request,
        "flags/dashboard.html",
        {
            "board": board,
            "handle_url": links.page_url("flag_handle"),
            "next_url": links.flag_dashboard_url(board.next_key) if board.next_key else "",
            "back": request.get_full_path(),
            "user_flags_url": links.user_flags_url,
        },
    )


@require_GET
def flag_ai_evidence(request, post_id: int):
    """The evidence beside a "generative AI content" flag: facts, never a verdict."""
    from quaestio.moderation.ai_evidence import ai_flag_evidence

    if not request.user.is_authenticated:
        return _login(request)
    allowed, message = policies.can_handle_flags(request.user)
    if not allowed:
        return _refused(request, message)
    evidence = ai_flag_evidence(post_id)
    if evidence is None:
        raise Http404("No post with that id")
    return render(request, "flags/ai_evidence.html", {"e": evidence})


def _id(text: str) -> int | None:
    return int(text) if (text or "").isdigit() and len(text) <= 18 else None


@require_POST
def flag_handle(request):
    """Mark one flag, or every pending flag on a post, helpful or declined."""
    if not request.user.is_authenticated:
        return _login(request)
    try:
        flag_handling.flags_handle(
            request.user,
            outcome=request.POST.get("outcome", ""),
            flag_id=_id(request.POST.get("flag", "")),
            post_id=_id(request.POST.get("post", "")),
            decline_reason=request.POST.get("decline_reason", ""),
            decline_text=request.POST.get("decline_text", ""),
        )
    except DomainError as error:
        return _refused(request, error.message, error.status)
    back = request.POST.get("back", "")
    return redirect(
        back if back.startswith(links.flag_dashboard_url()) else links.flag_dashboard_url()
    )


urlpatterns = [
    path("posts/<id:post_id>/flag", post_flag, name="post_flag"),
    path("comments/<id:comment_id>/flag", comment_flag, name="comment_flag"),
    path("users/<id:user_id>/flags", user_flags, name="user_flags"),
    path("admin", flag_dashboard, name="flag_dashboard"),
    path("admin/flags/handle", flag_handle, name="flag_handle"),
    path("admin/flags/posts/<id:post_id>/ai-evidence", flag_ai_evidence, name="flag_ai_evidence"),
]
