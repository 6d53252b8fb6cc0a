"""Pages of the writing area: ask, answer, edit, rollback, delete, comments, suggested edits.

Every form works as a plain POST; editor.js adds the live preview and similar questions.
Views parse the form, call one service, and render; domain errors come back as the message
beside the form, with what the user typed kept.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from quaestio.accounts import limits
from quaestio.comments import policies as comment_policies
from quaestio.comments import services as comment_services
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.core.diff import inline_diff
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.core.links import answer_in_thread_url, post_action_url, question_url
from quaestio.core.markdown import MAX_SOURCE_CHARS, render_post
from quaestio.posts import ai_use, policies
from quaestio.posts import services as post_services
from quaestio.posts.models import Post, PostType, SuggestedEdit
from quaestio.posts.selectors import last_deleter_id
from quaestio.posts.services import BODY_MAX, TITLE_MAX
from quaestio.reputation.privileges import threshold
from quaestio.search.selectors import similar_questions
from quaestio.sources.extract import problems_of
from quaestio.web import converters  # noqa: F401  (registers <id:...>)

SIMILAR_SHOWN = 5
PREVIEWS_PER_MINUTE = 120  # the editor asks at most every 300 ms of typing pause


def post_url(post: Post) -> str:
    """A question's page; an answer at its place in its question's page."""
    if post.is_question:
        return question_url(post.id, post.title)
    return answer_in_thread_url(post.parent_id, post.parent.title, post.id)


def _problem(request, error: DomainError, back: str = "/"):
    return render(
        request,
        "writing/problem.html",
        {"message": error.message, "back": back},
        status=error.status,
    )


def _form_token(request) -> str:
    return request.POST.get("token") or uuid.uuid4().hex


def _errors(error: DomainError) -> dict:
    fields = error.fields if isinstance(error, ValidationFailed) else {}
    return {"message": error.message, "fields": fields}


def _live_post(post_id: int) -> Post:
    post = Post.objects.select_related("parent").filter(id=post_id).first()
    if post is None or post.post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise Http404("No post with that id")
    return post


# --- ask, answer -----------------------------------------------------------------------------


def ai_form(keep: bool = False) -> dict:
    """What the forms' AI-use question shows (writing/_forms.html ai_use_field); `keep`
    offers to leave an undeclared post's disclosure undeclared (the edit of an older post)."""
    return {
        "keep": keep,
        "choices": ai_use.form_choices(),
        "hint": ai_use.form_hint(),
        "help_url": links.page_url("help_page", ai_use.HELP_SLUG),
    }


def _held_for_review(request, post: Post):
    """The spam filter held what was just written: it is saved, and says so to its author."""
    return render(request, "writing/held.html", {"post": post, "url": post_url(post)})


@login_required
def ask(request):
    form = {"title": "", "body": "", "tags": "", "token": uuid.uuid4().hex, "ai_use": ""}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in ("title", "body", "tags")}
        form["token"] = _form_token(request)
        form["ai_use"] = ai_use.from_form(request.POST.get("ai_use"))
        try:
            question = post_services.question_ask(request.user, **form)
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            if question.deletion_date:  # held for review by the spam filter
                return _held_for_review(request, question)
            return redirect(post_url(question))
    else:
        allowed, reason = policies.can_ask(request.user)
        if not allowed:
            errors = {"message": reason, "fields": {}}
    return render(
        request,
        "writing/ask.html",
        {
            "form": form,
            "errors": errors,
            "title_max": TITLE_MAX,
            "body_max": BODY_MAX,
            "ai": ai_form(),
        },
        status=status,
    )


