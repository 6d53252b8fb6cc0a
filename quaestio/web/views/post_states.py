"""Moderators' forms for a post's state: lock and unlock (§7.5), protect and unprotect (§7.4),
post notices (§7.10), and the list of annotated posts.

Plain pages: every POST is checked for CSRF by Django's middleware and by the policy inside the
service, so a refused request shows why and changes nothing. The GET pages ask the same
policies, so a user who may not act sees the reason instead of a form.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import citations, locks, notices, protection
from quaestio.moderation.post_states import annotated_posts, post_state
from quaestio.posts.models import PostType
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _login(request):
    return redirect(f"{links.page_url('login')}?next={request.path}")


def _refused(request, message: str, status: int = 403):
    return render(request, "closing/refused.html", {"message": message}, status=status)


def _load(request, post_id: int, question_only: bool = False):
    found = post_state(post_id, request.user)
    if found is None or (question_only and found[0].post_type != PostType.QUESTION):
        raise Http404("No post with that id")
    return found


def _gate(request, post_id: int, policy):
    """(post, state, None) when the policy lets the viewer use the form, else the response to
    send instead (the login page, or the refusal with its reason)."""
    if not request.user.is_authenticated:
        return None, None, _login(request)
    post, state = _load(request, post_id)
    allowed, reason = policy(request.user, post)
    return post, state, None if allowed else _refused(request, reason)


def _context(post, state, **extra) -> dict:
    return {"post": post, "state": state, "back": links.post_url(post), "error": "", **extra}


def _act(request, template: str, context: dict, action):
    """Run the service; a refusal re-renders the page with the reason and its status."""
    try:
        outcome = action()
    except DomainError as error:
        context["error"] = error.message
        return render(request, template, context, status=error.status)
    if outcome.action == "unchanged":
        context["message"] = outcome.message
        return render(request, template, context)
    return redirect(context["back"])


@require_http_methods(["GET", "POST"])
def lock_form(request, post_id: int):
    post, state, refusal = _gate(request, post_id, locks.can_lock)
    if refusal:
        return refusal
    context = _context(
        post,
        state,
        kinds=locks.LOCK_KINDS,
        chosen=request.POST.get("kind", ""),
        amount=request.POST.get("amount", "1"),
        unit=request.POST.get("unit", "days"),
        message="",
    )
    if request.method == "GET":
        return render(request, "post_states/lock.html", context)

    def lock():
        duration = locks.lock_duration(context["amount"], context["unit"])
        return locks.post_lock(request.user, post.id, context["chosen"], duration)

    return _act(request, "post_states/lock.html", context, lock)


@require_http_methods(["GET", "POST"])
def unlock_form(request, post_id: int):
    post, state, refusal = _gate(request, post_id, lambda user, _post: locks.may_manage_locks(user))
    if refusal:
        return refusal
    context = _context(post, state, message="")
    if request.method == "GET":
        return render(request, "post_states/unlock.html", context)
    return _act(
        request,
        "post_states/unlock.html",
        context,
        lambda: locks.post_unlock(request.user, post.id),
    )


def _protection_page(request, question_id: int, protect: bool):
    if not request.user.is_authenticated:
        return _login(request)
    post, state = _load(request, question_id, question_only=True)
    if protect:
        allowed, reason = protection.can_protect(request.user, post)
    else:
        allowed, reason = protection.can_unprotect(request.user, post)
    context = _context(
        post, state, protect=protect, notice=protection.protected_notice(), message=""
    )
    if request.method == "GET":
        if not allowed:
            context["error"] = reason
            return render(request, "post_states/protect.html", context, status=403)
        return render(request, "post_states/protect.html", context)
    service = protection.question_protect if protect else protection.question_unprotect
    return _act(
        request, "post_states/protect.html", context, lambda: service(request.user, post.id)
    )


@require_http_methods(["GET", "POST"])
def protect_form(request, question_id: int):
    return _protection_page(request, question_id, protect=True)


@require_http_methods(["GET", "POST"])
def unprotect_form(request, question_id: int):
    return _protection_page(request, question_id, protect=False)


@require_http_methods(["GET", "POST"])
def notice_form(request, post_id: int):
    post, state, refusal = _gate(request, post_id, notices.can_manage_notices)
    if refusal:
        return refusal
    context = _context(
        post, state, kinds=notices.kinds_for(post), chosen=request.POST.get("kind", ""), message=""
    )
    if request.method == "GET":
        return render(request, "post_states/notice.html", context)
    if request.POST.get("action") == "remove":
        return _act(
            request,
            "post_states/notice.html",
            context,
            lambda: notices.notice_remove(request.user, post.id),
        )
    return _act(
        request,
        "post_states/notice.html",
        context,
        lambda: notices.notice_add(request.user, post.id, context["chosen"]),
    )


@require_http_methods(["GET", "POST"])
def citation_needed_form(request, post_id: int):
    """Vote that an answer needs citations, or take the vote back (50 reputation)."""
    post, state, refusal = _gate(request, post_id, citations.can_vote_citation_needed)
    if refusal:
        return refusal
    context = _context(post, state, citation=citations.citation_state(post.id, request.user))
    template = "post_states/citation_needed.html"
    if request.method == "GET":
        return render(request, template, context)
    service = (
        citations.citation_vote_retract
        if request.POST.get("action") == "retract"
        else citations.citation_vote_cast
    )
    return _act(request, template, context, lambda: service(request.user, post.id))


@require_GET
def annotated(request):
    """Moderators: posts with a standing notice, newest first, 50 a page (`?before=<id>`)."""
    if not request.user.is_authenticated:
        return _login(request)
    allowed, reason = notices.can_see_annotated_posts(request.user)
    if not allowed:
        return _refused(request, reason)
    before = request.GET.get("before", "")
    if before and not (before.isdigit() and len(before) <= 18):
        return _refused(request, "The page marker must be a notice id.", status=400)
    page = annotated_posts(int(before) if before else None)
    next_url = (
        f"{links.page_url('annotated_posts')}?before={page.next_before}" if page.next_before else ""
    )
    return render(request, "post_states/annotated.html", {"page": page, "next_url": next_url})


urlpatterns = [
    path("posts/<id:post_id>/lock", lock_form, name="post_lock"),
    path("posts/<id:post_id>/unlock", unlock_form, name="post_unlock"),
    path("posts/<id:post_id>/notice", notice_form, name="post_notice"),
    path("posts/<id:post_id>/citation-needed", citation_needed_form, name="post_citation_needed"),
    path("questions/<id:question_id>/protect", protect_form, name="question_protect"),
    path("questions/<id:question_id>/unprotect", unprotect_form, name="question_unprotect"),
    path("annotated-posts", annotated, name="annotated_posts"),
]
