"""The question page and the short links that lead to it."""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import path
from django.utils import timezone

from quaestio.core.client import client_address
from quaestio.core.links import answer_in_thread_url, answer_url, question_url
from quaestio.moderation.post_tools import merged_question_url
from quaestio.posts.models import Post, PostType
from quaestio.posts.selectors import ANSWER_SORTS, question_thread, thread_page
from quaestio.posts.services import count_question_view
from quaestio.web import converters  # noqa: F401  (registers <id:...>)
from quaestio.web.jinja import csrf_field, render_encoded
from quaestio.web.post_blocks import Viewer, thread_html
from quaestio.web.structured_data import qa_page_json_ld
from quaestio.web.text import excerpt

DESCRIPTION_LENGTH = 160  # the meta description search engines show under the title


def _count_view(request, question) -> None:
    visitor = f"u{request.user.id}" if request.user.is_authenticated else client_address(request)
    if count_question_view(question.id, visitor):
        question.view_count = (question.view_count or 0) + 1


def question_detail(request, question_id: int, slug: str | None = None):
    viewer = request.user if request.user.is_authenticated else None
    thread = question_thread(question_id, viewer)
    if thread is None or thread.question.deletion_date is not None:
        # A merged question's URL leads to the question it was merged into, for everyone.
        if merged := merged_question_url(question_id):
            return HttpResponsePermanentRedirect(merged)
    if thread is None:
        answer = (
            Post.objects.filter(id=question_id, post_type=PostType.ANSWER).only("parent_id").first()
        )
        if answer is not None:
            return HttpResponsePermanentRedirect(answer_url(answer.id))
        raise Http404("No question with that id")
    question = thread.question
    canonical = question_url(question.id, question.title)
    if request.path != canonical:
        # Redirected from the thread's first query alone, before the page's work.
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(canonical + (f"?{query}" if query else ""))
    sort = request.GET.get("answertab") or request.GET.get("sort") or "score"
    page = thread_page(thread, viewer, sort)
    _count_view(request, question)
    viewer = Viewer(
        user_id=request.user.id if viewer is not None else None,
        csrf=str(csrf_field(request)) if viewer is not None else "",
        page_path=canonical,
        now=timezone.now(),
    )
    authors = list(dict.fromkeys(block.owner.name for block in [page.question, *page.answers]))
    context = {
        "page": page,
        "q": question,
        "viewer": viewer,
        "canonical": canonical,
        "description": excerpt(question.body, DESCRIPTION_LENGTH),
        "thread": thread_html(page, viewer, ANSWER_SORTS, canonical, authors),
        "json_ld": qa_page_json_ld(page, request.build_absolute_uri(canonical)),
    }
    return render_encoded(request, "questions/page.html", context)


def question_short(request, question_id: int, user_id: int | None = None):
    question = (
        Post.objects.filter(id=question_id, post_type=PostType.QUESTION).only("title").first()
    )
    if question is None:
        raise Http404("No question with that id")
    return HttpResponsePermanentRedirect(question_url(question.id, question.title))


def answer_short(request, answer_id: int, user_id: int | None = None):
    answer = (
        Post.objects.filter(id=answer_id, post_type=PostType.ANSWER)
        .select_related("parent")
        .only("id", "parent__id", "parent__title")
        .first()
    )
    if answer is None or answer.parent is None:
        raise Http404("No answer with that id")
    return HttpResponsePermanentRedirect(
        answer_in_thread_url(answer.parent.id, answer.parent.title, answer.id)
    )


urlpatterns = [
    path("questions/<id:question_id>", question_detail, name="question_noslug"),
    path("questions/<id:question_id>/", question_detail, name="question_noslug_slash"),
    path("questions/<id:question_id>/<str:slug>", question_detail, name="question"),
    path("q/<id:question_id>", question_short, name="question_short"),
    path("q/<id:question_id>/<id:user_id>", question_short),
    path("a/<id:answer_id>", answer_short, name="answer_short"),
    path("a/<id:answer_id>/<id:user_id>", answer_short),
]