@login_required
def answer(request, question_id: int):
    question = _live_post(question_id)
    if not question.is_question or question.deletion_date:
        raise Http404("No question with that id")
    form = {"body": "", "token": uuid.uuid4().hex, "ai_use": ""}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = {
            "body": request.POST.get("body", ""),
            "token": _form_token(request),
            "community_wiki": request.POST.get("community_wiki") == "on",
            "ai_use": ai_use.from_form(request.POST.get("ai_use")),
        }
        try:
            post = post_services.answer_post(request.user, question.id, **form)
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            if post.deletion_date:  # held for review by the spam filter
                return _held_for_review(request, post)
            return redirect(answer_in_thread_url(question.id, question.title, post.id))
    else:
        allowed, reason = policies.can_answer(request.user, question)
        if not allowed:
            errors = {"message": reason, "fields": {}}
    return render(
        request,
        "writing/answer.html",
        {
            "question": question,
            "form": form,
            "errors": errors,
            "body_max": BODY_MAX,
            "offer_wiki": policies.can_write_wiki_answer(request.user, question)[0],
            "wiki_edit_rep": threshold("edit_community_wiki"),
            "ai": ai_form(),
        },
        status=status,
    )


# --- edit, rollback, delete ------------------------------------------------------------------


@login_required
def edit(request, post_id: int):
    post = _live_post(post_id)
    can_edit, _reason = policies.can_edit(request.user, post)
    source = post_services.current_content(post)
    form = {
        "title": source.title,
        "body": source.body,
        "tags": " ".join(source.tags),
        "comment": "",
        "ai_use": post.ai_disclosure,  # undeclared: no choice made, the editor must make one
    }
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in ("title", "body", "tags", "comment")}
        form["community_wiki"] = request.POST.get("community_wiki") == "on"
        if can_edit:  # a suggested edit leaves the post's disclosure as it is
            form["ai_use"] = ai_use.from_edit_form(request.POST.get("ai_use"))
        try:
            result = post_services.post_edit(request.user, post.id, **form)
            if result.suggestion is None and request.POST.get("reopen_review") == "on":
                _send_to_reopen_queue(request.user, post)
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            if result.suggestion is not None:
                return render(
                    request, "writing/suggested.html", {"post": post, "url": post_url(post)}
                )
            if result.post.deletion_date:  # held for review by the spam filter
                return _held_for_review(request, result.post)
            return redirect(post_url(result.post))
    elif not can_edit:
        allowed, reason = policies.can_suggest_edit(request.user, post)
        if not allowed:
            errors = {"message": reason, "fields": {}}
    return render(
        request,
        "writing/edit.html",
        {
            "post": post,
            "form": form,
            "errors": errors,
            "suggesting": not can_edit,
            "offer_wiki": policies.can_make_community_wiki(request.user, post)[0],
            "wiki_edit_rep": threshold("edit_community_wiki"),
            "body_max": BODY_MAX,
            "title_max": TITLE_MAX,
            "question": post if post.is_question else post.parent,
            "offer_reopen_review": _may_request_reopen_review(request.user, post),
            "ai": ai_form(keep=not post.ai_disclosure) if can_edit else None,
        },
        status=status,
    )


def _may_request_reopen_review(user, post: Post) -> bool:
    """The asker's edit of their closed question, within 5 days of the closing, may send it
    to the reopen queue (spec §7.2): the form asks whether the edit resolves the closing."""
    from django.utils import timezone

    from quaestio.moderation.policies import can_request_reopen_review

    if not post.is_question or post.closed_date is None:
        return False
    return can_request_reopen_review(user, post, timezone.now())[0]


def _send_to_reopen_queue(user, post: Post) -> None:
    from quaestio.moderation.services import reopen_review_request

    reopen_review_request(user, post.id)


@require_POST
@login_required
def rollback(request, post_id: int, number: int):
    try:
        post_services.post_rollback(request.user, post_id, number)
    except DomainError as error:
        return _problem(request, error, back=post_action_url(post_id, "revisions"))
    return redirect(post_action_url(post_id, "revisions"))


