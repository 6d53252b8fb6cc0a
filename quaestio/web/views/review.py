"""The review queues' pages (spec §7.9): /review, each queue's next item, an item's page with
its reviews, the Edit form, and the history. Plain forms; every POST is checked for CSRF by
Django's middleware and by the policy inside the service, so a refused, forged or repeated
request shows why and changes nothing.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, register_converter
from django.views.decorators.http import require_GET, require_http_methods

from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.moderation import review_policies, review_rules, review_selectors, reviewing
from quaestio.moderation.rules import OFF_TOPIC_KEY
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


class QueueConverter:
    """The review queues built here; /review/suggested-edits keeps its own routes."""

    regex = "|".join(re.escape(q) for q in review_rules.QUEUES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(QueueConverter, "queue")


def _login(request):
    return redirect(links.login_url(request.path))


def _id(text: str | None) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text or "") else None


@require_GET
def overview(request):
    return render(
        request, "review/index.html", {"queues": review_selectors.review_overview(request.user)}
    )


@require_GET
def queue_page(request, queue: str):
    """The viewer's next item in the queue (their own copy: reviewed and skipped items, and
    their own posts, are not shown to them again)."""
    if not request.user.is_authenticated:
        return _login(request)
    allowed, reason = review_policies.can_review_queue(request.user, queue)
    rules = review_rules.QUEUES[queue]
    if not allowed:
        context = {"rules": rules, "message": reason}
        return render(request, "review/refused.html", context, status=403)
    task_id = review_selectors.next_task_id(request.user, queue)
    page = review_selectors.task_page(request.user, task_id, queue) if task_id else None
    return render(
        request,
        "review/task.html",
        {"page": page, "rules": rules, "message": request.GET.get("done") and _thanks()},
    )


def _thanks() -> str:
    return "Thank you for reviewing."


def _page_or_404(request, queue: str, task_id: int):
    page = review_selectors.task_page(request.user, task_id, queue)
    if page is None:
        raise Http404("No review item with that id")
    return page


def _close_choice(request) -> dict:
    key, _, site_reason = request.POST.get("reason", "").partition(":")
    return {
        "reason_key": key,
        "off_topic_reason_id": _id(site_reason) if key == OFF_TOPIC_KEY else None,
        "originals": [i for i in map(_id, request.POST.getlist("original")) if i is not None],
    }


@require_http_methods(["GET", "POST"])
def task(request, queue: str, task_id: int):
    """An item's page: the post, its reviews, and (while the viewer may review it) the
    actions. A POST is one action; the next item follows."""
    page = _page_or_404(request, queue, task_id)
    error = ""
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _login(request)
        try:
            reviewing.review_submit(
                request.user,
                task_id,
                request.POST.get("action", ""),
                feedback=request.POST.get("feedback", ""),
                close_choice=_close_choice(request),
            )
        except DomainError as failure:
            error, status = failure.message, failure.status
            page = _page_or_404(request, queue, task_id)
        else:
            return redirect(f"{links.review_url(queue)}?done=1")
    context = {"page": page, "rules": page.rules, "error": error, "message": ""}
    return render(request, "review/task.html", context, status=status)


@require_http_methods(["GET", "POST"])
def edit(request, queue: str, task_id: int):
    """Edit from the queue: the post's edit form; saving it records the review."""
    from quaestio.posts import policies as post_policies
    from quaestio.posts.services import BODY_MAX, TITLE_MAX, current_content

    if not request.user.is_authenticated:
        return _login(request)
    page = _page_or_404(request, queue, task_id)
    post = page.post
    source = current_content(post)
    form = {"title": source.title, "body": source.body, "tags": " ".join(source.tags)}
    form["comment"] = ""
    errors: dict = {}
    status = 200
    if not page.may_review[0]:
        errors, status = {"message": page.may_review[1], "fields": {}}, 403
    elif request.method == "POST":
        form = {name: request.POST.get(name, "") for name in ("title", "body", "tags", "comment")}
        try:
            reviewing.review_edit(request.user, task_id, **form)
        except DomainError as failure:
            fields = getattr(failure, "fields", {})
            errors, status = {"message": failure.message, "fields": fields}, failure.status
        else:
            return redirect(f"{links.review_url(queue)}?done=1")
    context = {
        "page": page,
        "post": post,
        "form": form,
        "errors": errors,
        "suggesting": not post_policies.can_edit(request.user, post)[0],
        "body_max": BODY_MAX,
        "title_max": TITLE_MAX,
    }
    return render(request, "review/edit.html", context, status=status)


@require_GET
def history(request, queue: str):
    """The queue's reviews, or one reviewer's (?user=), newest first (?before= pages on)."""
    user_id = _id(request.GET.get("user"))
    before = _id(request.GET.get("before"))
    if ("user" in request.GET and user_id is None) or ("before" in request.GET and before is None):
        return render(
            request,
            "review/refused.html",
            {"rules": review_rules.QUEUES[queue], "message": "That page does not exist."},
            status=400,
        )
    page = review_selectors.review_history(queue, user_id, before)
    return render(request, "review/history.html", {"page": page})


urlpatterns = [
    path("review", overview, name="review"),
    path("review/<queue:queue>", queue_page, name="review_queue"),
    path("review/<queue:queue>/history", history, name="review_history"),
    path("review/<queue:queue>/<id:task_id>", task, name="review_task"),
    path("review/<queue:queue>/<id:task_id>/edit", edit, name="review_edit"),
]
