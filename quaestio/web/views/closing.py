"""The close and reopen dialogs, and the moderators' page of off-topic close reasons.

Plain forms (the question page may open them in place with JavaScript): every POST is checked
for CSRF by Django's middleware and by the policy inside the service, so a refused request
shows why and changes nothing.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from quaestio.core import links
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.moderation import close_limits, policies, selectors, services
from quaestio.moderation.models import CloseVoteKind
from quaestio.moderation.rules import OFF_TOPIC_KEY
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _login(request):
    return redirect(f"{links.page_url('login')}?next={request.path}")


def _state(request, question_id: int):
    state = selectors.close_state(question_id, request.user)
    if state is None or state.question.deletion_date is not None:
        raise Http404("No question with that id")
    return state


def _limit(request, state, kind: int) -> str:
    """Why the viewer, who holds the privilege, may not cast this vote now (a vote they
    retracted, or today's allowance used up), shown instead of the form."""
    may = state.may_vote_close if kind == CloseVoteKind.CLOSE else state.may_vote_reopen
    if not may[0]:
        return ""
    return close_limits.vote_limit_refusal(request.user, state.question.id, kind, timezone.now())


def _id(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text or "") else None


def _choice_args(request, question_id: int) -> dict:
    """The dialog's reason, site reason and originals, as the close services take them. Words
    in the duplicate box (and nothing ticked) are a title search: the dialog shows the matches."""
    key, _, site_reason = request.POST.get("reason", "").partition(":")
    ticked = [i for i in map(_id, request.POST.getlist("original")) if i is not None]
    typed = request.POST.get("original_text", "")
    typed_ids = selectors.original_ids_in(typed)
    if key == "duplicate" and typed.strip() and not typed_ids and not ticked:
        raise ValidationFailed(
            "Pick the original from the questions found below, or give its link or id.",
            {"original": ["search"]},
        )
    return {
        "reason_key": key,
        "off_topic_reason_id": _id(site_reason) if key == OFF_TOPIC_KEY else None,
        "originals": list(dict.fromkeys(ticked + typed_ids)),
    }


@require_http_methods(["GET", "POST"])
def close_dialog(request, question_id: int):
    state = _state(request, question_id)
    search_text = request.GET.get("q", "") or request.POST.get("original_text", "")
    context = {
        "state": state,
        "q": state.question,
        "back": links.question_url(state.question.id, state.question.title),
        "reasons": selectors.close_dialog_reasons(),
        "search_text": search_text,
        "chosen": request.POST.get("reason", "duplicate" if search_text else ""),
        "error": "",
        "message": "",
        "limit": _limit(request, state, CloseVoteKind.CLOSE),
    }
    if request.method == "GET":
        return _close_page(request, context)
    if not request.user.is_authenticated:
        return _login(request)
    try:
        if request.POST.get("action") == "retract":
            outcome = services.close_vote_retract(request.user, question_id)
        else:
            outcome = services.close_request(
                request.user, question_id, _choice_args(request, question_id)
            )
    except DomainError as error:
        context["error"] = error.message
        status = (
            200
            if isinstance(error, ValidationFailed) and error.fields.get("original") == ["search"]
            else error.status
        )
        return _close_page(request, context, status)
    if outcome.action in ("flagged", "unchanged") and outcome.message:
        context.update(state=_state(request, question_id), message=outcome.message)
        return _close_page(request, context)
    return redirect(context["back"])


def _close_page(request, context: dict, status: int = 200):
    """The dialog, with the questions its duplicate box's text finds (searched only to show)."""
    text = context["search_text"]
    context["found"] = selectors.find_originals(text, context["q"].id) if text else []
    return render(request, "closing/close.html", context, status=status)


@require_http_methods(["GET", "POST"])
def reopen_dialog(request, question_id: int):
    state = _state(request, question_id)
    context = {
        "state": state,
        "q": state.question,
        "back": links.question_url(state.question.id, state.question.title),
        "error": "",
        "message": "",
        "limit": _limit(request, state, CloseVoteKind.REOPEN),
    }
    if request.method == "GET":
        return render(request, "closing/reopen.html", context)
    if not request.user.is_authenticated:
        return _login(request)
    try:
        if request.POST.get("action") == "retract":
            outcome = services.reopen_vote_retract(request.user, question_id)
        else:
            outcome = services.reopen_vote_cast(request.user, question_id)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "closing/reopen.html", context, status=error.status)
    if outcome.action == "unchanged" and outcome.message:
        context.update(state=_state(request, question_id), message=outcome.message)
        return render(request, "closing/reopen.html", context)
    return redirect(context["back"])


@require_http_methods(["GET", "POST"])
def close_reasons(request, reason_id: int | None = None):
    """Moderators list, add, edit and retire the site's off-topic reasons."""
    if not request.user.is_authenticated:
        return _login(request)
    allowed, message = policies.can_edit_close_reasons(request.user)
    if not allowed:
        return render(request, "closing/refused.html", {"message": message}, status=403)
    context = {
        "reasons": [
            (r, links.page_url("close_reason_edit", r.id)) for r in selectors.off_topic_reasons()
        ],
        "new_url": links.page_url("close_reasons"),
        "fields": services.OFF_TOPIC_FIELDS,
    }
    context.update(error="", errors={}, values={}, editing=reason_id)
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in services.OFF_TOPIC_FIELDS}
        values["active"] = request.POST.get("active") == "on"
        try:
            services.off_topic_reason_save(request.user, reason_id, values)
        except DomainError as error:
            context.update(error=error.message, errors=getattr(error, "fields", {}), values=values)
            return render(request, "closing/reasons.html", context, status=error.status)
        return redirect(links.page_url("close_reasons"))
    return render(request, "closing/reasons.html", context)


urlpatterns = [
    path("questions/<id:question_id>/close", close_dialog, name="question_close"),
    path("questions/<id:question_id>/reopen", reopen_dialog, name="question_reopen"),
    path("admin/close-reasons", close_reasons, name="close_reasons"),
    path("admin/close-reasons/<id:reason_id>", close_reasons, name="close_reason_edit"),
]