@login_required
def delete(request, post_id: int):
    """The confirm page (GET) and the deletion (POST)."""
    post = _live_post(post_id)
    if request.method == "POST":
        try:
            post_services.post_delete(request.user, post.id)
        except DomainError as error:
            return _problem(request, error, back=post_url(post))
        return redirect(post_url(post))
    allowed, reason = policies.can_delete(request.user, post)
    return _confirm(request, post, "delete", allowed, reason)


@login_required
def undelete(request, post_id: int):
    """The confirm page (GET) and the undeletion (POST), reached from the deleted post's
    Undelete link, shown to those who may see it."""
    post = _live_post(post_id)
    if not policies.can_view_deleted(request.user, post)[0]:
        raise Http404("No post with that id")
    if request.method == "POST":
        try:
            post_services.post_undelete(request.user, post.id)
        except DomainError as error:
            return _problem(request, error, back=post_url(post))
        return redirect(post_url(post))
    allowed, reason = policies.can_undelete(request.user, post, last_deleter_id(post.id))
    return _confirm(request, post, "undelete", allowed, reason)


def _confirm(request, post: Post, action: str, allowed: bool, reason: str):
    return render(
        request,
        "writing/delete.html",
        {
            "post": post,
            "action": action,
            "action_url": post_action_url(post.id, action),
            "allowed": allowed,
            "reason": reason,
            "back": post_url(post),
        },
    )


# --- comments --------------------------------------------------------------------------------


@login_required
def comment_new(request, post_id: int):
    post = _live_post(post_id)
    back = post_url(post if post.is_question else post)
    text, errors, status = "", {}, 200
    if request.method != "POST":
        allowed, reason = comment_policies.can_comment(request.user, post)
        if not allowed:
            errors = {"message": reason, "fields": {}}
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            comment = comment_services.comment_add(request.user, post.id, text)
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            return redirect(_comment_url(post, comment.id))
    return render(
        request,
        "writing/comment.html",
        {
            "post": post,
            "text": text,
            "errors": errors,
            "back": back,
            "comment": None,
            "editable": True,
            "deletable": False,
        },
        status=status,
    )


def _question(post: Post) -> Post:
    return post if post.is_question else post.parent


def _question_page(post: Post) -> str:
    question = _question(post)
    return question_url(question.id, question.title)


def _comment_url(post: Post, comment_id: int) -> str:
    question = _question(post)
    return links.comment_url(question.id, question.title, comment_id)


def _comment(comment_id: int) -> Comment:
    comment = Comment.objects.select_related("post__parent").filter(id=comment_id).first()
    if comment is None:
        raise Http404("No comment with that id")
    return comment


@login_required
def comment_edit(request, comment_id: int):
    comment = _comment(comment_id)
    text, errors, status = comment.text, {}, 200
    allowed, reason = comment_policies.can_edit_comment(request.user, comment)
    if not allowed and request.method != "POST":
        errors = {"message": reason, "fields": {}}
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            comment_services.comment_edit(request.user, comment.id, text)
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            return redirect(_comment_url(comment.post, comment.id))
    return render(
        request,
        "writing/comment.html",
        {
            "post": comment.post,
            "comment": comment,
            "text": text,
            "errors": errors,
            "back": _question_page(comment.post),
            "editable": allowed,
            "deletable": comment_policies.can_delete_comment(request.user, comment)[0],
        },
        status=status,
    )


@require_POST
@login_required
def comment_delete(request, comment_id: int):
    comment = _comment(comment_id)
    try:
        comment_services.comment_delete(request.user, comment.id)
    except DomainError as error:
        return _problem(request, error, back=_question_page(comment.post))
    question = _question(comment.post)
    return redirect(links.comments_url(question.id, question.title, comment.post_id))


# --- preview and similar questions -----------------------------------------------------------


def source_warnings_html(problems: list[str]) -> str:
    """Each malformed DOI or ISBN the text cites, above the preview (sources.extract): told
    before posting, so the writer can fix it; the post is accepted either way."""
    if not problems:
        return ""
    return format_html(
        '<div class="source-warnings" role="status"><p>Check these sources:</p><ul>{}</ul></div>',
        format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
    )


@require_POST
def markdown_preview(request):
    """The server's own renderer, so the preview is exactly what will be saved."""
    if not request.user.is_authenticated:
        return HttpResponse("Log in to preview.", status=403, content_type="text/plain")
    # A 60,000-character render costs ~150 ms (bench/markdown_hostile.py): bound it per user.
    if limits.record_attempt("preview", request.user.id, 60) > PREVIEWS_PER_MINUTE:
        return HttpResponse(
            "Too many previews; wait a minute.", status=429, content_type="text/plain"
        )
    source = request.POST.get("text", "")[:MAX_SOURCE_CHARS]
    html = source_warnings_html(problems_of(source)) + render_post(source)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


def similar(request):
    title = request.GET.get("title", "")[:TITLE_MAX]
    return JsonResponse(
        {
            "questions": [
                {
                    "id": q.id,
                    "title": q.title,
                    "score": q.score,
                    "answers": q.answer_count or 0,
                    "url": question_url(q.id, q.title),
                }
                for q in similar_questions(title, limit=SIMILAR_SHOWN)
            ]
        }
    )


# --- suggested edits -------------------------------------------------------------------------


def suggested_edits(request):
    pending = (
        SuggestedEdit.objects.filter(
            approval_date=None, rejection_date=None, post__post_type__in=(1, 2)
        )  # suggested tag wiki edits are reviewed at /review/tag-wiki-edits
        .select_related("post", "post__parent", "owner")
        .order_by("creation_date")[:50]
    )
    return render(request, "writing/suggested_edits.html", {"pending": pending})


@login_required
def suggested_edit(request, suggestion_id: int):
    suggestion = (
        SuggestedEdit.objects.select_related("post", "post__parent", "owner")
        .filter(id=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise Http404("No suggested edit with that id")
    error = None
    if request.method == "POST":
        try:
            post_services.suggested_edit_review(
                request.user, suggestion.id, request.POST.get("verdict", "")
            )
        except DomainError as failure:
            error = failure.message
        else:
            return redirect(links.page_url("suggested_edit", suggestion.id))
    post = suggestion.post
    diffs = {
        "title": inline_diff(post.title, suggestion.title) if post.is_question else "",
        "body": inline_diff(post.body_markdown, suggestion.body_markdown),
        "tags": inline_diff(post.tags, suggestion.tags) if post.is_question else "",
    }
    allowed, reason = policies.can_review_suggested_edit(request.user, post)
    return render(
        request,
        "writing/suggested_edit.html",
        {
            "s": suggestion,
            "post": post,
            "diffs": diffs,
            "error": error,
            "can_review": allowed and suggestion.owner_id != request.user.id,
            "reason": reason,
            "preview": render_post(suggestion.body_markdown),
        },
    )


urlpatterns: list = [
    path("questions/ask", ask, name="ask"),
    path("questions/ask/similar", similar, name="ask_similar"),
    path("questions/<id:question_id>/answer", answer, name="answer"),
    path("posts/<id:post_id>/edit", edit, name="post_edit"),
    path("posts/<id:post_id>/rollback/<id:number>", rollback, name="post_rollback"),
    path("posts/<id:post_id>/delete", delete, name="post_delete"),
    path("posts/<id:post_id>/undelete", undelete, name="post_undelete"),
    path("posts/<id:post_id>/comments/new", comment_new, name="comment_new"),
    path("comments/<id:comment_id>/edit", comment_edit, name="comment_edit"),
    path("comments/<id:comment_id>/delete", comment_delete, name="comment_delete"),
    path("markdown/preview", markdown_preview, name="markdown_preview"),
    path("review/suggested-edits", suggested_edits, name="suggested_edits"),
    path("review/suggested-edits/<id:suggestion_id>", suggested_edit, name="suggested_edit"),
]
